/**
 * @module fhir/search/extract
 * The write side of search: computes the index entries of a resource for every search parameter of
 * its type (FHIRPath evaluated by @medplum/core, expressions parsed once and cached). Pure.
 */
import { evalFhirPathTyped, parseFhirPath, toTypedValue, type TypedValue } from '@medplum/core';
import type { Resource } from '@medplum/fhirtypes';
import { patientCompartmentParams } from './compartments.js';
import { emptyIndexEntries, type CompositeEntry, type IndexEntries } from './index-entries.js';
import { parsedExpression, type SearchParamDef, type SearchRegistry } from './registry.js';
import * as v from './extract-values.js';
import { auditEventEntries, FAST_PATH_EXTRA_PARAMS, isGenerated } from './audit-entries.js';

/** Searched on the resource row itself (its id and last_updated columns), so they get no index rows. */
const FROM_RESOURCE_ROW = new Set(['_id', '_lastUpdated']);

export interface ExtractOptions {
  /** This server's FHIR base; absolute references to it are indexed as local ones. */
  baseUrl: string;
}

/**
 * The extractor for a registry. Results are remembered per resource object (weakly), because a write
 * asks twice: once for the access check (its compartments), once when the store writes the index
 * rows; callers must not change a resource's searchable content in between.
 */
export function createExtractor(registry: SearchRegistry, options: ExtractOptions): (resource: Resource) => IndexEntries {
  const memo = new WeakMap<Resource, { version: number; entries: IndexEntries }>();
  let customAudit: { version: number; value: boolean } | undefined;
  // Lots' own AuditEvents take the fast path, unless someone added AuditEvent parameters at run time.
  const fastAudit = () => {
    if (customAudit?.version !== registry.version()) {
      const value = registry.forType('AuditEvent').some((d) => !d.url.startsWith('http://hl7.org/fhir/SearchParameter/') && !FAST_PATH_EXTRA_PARAMS.has(d.url));
      customAudit = { version: registry.version(), value };
    }
    return !customAudit.value;
  };
  return (resource) => {
    const hit = memo.get(resource);
    if (hit && hit.version === registry.version()) return hit.entries;
    const entries = isGenerated(resource) && fastAudit() ? auditEventEntries(resource, options.baseUrl) : extract(registry, options, resource);
    memo.set(resource, { version: registry.version(), entries });
    return entries;
  };
}

const componentAtoms = new Map<string, ReturnType<typeof parseFhirPath>>();

/** A composite component's FHIRPath, parsed once (they are evaluated for every component of every write). */
function componentAtom(expression: string): ReturnType<typeof parseFhirPath> {
  let atom = componentAtoms.get(expression);
  if (!atom) {
    atom = parseFhirPath(expression);
    componentAtoms.set(expression, atom);
  }
  return atom;
}

const roots = new Map<string, readonly string[] | null>();

/**
 * The top-level elements an expression starts from (`Observation.subject` -> subject,
 * `(Observation.value as Quantity)` -> value), or null when the parameter may have a value without
 * them: it starts elsewhere (a function, %resource), or it yields something on an empty resource
 * (`Patient.deceased.exists() and ...` is false, not empty). A resource with none of the elements
 * cannot give the parameter a value, so its FHIRPath need not run: most of a type's 30-50 parameters
 * name elements a given resource does not have.
 */
