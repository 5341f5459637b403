/**
 * @module http/fhir/version-headers
 * ETag, Last-Modified and Location for a stored version (https://hl7.org/fhir/R4/http.html#versioning),
 * and the parsing of the If-Match / If-None-Match headers that refer to them.
 */
import { errors } from '../../fhir/error.js';
import type { StoredVersion } from '../../store/store.js';
import type { FhirResponse } from './types.js';

export const etag = (versionId: number): string => `W/"${versionId}"`;

export function versionHeaders(v: StoredVersion): Record<string, string> {
  return { ETag: etag(v.versionId), 'Last-Modified': new Date(v.lastUpdated).toUTCString() };
}

export function locationHeader(baseUrl: string, v: StoredVersion): Record<string, string> {
  return { Location: `${baseUrl}/${v.resourceType}/${v.id}/_history/${v.versionId}` };
}

/** The version number in an ETag such as `W/"3"` or `"3"`; 400 when it is not one. */
export function parseETag(value: string, header = 'If-Match'): number {
  const m = /^\s*(?:W\/)?"?(\d+)"?\s*$/.exec(value);
  if (!m) throw errors.badRequest(`${header} must be an ETag such as W/"3"; got ${JSON.stringify(value)}`);
  return Number(m[1]);
}

/**
 * The answer for a version an interaction or operation wrote: 201 with Location when it created the
 * resource, else 200; ETag and Last-Modified always; `Prefer: return=` applies.
 */
export function respondWritten(ctx: { config: { baseUrl: string } }, v: StoredVersion, created: boolean): FhirResponse {
  const headers = { ...versionHeaders(v), ...(created ? locationHeader(ctx.config.baseUrl, v) : {}) };
  return { status: created ? 201 : 200, raw: v.json!, headers, preferApplies: true };
}
