/**
 * @module http/fhir/delete
 * The delete interaction, https://hl7.org/fhir/R4/http.html#delete. Idempotent: deleting a resource that
 * is absent or already deleted succeeds and writes nothing. History keeps a version recording the delete.
 */
import { information } from '../../fhir/error.js';
import type { WriteOptions } from '../../domain/repository.js';
import { parseETag, versionHeaders } from './version-headers.js';
import type { Interaction } from './types.js';

export const remove: Interaction = async (ctx, req, { type, id }) => {
  const options: WriteOptions = {};
  if (req.headers.ifMatch) options.ifMatch = parseETag(req.headers.ifMatch);
  const version = await ctx.repo.delete(type!, id!, options);
  if (!version) return { status: 200, resource: information(`${type}/${id} does not exist or was already deleted; nothing to do`) };
  return { status: 200, resource: information(`Deleted ${type}/${id}`), headers: versionHeaders(version) };
};
