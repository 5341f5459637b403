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