function rootsOf(type: string, def: SearchParamDef): readonly string[] | null {
  const key = `${type}|${def.expression}`;
  let r = roots.get(key);
  if (r === undefined) {
    const parts = def.expression!.split('|').map((p) => p.trim().replace(/^\(+/, ''));
    const prefix = `${type}.`;
    const names = parts.map((p) => (p.startsWith(prefix) ? /^[a-zA-Z]+/.exec(p.slice(prefix.length))?.[0] : undefined));
    r = names.every((n): n is string => !!n) && yieldsNothingOnEmpty(type, def) ? [...new Set(names)] : null;
    roots.set(key, r);
  }
  return r;
}

function yieldsNothingOnEmpty(type: string, def: SearchParamDef): boolean {
  try {
    const atom = parsedExpression(type, def);
    return !atom || evalFhirPathTyped(atom, [toTypedValue({ resourceType: type })]).length === 0;
  } catch {
    return false;
  }
}

function mayHaveValues(resource: Resource, type: string, def: SearchParamDef): boolean {
  if (!def.expression) return false;
  const names = rootsOf(type, def);
  if (!names) return true;
  const record = resource as unknown as Record<string, unknown>;
  for (const name of names) {
    if (record[name] !== undefined) return true;
    // a choice element: value -> valueQuantity, valueString, ...
    for (const key in record) if (key.length > name.length && key.startsWith(name) && key.charCodeAt(name.length) < 91) return true;
  }
  return false;
}

/** The entries of a resource; `everyParam` runs every expression (the reference the shortcut is tested against). */
export function extract(registry: SearchRegistry, options: ExtractOptions, resource: Resource, everyParam = false): IndexEntries {
  const out = emptyIndexEntries();
  const type = resource.resourceType;
  const root = [toTypedValue(relativize(resource, `${options.baseUrl}/`) as Resource)];
  for (const def of registry.forType(type)) {
    if (FROM_RESOURCE_ROW.has(def.code)) continue;
    if (!everyParam && !mayHaveValues(resource, type, def)) continue;
    const atom = parsedExpression(type, def);
    if (!atom) continue;
    const values = evalFhirPathTyped(atom, root).filter(wellFormed);
    if (values.length) addValues(out, def, values, options, root[0]!);
  }
  out.compartments = compartments(resource, out);
  return out;
}

/**
 * Whether a value has the JavaScript shape its FHIR type needs. Indexing runs before some writes are
 * validated (and the validator lets e.g. `"family": []` through), so a malformed value is skipped here
 * rather than crashing an extractor with a TypeError (a 500).
 */
function wellFormed(tv: TypedValue): boolean {
  const value: unknown = tv.value;
  if (value === null || value === undefined || Array.isArray(value)) return false;
  // Primitive FHIR types are spelled in lower case (string, dateTime, code); complex ones capitalised.
  return /^[a-z]/.test(tv.type) ? typeof value !== 'object' : typeof value === 'object';
}

function addValues(out: IndexEntries, def: SearchParamDef, values: TypedValue[], options: ExtractOptions, resource: TypedValue): void {
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
      for (const c of values.flatMap((x) => composites(def, x, options, resource))) out.composite.push({ param, ...c });
      break;
    default:
      break;
  }
}

/**
 * The resource with absolute references into this server made relative (`<base>/Patient/1` ->
 * `Patient/1`), so FHIRPath's `resolve() is Patient` (as in Observation's `patient` and Task's
 * `patient`) sees their type; objects without such references are returned as they are.
 */
function relativize(value: unknown, base: string): unknown {
  if (Array.isArray(value)) {
    let changed = false;
    const out = value.map((v) => {
      const r = relativize(v, base);
      if (r !== v) changed = true;
      return r;
    });
    return changed ? out : value;
  }
  if (!value || typeof value !== 'object') return value;
  let out: Record<string, unknown> | undefined;
  for (const [key, v] of Object.entries(value)) {
    const r = key === 'reference' && typeof v === 'string' && v.startsWith(base) ? v.slice(base.length) : relativize(v, base);
    if (r !== v) (out ??= { ...(value as Record<string, unknown>) })[key] = r;
  }
  return out ?? value;
}

/** One row per combination of the components' values within one element (e.g. one Observation.component). */
function composites(def: SearchParamDef, item: TypedValue, options: ExtractOptions, resource: TypedValue): Omit<CompositeEntry, 'param'>[] {
  // Some R4 components (MolecularSequence) read `%resource`.
  const vars = { '%resource': resource };
  const [a, b, c] = (def.components ?? []).map((comp) => v.componentValues(comp.type, evalFhirPathTyped(componentAtom(comp.expression), [item], vars), options.baseUrl));
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
