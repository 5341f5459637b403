/**
 * @module auth/policy
 * Who may see and write what, as pure functions that return values. A read becomes an `AccessFilter`
 * (store/store.ts), which the store compiles to one SQL predicate on the resource row
 * (store/search/access-sql.ts), so searches, includes, chains, history and $everything are filtered
 * by Postgres, never in Node. Writes are checked on the compartments of the new content. DOMAIN.md
 * section 5 gives the rules; no SQL and no table name is written here.
 */
import type { AccessFilter, TokenCode, UnitPatients } from '../store/store.js';
import { LOTS_SECURITY_SYSTEM, SEALED } from './labels.js';
import type { StaffRole } from './principal.js';
import { allows, typesAllowed, type Grant, type Op } from './scopes.js';

/** What a caller may reach, resolved per request (resolve-access.ts). */
export type Access =
  | { kind: 'unrestricted' }
  | { kind: 'citizen'; /** `Patient/x` refs: their own and the children they act for. */ patients: readonly string[] }
  | { kind: 'staff'; units: readonly string[]; roles: readonly StaffRole[]; /** An app launched for this patient (`Patient/x`) reaches only their data. */ patient?: string };

/**
 * Resources that hold no patient data: the catalogue (units, staff, services), schedules and free slots,
 * forms and rules. Citizens may read these; everything else they see only in their compartments.
 */
export const CATALOGUE_TYPES = [
  'Organization',
  'Location',
  'HealthcareService',
  'Practitioner',
  'PractitionerRole',
  'Endpoint',
  'Schedule',
  'Slot',
  'Questionnaire',
  'PlanDefinition',
  'ActivityDefinition',
  'Library',
  'CodeSystem',
  'ValueSet',
  'ConceptMap',
  'NamingSystem',
  'StructureDefinition',
  'SearchParameter',
  'OperationDefinition',
  'CapabilityStatement',
  'CompartmentDefinition',
  'Medication',
  'Substance',
] as const;

/** Plans and orders in the patient's record that only the care team writes (domain/monitoring). */
const CARE_TEAM_TYPES = ['CarePlan', 'ServiceRequest'] as const;

const CLOSED_TASK = ['completed', 'cancelled', 'rejected', 'failed', 'entered-in-error'];
const OUTBOX_SYSTEM = 'https://lots.example/fhir/CodeSystem/communication-request-category';

/** The read filter, or undefined when nothing is restricted. `op` is r (read) or s (search). */
export function accessFilter(access: Access, grants: readonly Grant[], op: Op = 'r'): AccessFilter | undefined {
  const types = typesAllowed(grants, op);
  const filter: AccessFilter = {};
  if (types !== '*') filter.types = types;
  if (access.kind === 'citizen') filter.rows = { kind: 'citizen', patients: access.patients, openTypes: CATALOGUE_TYPES, sealed: SEALED_LABEL };
  if (access.kind === 'staff') {
    // The notification outbox holds the contact details and channels a citizen chose to share with
    // the sender service; staff do not see them (DOMAIN.md section 8, PU).
    // Likewise the citizen's own settings (contact sharing, the donation will): staff only see their effect.
    filter.rows = {
      kind: 'staff',
      ...unitPatients(access.units),
      auditLog: access.roles.includes('administrator') || access.roles.includes('granskare'),
      outbox: OUTBOX,
      privateConsents: PRIVATE_CONSENTS,
      ...(access.patient ? { patient: access.patient } : {}),
    };
  }
  return filter.types || filter.rows ? filter : undefined;
}

const SEALED_LABEL: TokenCode = { system: LOTS_SECURITY_SYSTEM, code: SEALED };
const OUTBOX: TokenCode = { system: OUTBOX_SYSTEM, code: 'notification' };
const CONSENT_CATEGORY_SYSTEM = 'https://lots.example/fhir/CodeSystem/consent-category';
/** Consent.category of settings only the citizen (and system clients) read: contact sharing (PU) and donation. */
export const PRIVATE_CONSENTS: readonly TokenCode[] = [
  { system: CONSENT_CATEGORY_SYSTEM, code: 'kontaktuppgifter' },
  { system: CONSENT_CATEGORY_SYSTEM, code: 'donation' },
];

/**
 * The patients of the units: listed there (an active EpisodeOfCare managed by the unit), with an open
 * case there (a Task owned by the unit and not in one of the closed statuses), with an appointment
 * with the unit's staff, rooms or services, or with an active self-monitoring regime the unit performs
 * (a ServiceRequest, domain/monitoring).
 */
export function unitPatients(units: readonly string[]): UnitPatients {
  return { units, closedTaskStatuses: CLOSED_TASK };
}

export type WriteCheck =
  | { allowed: boolean; reason?: string }
  /** Depends on the data: allowed when every one of `patients` is one of `of`'s patients. */
  | { patients: readonly string[]; of: UnitPatients; reason: string };

/**
 * May `access` write a resource of `type` whose content puts it in `compartments`? Either a decision,
 * or a question about the stored data for the store to answer.
 */
export function writeCheck(access: Access, grants: readonly Grant[], type: string, compartments: readonly string[], op: Op): WriteCheck {
  if (!allows(grants, type, op)) return { allowed: false, reason: `the token's scopes do not allow this (${type}, ${op})` };
  if (access.kind === 'unrestricted') return { allowed: true };
  if (type === 'AuditEvent') return { allowed: false, reason: 'the audit log is written by the server only' };
  if (access.kind === 'citizen') {
    if ((CARE_TEAM_TYPES as readonly string[]).includes(type)) return { allowed: false, reason: `a ${type} is written by the care team (e.g. the limits of a self-monitoring regime)` };
    // A listing obeys caps, queues and the 12-month rule, which only the listing service applies.
    if (type === 'EpisodeOfCare') return { allowed: false, reason: 'a listing is changed through EpisodeOfCare/$list and $end-listing' };
    if (compartments.length === 0) return { allowed: false, reason: `a ${type} must belong to your own record (or a child you act for)` };
    const outside = compartments.filter((c) => !access.patients.includes(c));
    return outside.length ? { allowed: false, reason: 'the resource refers to a patient you may not act for' } : { allowed: true };
  }
  if (compartments.length === 0) {
    const catalogue = (CATALOGUE_TYPES as readonly string[]).includes(type) || type === 'Subscription';
    if (catalogue && !access.roles.includes('administrator')) return { allowed: false, reason: `only administrators change ${type}` };
    return { allowed: true };
  }
  if (access.patient && compartments.some((c) => c !== access.patient)) return { allowed: false, reason: `the app was launched for ${access.patient} only` };
  return {
    reason: 'the patient is not listed at, and has no case or appointment with, your units',
    patients: compartments,
    of: unitPatients(access.units),
  };
}
