/**
 * @module domain/citizen/access-log
 * An access log entry as a person reads it (patientdatalagen 8 kap.: the citizen may see who read their
 * record): who (name, role, unit), when, what kind of record, what they did, why (purpose of use) and on
 * whose behalf, from one AuditEvent written by auth/audit.ts. Pure: the names are looked up elsewhere.
 *
 * Shown as documented in docs/citizen.md: a system client is "Systemet" (its id is an internal detail);
 * staff with a protected identity are shown by role and unit, without their name; the citizen's own
 * actions and logins are left out of the citizen's log.
 */
import type { AuditEvent, AuditEventAgent, Coding, ParametersParameter } from '@medplum/fhirtypes';
import { AGENT_UNIT_EXT, SERVER_SOFTWARE_SYSTEM, STAFF_ROLE_SYSTEM } from '../../auth/audit.js';
import { PERSONNUMMER_SYSTEM } from '../../fhir/identifiers/personnummer.js';

export const SYSTEM_NAME = 'Systemet';
export const PROTECTED_NAME = 'Vårdpersonal med skyddade personuppgifter';

/** What the lookups found: staff by HSA-id (a name, or protected), units and guardians by reference. */
export interface Names {
  staff: ReadonlyMap<string, { name?: string; protected: boolean }>;
  units: ReadonlyMap<string, string>;
  relatedPersons: ReadonlyMap<string, string>;
}

export const requestorOf = (e: AuditEvent): AuditEventAgent | undefined => e.agent.find((a) => a.requestor) ?? e.agent[0];

/** True for the person's own actions (their personnummer acting, not as someone's guardian) and for logins. */
export function isOwnAction(e: AuditEvent, personnummer: string | undefined): boolean {
  if (e.type.code !== 'rest') return true;
  const who = requestorOf(e)?.who;
  return !!personnummer && who?.identifier?.system === PERSONNUMMER_SYSTEM && who.identifier.value === personnummer && !who.reference;
}

/** The units the staff member acted for, from the event. */
export const unitsOf = (a: AuditEventAgent | undefined): string[] =>
  (a?.extension ?? []).filter((x) => x.url === AGENT_UNIT_EXT).map((x) => x.valueReference?.reference).filter((r): r is string => !!r);

function whoName(a: AuditEventAgent | undefined, names: Names): string {
  if (!a || (a.who?.identifier?.system !== PERSONNUMMER_SYSTEM && !a.altId)) return SYSTEM_NAME;
  if (a.altId) {
    const staff = names.staff.get(a.altId);
    if (staff?.protected) return PROTECTED_NAME;
    return staff?.name ?? `HSA-id ${a.altId}`;
  }
  const guardian = a.who?.reference ? names.relatedPersons.get(a.who.reference) : undefined;
  return guardian ? `${guardian} (ombud)` : 'Ombud';
}

/** The kind of record: the type of the resource read or written, else the patient record itself; none for a login. */
function recordType(e: AuditEvent): string | undefined {
  if (e.type.code !== 'rest') return undefined;
  const other = (e.entity ?? []).find((x) => x.role?.code === '4')?.what?.reference;
  return other?.split('/')[0] ?? 'Patient';
}

export function logEntry(e: AuditEvent, names: Names, withPatient = false): ParametersParameter {
  const a = requestorOf(e);
  const roles: Coding[] = (a?.role ?? []).flatMap((r) => r.coding ?? []).filter((c) => c.system === STAFF_ROLE_SYSTEM);
  const software = e.agent.find((x) => x.who?.identifier?.system === SERVER_SOFTWARE_SYSTEM)?.who?.identifier?.value;
  const patient = (e.entity ?? []).find((x) => x.role?.code === '1')?.what?.reference;
  const part: ParametersParameter[] = [
    { name: 'when', valueInstant: e.recorded },
    { name: 'who', valueString: whoName(a, names) },
    ...roles.map((c) => ({ name: 'role', valueCoding: c })),
    ...unitsOf(a).map((u) => ({ name: 'unit', valueReference: { reference: u, ...(names.units.get(u) ? { display: names.units.get(u)! } : {}) } })),
    ...(recordType(e) ? [{ name: 'recordType', valueCode: recordType(e)! }] : []),
    { name: 'action', valueCode: e.action ?? 'E' },
    ...(e.subtype?.[0]?.code ? [{ name: 'interaction', valueCode: e.subtype[0].code }] : []),
    ...(a?.purposeOfUse?.[0]?.coding?.[0] ? [{ name: 'purpose', valueCoding: a.purposeOfUse[0].coding[0] }] : []),
    ...(software ? [{ name: 'via', valueString: software }] : []),
    ...(withPatient && patient ? [{ name: 'patient', valueReference: { reference: patient } }] : []),
    { name: 'success', valueBoolean: e.outcome === '0' },
  ];
  return { name: 'event', part };
}
