/**
 * @module http/fhir/delete
 * The delete interaction, https://hl7.org/fhir/R4/http.html#delete. Idempotent: deleting a resource that
 * is absent or already deleted succeeds and writes nothing. History keeps a version recording the delete.
 */
import type { Resource } from '@medplum/fhirtypes';
import { information } from '../../fhir/error.js';
import { auditWrite, checkWrite, readPolicy } from '../../domain/repository.js';
import type { UpdateOptions } from '../../store/store.js';
import { parseETag, versionHeaders } from './version-headers.js';
import type { Interaction } from './types.js';

export const remove: Interaction = async (ctx, req, { type, id }) => {
  const options: UpdateOptions = {};
  if (req.headers.ifMatch) options.ifMatch = parseETag(req.headers.ifMatch);
  const policy = readPolicy(ctx);
  const current = await ctx.store.read(type!, id!, policy);
  if (current && !current.deleted) await checkWrite(ctx, JSON.parse(current.json!) as Resource, 'd', current.compartments ?? []);
  const audit = auditWrite(ctx, 'delete', 'D', `${type}/${id}`, current?.compartments ?? []);
  const version = await ctx.store.delete(type!, id!, { ...options, ...(policy ? { policy } : {}), ...(audit.length ? { alsoCreate: audit } : {}) });
  if (!version) return { status: 200, resource: information(`${type}/${id} does not exist or was already deleted; nothing to do`) };
  return { status: 200, resource: information(`Deleted ${type}/${id}`), headers: versionHeaders(version) };
};
