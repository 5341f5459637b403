/**
 * @module http/fhir/body
 * Checks that a request body is a resource of the type the URL names.
 */
import type { Resource } from '@medplum/fhirtypes';
import { errors } from '../../fhir/error.js';
import type { FhirRequest } from './types.js';

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The body as a resource of type `type`: 400 when there is none or its resourceType differs. */
export function bodyResource(req: FhirRequest, type: string): Resource {
  const body = req.body;
  if (body === undefined) throw errors.badRequest(`The request needs a ${type} resource as its body`);
  // Form fields are a body only `_search` takes.
  if (body instanceof URLSearchParams) {
    throw errors.unsupportedMediaType(`Send the ${type} as FHIR JSON with Content-Type: application/fhir+json`);
  }
  if (!isObject(body)) throw errors.badRequest('The body must be a JSON object (a FHIR resource)');
  if (typeof body.resourceType !== 'string') {
    throw errors.badRequest('The body has no resourceType; a FHIR resource needs one', ['resourceType']);
  }
  if (body.resourceType !== type) {
    throw errors.badRequest(`The body is a ${body.resourceType}, but the URL is for ${type}`, ['resourceType']);
  }
  return body as unknown as Resource;
}

const ID = /^[A-Za-z0-9\-.]{1,64}$/;

export function checkId(id: string): string {
  if (!ID.test(id)) {
    throw errors.badRequest(`"${id}" is not a valid FHIR id (1-64 characters: letters, digits, '-' and '.')`);
  }
  return id;
}
