/**
 * @module http/fhir/update
 * The update interaction, https://hl7.org/fhir/R4/http.html#update: the id in the URL and the body must
 * agree (else 400); an absent resource is created with the client's id (201); If-Match gives optimistic
 * locking (412 when stale). Conditional update (PUT /Type?query) is in `conditional.ts`.
 */
import type { Resource } from '@medplum/fhirtypes';
import { errors } from '../../fhir/error.js';
import type { UpdateOptions } from '../../store/store.js';
import { auditWrite, checkWrite, compartmentsOf, readPolicy } from '../../domain/repository.js';
import { bodyResource, checkId } from './body.js';
import { locationHeader, parseETag, versionHeaders } from './version-headers.js';
import { validateForWrite } from '../../domain/repository.js';
import type { FhirContext, FhirResponse, Interaction } from './types.js';

export const update: Interaction = async (ctx, req, { type, id }) => {
  const resource = bodyResource(req, type!);
  if (resource.id === undefined) {
    throw errors.badRequest(`The ${type} has no id; it must be "${id}", the id in the URL`, [`${type}.id`]);
  }
  if (resource.id !== id) {
    throw errors.badRequest(`The id in the body ("${resource.id}") differs from the id in the URL ("${id}")`, [`${type}.id`]);
  }
  const options: UpdateOptions = {};
  if (req.headers.ifMatch) options.ifMatch = parseETag(req.headers.ifMatch);
  return writeVersion(ctx, resource, options);
};

/** Validates and stores a new version; shared by update, conditional update and patch. */
export async function writeVersion(ctx: FhirContext, resource: Resource, options: UpdateOptions): Promise<FhirResponse> {
  checkId(resource.id!);
  await validateForWrite(ctx, resource);
  const compartments = compartmentsOf(ctx, resource);
  await checkWrite(ctx, resource, 'u', compartments);
  const audit = auditWrite(ctx, 'update', 'U', `${resource.resourceType}/${resource.id}`, compartments);
  const policy = readPolicy(ctx);
  const { version, created } = await ctx.store.update(resource, { ...options, ...(audit.length ? { alsoCreate: audit } : {}), ...(policy ? { policy } : {}) });
  const headers = { ...versionHeaders(version), ...(created ? locationHeader(ctx.config.baseUrl, version) : {}) };
  return { status: created ? 201 : 200, raw: version.json!, headers, preferApplies: true };
}
