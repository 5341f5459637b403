/**
 * @module http/fhir/update
 * The update interaction, https://hl7.org/fhir/R4/http.html#update: the id in the URL and the body must
 * agree (else 400); an absent resource is created with the client's id (201); If-Match gives optimistic
 * locking (412 when stale). Conditional update (PUT /Type?query) is in `conditional.ts`.
 */
import type { Resource } from '@medplum/fhirtypes';
import { errors } from '../../fhir/error.js';
import type { WriteOptions } from '../../domain/repository.js';
import { bodyResource, checkId } from './body.js';
import { parseETag, respondWritten } from './version-headers.js';
import type { FhirContext, FhirResponse, Interaction } from './types.js';

export const update: Interaction = async (ctx, req, { type, id }) => {
  const resource = bodyResource(req, type!);
  if (resource.id === undefined) {
    throw errors.badRequest(`The ${type} has no id; it must be "${id}", the id in the URL`, [`${type}.id`]);
  }
  if (resource.id !== id) {
    throw errors.badRequest(`The id in the body ("${resource.id}") differs from the id in the URL ("${id}")`, [`${type}.id`]);
  }
  const options: WriteOptions = {};
  if (req.headers.ifMatch) options.ifMatch = parseETag(req.headers.ifMatch);
  return writeVersion(ctx, resource, options);
};

/** Stores a new version through the door; shared by update and conditional update. */
export async function writeVersion(ctx: FhirContext, resource: Resource, options: WriteOptions): Promise<FhirResponse> {
  checkId(resource.id!);
  const { version, created } = await ctx.repo.update(resource, options);
  return respondWritten(ctx, version, created);
}
