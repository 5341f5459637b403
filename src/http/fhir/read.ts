/**
 * @module http/fhir/read
 * The read interaction, https://hl7.org/fhir/R4/http.html#read: 404 when unknown, 410 when deleted,
 * 304 for a conditional read (If-None-Match / If-Modified-Since) of an unchanged version.
 */
import { errors } from '../../fhir/error.js';
import type { StoredVersion } from '../../store/store.js';
import { parseETag, versionHeaders } from './version-headers.js';
import type { FhirRequest, FhirResponse, Interaction } from './types.js';

export const read: Interaction = async (ctx, req, { type, id }) => {
  const version = await ctx.repo.read(type!, id!);
  if (!version) throw errors.notFound(`${type}/${id} is not known`);
  if (version.deleted) throw errors.gone(`${type}/${id} has been deleted`, versionHeaders(version));
  return respondWithVersion(req, version);
};

export function respondWithVersion(req: FhirRequest, version: StoredVersion): FhirResponse {
  const headers = versionHeaders(version);
  if (notModified(req, version)) return { status: 304, headers };
  return { status: 200, raw: version.json!, headers };
}

function versionOf(tag: string): number | undefined {
  try {
    return parseETag(tag, 'If-None-Match');
  } catch {
    return undefined;
  }
}

function notModified(req: FhirRequest, v: StoredVersion): boolean {
  const { ifNoneMatch, ifModifiedSince } = req.headers;
  // A list of ETags is allowed (RFC 9110 13.1.2); one that is not ours (e.g. "abc") just does not match.
  if (ifNoneMatch) return ifNoneMatch.split(',').some((tag) => tag.trim() === '*' || versionOf(tag) === v.versionId);
  if (ifModifiedSince) {
    const since = Date.parse(ifModifiedSince);
    // HTTP dates have second precision; compare at that precision.
    return !Number.isNaN(since) && Math.floor(Date.parse(v.lastUpdated) / 1000) * 1000 <= since;
  }
  return false;
}
