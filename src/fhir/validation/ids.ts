/**
 * @module fhir/validation/ids
 * Resource ids, https://hl7.org/fhir/R4/datatypes.html#id: `[A-Za-z0-9\-\.]{1,64}` for every resource,
 * contained resources and Bundle entries included, and an id on every contained resource
 * (https://hl7.org/fhir/R4/references.html#contained). Pure.
 */
import type { Resource } from '@medplum/fhirtypes';
import type { Issue } from '../error.js';
import type { TypedNode } from './walk.js';

const ID = /^[A-Za-z0-9\-.]{1,64}$/;

/** For each resource the walk meets: its id, and the ids of what it contains. */
export function checkResourceIds(node: TypedNode, out: Issue[]): void {
  if (node.value !== node.resource) return;
  const resource = node.resource as Resource & { id?: unknown };
  if (resource.id !== undefined && (typeof resource.id !== 'string' || !ID.test(resource.id))) {
    out.push({
      severity: 'error',
      code: 'value',
      diagnostics: 'Invalid resource id: it must be 1 to 64 letters, digits, "-" and "."',
      expression: [`${node.expression}.id`],
    });
  }
  const contained = (resource as { contained?: unknown }).contained;
  if (!Array.isArray(contained)) return;
  contained.forEach((c, i) => {
    if (c && typeof c === 'object' && (c as { id?: unknown }).id === undefined) {
      out.push({ severity: 'error', code: 'required', diagnostics: 'A contained resource must have an id, so it can be referenced', expression: [`${node.expression}.contained[${i}]`] });
    }
  });
}
