/**
 * @module fhir/search/extract
 * The write side of search: computes the index entries of a resource for every search parameter of
 * its type (FHIRPath evaluated by @medplum/core, expressions parsed once and cached). Pure.
 */
import { evalFhirPathTyped, toTypedValue, type TypedValue } from '@medplum/core';
import type { Resource } from '@medplum/fhirtypes';
import { patientCompartmentParams } from './compartments.js';
import { emptyIndexEntries, type CompositeEntry, type IndexEntries } from './index-entries.js';
import { parsedExpression, type SearchParamDef, type SearchRegistry } from './registry.js';
import * as v from './extract-values.js';

export interface ExtractOptions {
  /** This server's FHIR base; absolute references to it are indexed as local ones. */
  baseUrl: string;
}

export function createExtractor(registry: SearchRegistry, options: ExtractOptions): (resource: Resource) => IndexEntries {
  return (resource) => extract(registry, options, resource);
}

function extract(registry: SearchRegistry, options: ExtractOptions, resource: Resource): IndexEntries {
  const out = emptyIndexEntries();
  const type = resource.resourceType;
  const root = [toTypedValue(resource)];
  for (const def of registry.forType(type)) {
    const atom = parsedExpression(type, def);
    if (!atom) continue;
    const values = evalFhirPathTyped(atom, root);
    if (values.length) addValues(out, def, values, options);
  }
  out.compartments = compartments(resource, out);
  return out;
}

function addValues(out: IndexEntries, def: SearchParamDef, values: TypedValue[], options: ExtractOptions): void {
  const param = def.code;
  switch (def.type) {
    case 'token':
      for (const t of values.flatMap(v.tokens)) out.token.push({ param, ...t });
      for (const t of values.flatMap(v.identifierTypeTokens)) out.token.push({ ...t, param: `${param}:of-type` });
      break;
    case 'string':
      for (const s of values.flatMap(v.strings)) out.string.push({ param, ...s });
      break;
    case 'date':
      for (const d of values.flatMap(v.dates)) out.date.push({ param, ...d });
      break;
    case 'reference':
      for (const r of values.flatMap((x) => v.references(x, options.baseUrl))) out.reference.push({ param, ...r });
      for (const t of values.flatMap(v.referenceIdentifiers)) out.token.push({ ...t, param: `${param}:identifier` });
      break;
    case 'number':
      for (const n of values.flatMap(v.numbers)) out.number.push({ param, value: n });
      break;
    case 'quantity':
      for (const q of values.flatMap(v.quantities)) out.quantity.push({ param, ...q });
      break;
    case 'uri':
      for (const u of values.flatMap(v.uris)) out.uri.push({ param, value: u });
      break;
    case 'composite':
      for (const c of values.flatMap((x) => composites(def, x, options))) out.composite.push({ param, ...c });
      break;
    default:
      break;
  }
}

/** One row per combination of the components' values within one element (e.g. one Observation.component). */
function composites(def: SearchParamDef, item: TypedValue, options: ExtractOptions): Omit<CompositeEntry, 'param'>[] {
  const [a, b, c] = (def.components ?? []).map((comp) => v.componentValues(comp.type, evalFhirPathTyped(comp.expression, [item]), options.baseUrl));
  if (!a || !b) return [];
  const rows: Omit<CompositeEntry, 'param'>[] = [];
  for (const x of a) for (const y of b) for (const z of c ?? [{}]) rows.push(v.compositeRow(x, y, z));
  return rows;
}

function compartments(resource: Resource, entries: IndexEntries): string[] {
  const set = new Set<string>();
  if (resource.resourceType === 'Patient' && resource.id) set.add(`Patient/${resource.id}`);
  const params = patientCompartmentParams().get(resource.resourceType);
  if (params) {
    for (const r of entries.reference) {
      if (r.targetType === 'Patient' && r.targetId && params.includes(r.param)) set.add(`Patient/${r.targetId}`);
    }
  }
  return [...set];
}
