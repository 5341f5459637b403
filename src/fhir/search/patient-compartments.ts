/**
 * @module fhir/search/patient-compartments
 * The patient compartments a resource belongs to, computed from the compartment's reference params
 * only (a handful of FHIRPath evaluations), for access checks before a write. The store computes the
 * same set from the full index entries when it writes.
 */
import { evalFhirPathTyped, toTypedValue } from '@medplum/core';
import type { Resource } from '@medplum/fhirtypes';
import { patientCompartmentParams } from './compartments.js';
import { references } from './extract-values.js';
import { parsedExpression, type SearchRegistry } from './registry.js';

export function patientCompartments(registry: SearchRegistry, resource: Resource, baseUrl: string): string[] {
  const set = new Set<string>();
  if (resource.resourceType === 'Patient' && resource.id) set.add(`Patient/${resource.id}`);
  const params = patientCompartmentParams().get(resource.resourceType) ?? [];
  const root = [toTypedValue(resource)];
  for (const code of params) {
    const def = registry.get(resource.resourceType, code);
    const atom = def && parsedExpression(resource.resourceType, def);
    if (!atom) continue;
    for (const ref of evalFhirPathTyped(atom, root).flatMap((tv) => references(tv, baseUrl))) {
      if (ref.targetType === 'Patient' && ref.targetId) set.add(`Patient/${ref.targetId}`);
    }
  }
  return [...set];
}
