/**
 * @module http/fhir/patch
 * The patch interaction, https://hl7.org/fhir/R4/http.html#patch: JSON Patch
 * (application/json-patch+json) or FHIRPath Patch (a Parameters body). The patched resource is
 * validated like any update; a patch that fails or yields an invalid resource changes nothing, and a
 * concurrent write in between makes it 412 rather than a lost update.
 */
import type { Parameters, Resource } from '@medplum/fhirtypes';
import { errors } from '../../fhir/error.js';
import { applyFhirPathPatch } from '../../fhir/patch/fhirpath-patch.js';
import { checkJsonLimits } from '../../fhir/json-limits.js';
import { applyJsonPatch } from '../../fhir/patch/json-patch.js';
import { isObject } from './body.js';
import { parseETag, respondWritten } from './version-headers.js';
import type { FhirContext, FhirRequest, FhirResponse, Interaction } from './types.js';

export const patch: Interaction = (ctx, req, { type, id }) => applyPatchTo(ctx, req, type!, id!);

/** Patches through the door, which locks, re-reads and retries (see `Repository.patch`). */
export async function applyPatchTo(ctx: FhirContext, req: FhirRequest, type: string, id: string): Promise<FhirResponse> {
  const ifMatch = req.headers.ifMatch ? parseETag(req.headers.ifMatch) : undefined;
  // The body was checked, but patches applied one after another could still nest a resource ever deeper.
  const { version, created } = await ctx.repo.patch(type, id, (current) => checkJsonLimits(applyBody(req, current)), ifMatch);
  return respondWritten(ctx, version, created);
}

function applyBody(req: FhirRequest, resource: Resource): Resource {
  if (req.body === undefined) throw errors.badRequest('PATCH needs a body: a JSON Patch array or a FHIRPath Patch Parameters');
  if (req.contentType === 'application/json-patch+json') {
    return applyJsonPatch(resource as unknown as Record<string, unknown>, req.body) as unknown as Resource;
  }
  if (isObject(req.body) && req.body.resourceType === 'Parameters') {
    return applyFhirPathPatch(resource, req.body as unknown as Parameters);
  }
  if (Array.isArray(req.body)) {
    throw errors.unsupportedMediaType('A JSON Patch must be sent with Content-Type: application/json-patch+json');
  }
  throw errors.badRequest('A FHIR PATCH body is a FHIRPath Patch Parameters resource or, with application/json-patch+json, a JSON Patch array');
}
