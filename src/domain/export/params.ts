/**
 * @module domain/export/params
 * The kick-off parameters of a Bulk Data export (Bulk Data Access 2.0,
 * https://hl7.org/fhir/uv/bulkdata/STU2/export.html#query-parameters), checked before a job exists:
 * `_outputFormat`, `_type`, `_since`, `_typeFilter`, `_elements`, `patient` (POST) and
 * `includeAssociatedData`. What Lots does not support is an error, or, with `Prefer: handling=lenient`,
 * ignored and reported in the manifest's `error` file.
 */
import { errors } from '../../fhir/error.js';

export type ExportLevel = 'system' | 'patient' | 'group';

export interface ExportParams {
  level: ExportLevel;
  groupId?: string;
  /** The types to export, in order (sorted). */
  types: string[];
  since?: string;
  /** Per type, the search of its `_typeFilter` (one per type). */
  typeFilters: Record<string, string>;
  elements?: string[];
  /** `Patient/x` refs: the group's members or the `patient` parameter; absent: every patient (patient level). */
  patients?: string[];
  /** What was ignored under lenient handling, with why. */
  ignored: string[];
}

export interface KickOffInput {
  level: ExportLevel;
  groupId?: string;
  /** Name/value pairs from the query (GET) or the Parameters body (POST). */
  params: [string, string][];
  lenient: boolean;
  resourceTypes: ReadonlySet<string>;
  /** Throws a FhirError when `query` is not a valid search on `type`. */
  checkSearch(type: string, query: string): void;
}

const FORMATS = new Set(['application/fhir+ndjson', 'application/ndjson', 'ndjson']);
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const KNOWN = new Set(['_outputFormat', '_type', '_since', '_typeFilter', '_elements', 'patient', 'includeAssociatedData']);

export function parseKickOff(i: KickOffInput): ExportParams {
  const all = (name: string) => i.params.filter(([n]) => n === name).map(([, v]) => v);
  const list = (name: string) => all(name).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
  const out: ExportParams = { level: i.level, types: [], typeFilters: {}, ignored: [] };
  if (i.groupId) out.groupId = i.groupId;
  const unsupported = (name: string, why: string) => {
    if (!i.lenient) throw errors.badRequest(`${name}: ${why} (send Prefer: handling=lenient to have it ignored)`, [name]);
    out.ignored.push(`${name}: ${why}; ignored`);
  };
  for (const [name] of i.params) if (!KNOWN.has(name)) unsupported(name, 'not a parameter of $export');
  const format = all('_outputFormat')[0];
  if (format !== undefined && !FORMATS.has(format)) throw errors.badRequest(`_outputFormat: only application/fhir+ndjson is produced, not ${format}`, ['_outputFormat']);
  const types = list('_type');
  for (const t of types) if (!i.resourceTypes.has(t)) throw errors.badRequest(`_type: "${t}" is not a resource type`, ['_type']);
  out.types = (types.length ? [...new Set(types)] : [...i.resourceTypes].filter((t) => t !== 'AuditEvent')).sort();
  const since = all('_since')[0];
  if (since !== undefined) {
    if (!INSTANT.test(since) || Number.isNaN(Date.parse(since))) throw errors.badRequest('_since must be an instant, e.g. 2026-01-01T00:00:00Z', ['_since']);
    out.since = new Date(since).toISOString();
  }
  for (const f of all('_typeFilter')) {
    const [type = '', query = ''] = f.split('?', 2);
    if (!i.resourceTypes.has(type) || !query) throw errors.badRequest(`_typeFilter: "${f}" must be Type?search`, ['_typeFilter']);
    if (out.typeFilters[type]) {
      unsupported('_typeFilter', `only one filter per type is supported (${type} has more)`);
      continue;
    }
    i.checkSearch(type, query);
    out.typeFilters[type] = query;
  }
  for (const t of Object.keys(out.typeFilters)) if (!out.types.includes(t)) throw errors.badRequest(`_typeFilter: ${t} is not among the types exported`, ['_typeFilter']);
  const elements = list('_elements');
  if (elements.length) out.elements = elements.map((e) => e.replace(/^[A-Z][A-Za-z]+\./, ''));
  const patients = all('patient');
  if (patients.length) {
    if (i.level === 'system') throw errors.badRequest('patient: only for Patient/$export and Group/[id]/$export', ['patient']);
    for (const p of patients) if (!/^Patient\/[A-Za-z0-9\-.]{1,64}$/.test(p)) throw errors.badRequest(`patient: "${p}" must be a Patient reference`, ['patient']);
    out.patients = [...new Set(patients)];
  }
  if (all('includeAssociatedData').length) unsupported('includeAssociatedData', 'no associated data (e.g. provenance) is exported by Lots');
  return out;
}
