/**
 * @module http/fhir/patch
 * The patch interaction, https://hl7.org/fhir/R4/http.html#patch: JSON Patch
 * (application/json-patch+json) or FHIRPath Patch (a Parameters body). The patched resource is
 * validated like any update; a patch that fails or yields an invalid resource changes nothing, and a
 * concurrent write in between makes it 412 rather than a lost update.
 */
import type { Parameters, Resource } from '@medplum/fhirtypes';
import { errors, FhirError } from '../../fhir/error.js';
import { applyFhirPathPatch } from '../../fhir/patch/fhirpath-patch.js';
import { checkJsonLimits } from '../../fhir/json-limits.js';
import { applyJsonPatch } from '../../fhir/patch/json-patch.js';
import { readPolicy } from '../../domain/repository.js';
import { isObject } from './body.js';
import { writeVersion } from './update.js';
import { parseETag } from './version-headers.js';
import type { FhirContext, FhirRequest, FhirResponse, Interaction } from './types.js';

export const patch: Interaction = (ctx, req, { type, id }) => applyPatchTo(ctx, req, type!, id!);

export async function applyPatchTo(ctx: FhirContext, req: FhirRequest, type: string, id: string): Promise<FhirResponse> {
  // Patches of one resource take turns under a lock, so concurrent patches all apply instead of all
  // but one failing. A PUT or DELETE may still land between the read and the write; without If-Match the
  // client asked for "the current version", so the patch is re-applied to the new one.
  return ctx.store.transaction(async (store) => {
    await store.lock(`patch:${type}/${id}`);
    const tx = { ...ctx, store };
    for (let attempt = 1; ; attempt++) {
      try {
        return await patchCurrent(tx, req, type, id);
      } catch (err) {
        const retry = !req.headers.ifMatch && attempt < 3 && err instanceof FhirError && err.status === 412;
        if (!retry) throw err;
      }
    }
  });
}

async function patchCurrent(ctx: FhirContext, req: FhirRequest, type: string, id: string): Promise<FhirResponse> {
  const current = await ctx.store.read(type, id, readPolicy(ctx));
  if (!current) throw errors.notFound(`${type}/${id} is not known`);
  if (current.deleted) throw errors.gone(`${type}/${id} has been deleted`);
  const ifMatch = req.headers.ifMatch ? parseETag(req.headers.ifMatch) : current.versionId;
  if (ifMatch !== current.versionId) {
    throw errors.preconditionFailed(`If-Match expected version ${ifMatch} of ${type}/${id}, but the current version is ${current.versionId}`);
  }
  // The body was checked, but patches applied one after another could still nest a resource ever deeper.
  const patched = checkJsonLimits(applyBody(req, JSON.parse(current.json!) as Resource));
  if (patched.resourceType !== type || patched.id !== id) {
    throw errors.unprocessable({ code: 'processing', diagnostics: 'A patch may not change the resourceType or id' });
  }
  return writeVersion(ctx, patched, { ifMatch, mustExist: true });
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
