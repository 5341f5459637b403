/**
 * @module http/fhir/validate-write
 * The gate every create, update and patch passes: a resource with errors is refused with 422 and the
 * issues, before anything is written.
 */
import type { Resource } from '@medplum/fhirtypes';
import { FhirError } from '../../fhir/error.js';
import { hasErrors } from '../../fhir/validate.js';
import type { FhirContext } from './types.js';

export function validateForWrite(ctx: FhirContext, resource: Resource): void {
  const issues = ctx.validator.validate(resource);
  if (hasErrors(issues)) throw new FhirError(422, issues.filter((i) => i.severity !== 'information'));
}
