/**
 * @module http/fhir/vread
 * The vread interaction, https://hl7.org/fhir/R4/http.html#vread. A version that records a delete
 * answers 410.
 */
import { errors } from '../../fhir/error.js';
import { respondWithVersion } from './read.js';
import { versionHeaders } from './version-headers.js';
import type { Interaction } from './types.js';

export const vread: Interaction = async (ctx, req, { type, id, versionId }) => {
  if (!/^\d{1,9}$/.test(versionId!)) throw errors.notFound(`${type}/${id} has no version "${versionId}"`);
  const version = await ctx.repo.vread(type!, id!, Number(versionId));
  if (!version) {
    const exists = await ctx.repo.exists(type!, id!);
    throw errors.notFound(exists ? `${type}/${id} has no version ${versionId}` : `${type}/${id} is not known`);
  }
  if (version.deleted) throw errors.gone(`Version ${versionId} of ${type}/${id} records its deletion`, versionHeaders(version));
  return respondWithVersion(req, version);
};
