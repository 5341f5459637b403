/**
 * @module fhir/search/audit-entries
 * The index entries of the AuditEvents Lots writes itself (one for every read and write of patient
 * data), computed directly from their known shape instead of by evaluating ~25 FHIRPath expressions:
 * on a read-heavy server that evaluation was a third of the work. Only events made by Lots' audit
 * module are marked; any other AuditEvent takes the generic path, and a test checks that both paths
 * agree on every shape Lots writes.
 */
import type { AuditEvent, Coding } from '@medplum/fhirtypes';
import { emptyIndexEntries, type IndexEntries } from './index-entries.js';
import { references, referenceIdentifiers, tokens, dates } from './extract-values.js';

const generated = new WeakSet<AuditEvent>();

/** The access log's unit of the acting staff member (auth/audit.ts), searchable as Lots' own `agent-unit`. */
const AGENT_UNIT_EXT = 'https://lots.example/fhir/StructureDefinition/audit-agent-unit';
/** The SearchParameters on AuditEvent this fast path computes besides R4's own. */
export const FAST_PATH_EXTRA_PARAMS: ReadonlySet<string> = new Set(['https://lots.example/fhir/SearchParameter/auditevent-agent-unit']);

/** Marks an AuditEvent as made by Lots (its shape is known). */
export function markGenerated(event: AuditEvent): AuditEvent {
  generated.add(event);
  return event;
}

export function isGenerated(resource: object): resource is AuditEvent {
  return generated.has(resource as AuditEvent);
}

const coding = (c: Coding) => tokens({ type: 'Coding', value: c });

export function auditEventEntries(e: AuditEvent, baseUrl: string): IndexEntries {
  const out = emptyIndexEntries();
  const token = (param: string, list: ReturnType<typeof tokens>) => list.forEach((t) => out.token.push({ param, ...t }));
  const ref = (param: string, reference: string | undefined) => {
    if (reference) references({ type: 'Reference', value: { reference } }, baseUrl).forEach((r) => out.reference.push({ param, ...r }));
  };
  token('action', e.action ? [{ system: null, code: e.action, text: null }] : []);
  for (const a of e.agent ?? []) {
    if (a.who) token('agent:identifier', referenceIdentifiers({ type: 'Reference', value: a.who }));
    ref('agent', a.who?.reference);
    if (a.altId) token('altid', [{ system: null, code: a.altId, text: null }]);
    for (const r of a.role ?? []) token('agent-role', tokens({ type: 'CodeableConcept', value: r }));
    for (const x of a.extension ?? []) if (x.url === AGENT_UNIT_EXT) ref('agent-unit', x.valueReference?.reference);
  }
  for (const x of e.entity ?? []) if (x.role) token('entity-role', coding(x.role));
  token('outcome', e.outcome ? [{ system: null, code: e.outcome, text: null }] : []);
  for (const s of e.subtype ?? []) token('subtype', coding(s));
  if (e.type) token('type', coding(e.type));
  for (const x of e.entity ?? []) ref('entity', x.what?.reference);
  const patients = [...(e.agent ?? []).map((a) => a.who?.reference), ...(e.entity ?? []).map((x) => x.what?.reference)].filter((r): r is string => !!r && r.startsWith('Patient/'));
  for (const p of patients) ref('patient', p);
  for (const d of dates({ type: 'instant', value: e.recorded })) out.date.push({ param: 'date', ...d });
  out.compartments = [...new Set(patients)];
  return out;
}
