/**
 * @module domain/citizen/frikort
 * Where a patient stands in the högkostnadsskydd (high-cost.ts): their fees are `ChargeItem`s (from
 * visits, or imported from the billing system), each marked whether it counts toward the cap. The
 * patient's own fees are read as the caller (logged); a child's siblings' fees, which share the cap,
 * are looked up by the server to add them up and are never shown one by one.
 */
import type { ChargeItem, Patient, RelatedPerson } from '@medplum/fhirtypes';
import { swedishDate } from '../../auth/age.js';
import { isGuardianRecord } from '../../auth/proxy-access.js';
import { errors } from '../../fhir/error.js';
import { PERSONNUMMER_SYSTEM } from '../../fhir/identifiers/personnummer.js';
import type { DomainContext } from '../context.js';
import { asServer, readResource, searchResources, type ServerRepository } from '../repository.js';
import { highCostStatus, NATIONAL_CAPS, type Fee, type HighCostStatus, type Member } from './high-cost.js';
import { CITIZEN_SOFTWARE } from './codes.js';

const LOTS = 'https://lots.example/fhir';
/** ChargeItem.code: the kind of patient fee. */
export const PATIENT_FEE_SYSTEM = `${LOTS}/CodeSystem/patient-fee`;
/** ChargeItem extension (valueBoolean): whether the fee counts toward the cap; overrides the kind. */
export const COUNTS_TOWARD_CAP = `${LOTS}/StructureDefinition/counts-toward-high-cost-cap`;
/** Fee kinds that count (DOMAIN.md section 3); other kinds (uteblivet-besok, sen-avbokning, intyg, resevaccination, ...) do not. */
export const COUNTING_FEES = ['lakarbesok', 'sjukvardande-behandling', 'hembesok'];
/** A fee is billable or billed; planned, aborted, not billable and entered in error are no fee (R4 has no search parameter for it). */
const FEE_STATUSES = ['billable', 'billed'];

/** Whether a fee counts toward the cap: its extension when set, else its kind. */
export function countsTowardCap(c: ChargeItem): boolean {
  const mark = c.extension?.find((e) => e.url === COUNTS_TOWARD_CAP)?.valueBoolean;
  if (mark !== undefined) return mark;
  return (c.code.coding ?? []).some((x) => x.system === PATIENT_FEE_SYSTEM && COUNTING_FEES.includes(x.code ?? ''));
}

/** A ChargeItem as a fee (in öre, on its Swedish date), or undefined when it is no fee or has no amount or date. */
export function feeOf(c: ChargeItem): Fee | undefined {
  const when = c.occurrenceDateTime ?? c.occurrencePeriod?.start ?? c.enteredDate;
  const value = c.priceOverride?.value;
  const patient = c.subject.reference?.replace(/^Patient\//, '');
  if (!FEE_STATUSES.includes(c.status) || !when || value === undefined || !patient || (c.priceOverride?.currency ?? 'SEK') !== 'SEK') return undefined;
  const date = when.length > 10 ? swedishDate(new Date(when)) : when;
  return { id: c.id!, patient, date, ore: Math.round(value * 100), counts: countsTowardCap(c) };
}

const feesOf = (items: readonly ChargeItem[]): Fee[] => items.map(feeOf).filter((f): f is Fee => f !== undefined);

export async function frikort(ctx: DomainContext, patientId: string, now = new Date()): Promise<HighCostStatus> {
  const patient = await readResource<Patient>(ctx, 'Patient', patientId);
  if (!patient) throw errors.notFound(`Patient/${patientId} is not known`);
  const own = await searchResources<ChargeItem>(ctx, 'ChargeItem', [['subject', `Patient/${patientId}`]], 1000);
  const server = asServer(ctx, CITIZEN_SOFTWARE).repo;
  const siblings = await siblingsOf(server, patientId);
  const theirs = siblings.length
    ? await server.find<ChargeItem>('ChargeItem', [['subject', siblings.map((s) => `Patient/${s.id}`).join(',')]], 1000)
    : [];
  const member = (p: Patient): Member => ({ patient: p.id!, ...(p.birthDate ? { birthDate: p.birthDate } : {}) });
  return highCostStatus({
    members: [member(patient), ...siblings.map(member)],
    fees: [...feesOf(own), ...feesOf(theirs)],
    caps: NATIONAL_CAPS,
    ...(ctx.config.highCost.regionCapKr !== undefined ? { regionCapKr: ctx.config.highCost.regionCapKr } : {}),
    today: swedishDate(now),
  });
}

/** The other children of the patient's guardians (RelatedPersons with a parent or guardian role and the same personnummer). */
async function siblingsOf(server: ServerRepository, patientId: string): Promise<Patient[]> {
  const pnrs = new Set<string>();
  for (const rp of await server.find<RelatedPerson>('RelatedPerson', [['patient', `Patient/${patientId}`]], 20)) {
    const pnr = rp.identifier?.find((i) => i.system === PERSONNUMMER_SYSTEM)?.value;
    if (pnr && isGuardianRecord(rp, pnr)) pnrs.add(pnr);
  }
  if (!pnrs.size) return [];
  const relations = await server.find<RelatedPerson>('RelatedPerson', [['identifier', [...pnrs].map((p) => `${PERSONNUMMER_SYSTEM}|${p}`).join(',')]], 50);
  const ids = new Set(relations.filter((rp) => [...pnrs].some((p) => isGuardianRecord(rp, p))).map((rp) => rp.patient.reference?.replace(/^Patient\//, '')));
  ids.delete(patientId);
  const real = [...ids].filter((id): id is string => !!id);
  return real.length ? server.find<Patient>('Patient', [['_id', real.join(',')]], 50) : [];
}
