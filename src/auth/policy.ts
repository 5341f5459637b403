/**
 * @module auth/policy
 * Who may see and write what, as pure functions. Reads become one SQL predicate on the resource row
 * (so searches, includes, chains, history and $everything are filtered by Postgres, never in Node);
 * writes are checked on the compartments of the new content. DOMAIN.md section 5 gives the rules.
 */
import type { Predicate } from '../store/search/compile.js';
import type { Binder } from '../store/search/binder.js';
import { LOTS_SECURITY_SYSTEM, SEALED } from './labels.js';
import type { StaffRole } from './principal.js';
import { allows, typesAllowed, type Grant, type Op } from './scopes.js';

/** What a caller may reach, resolved per request (resolve-access.ts). */
export type Access =
  | { kind: 'unrestricted' }
  | { kind: 'citizen'; /** `Patient/x` refs: their own and the children they act for. */ patients: readonly string[] }
  | { kind: 'staff'; units: readonly string[]; roles: readonly StaffRole[] };

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

/** The read predicate, or undefined when nothing is restricted. `op` is r (read) or s (search). */
export function readPredicate(access: Access, grants: readonly Grant[], op: Op = 'r'): Predicate | undefined {
  const types = typesAllowed(grants, op);
  const parts: Predicate[] = [];
  if (types !== '*') parts.push((b, r) => `${r}.resource_type = any(${b.bind(types, 'text[]')})`);
  if (access.kind === 'citizen') parts.push(citizenRows(access.patients));
  if (access.kind === 'staff') parts.push(staffRows(access.units, access.roles));
  if (parts.length === 0) return undefined;
  return (b, r) => parts.map((p) => `(${p(b, r)})`).join(' and ');
}

function citizenRows(patients: readonly string[]): Predicate {
  return (b, r) =>
    `${r}.resource_type = any(${b.bind(CATALOGUE_TYPES, 'text[]')}) or (${r}.compartments && ${b.bind(patients, 'text[]')} and not ${sealed(b, r)})`;
}

function sealed(b: Binder, r: string): string {
  return `exists (select 1 from idx_token sl where sl.rid = ${r}.rid and sl.param = '_security' and sl.system = ${b.bind(LOTS_SECURITY_SYSTEM)} and sl.code = ${b.bind(SEALED)})`;
}

function staffRows(units: readonly string[], roles: readonly StaffRole[]): Predicate {
  return (b, r) => {
    const u = b.bind(units, 'text[]');
    const audit = roles.includes('administrator') ? '' : ` and ${r}.resource_type <> 'AuditEvent'`;
    // The notification outbox holds the contact details and channels a citizen chose to share with
    // the sender service; staff do not see them (DOMAIN.md section 8, PU).
    const outbox = ` and not (${r}.resource_type = 'CommunicationRequest' and exists (select 1 from idx_token ob where ob.rid = ${r}.rid and ob.param = 'category' and ob.system = ${b.bind(OUTBOX_SYSTEM)} and ob.code = 'notification'))`;
    return `(${r}.compartments = '{}' and ${r}.resource_type <> 'AuditEvent' or ${r}.compartments && ${unitPatients(b, u)} or ${ownedTask(r, u)})${audit}${outbox}`;
  };
}

/** A Task whose owner is one of the units (a case of the unit, open or closed). */
function ownedTask(r: string, units: string): string {
  return `${r}.resource_type = 'Task' and exists (select 1 from idx_reference ot where ot.rid = ${r}.rid and ot.param = 'owner' and ot.target_type = 'Organization' and ot.target_id = any(${units}))`;
}

/**
 * The patients of the units: listed there (an active EpisodeOfCare managed by the unit), with an open
 * case there (a Task owned by the unit), with an appointment with the unit's staff, rooms or
 * services, or with an active self-monitoring regime the unit performs (a ServiceRequest,
 * domain/monitoring). An uncorrelated subquery: Postgres computes it once per statement.
 */
export function unitPatients(b: Binder, units: string): string {
  const closed = b.bind(CLOSED_TASK, 'text[]');
  return `array(
    select 'Patient/' || p.target_id from idx_reference o join resource e on e.rid = o.rid and not e.deleted
      join idx_reference p on p.rid = o.rid and p.param = 'patient' and p.target_type = 'Patient'
      where o.resource_type = 'EpisodeOfCare' and o.param = 'organization' and o.target_type = 'Organization' and o.target_id = any(${units})
        and exists (select 1 from idx_token s where s.rid = o.rid and s.param = 'status' and s.code = 'active')
    union
    select 'Patient/' || p.target_id from idx_reference o join resource t on t.rid = o.rid and not t.deleted
      join idx_reference p on p.rid = o.rid and p.param = 'patient' and p.target_type = 'Patient'
      where o.resource_type = 'Task' and o.param = 'owner' and o.target_type = 'Organization' and o.target_id = any(${units})
        and not exists (select 1 from idx_token s where s.rid = o.rid and s.param = 'status' and s.code = any(${closed}))
    union
    select 'Patient/' || p.target_id from idx_reference o
      join resource x on x.rid = o.rid and not x.deleted
      join idx_reference a on a.resource_type = 'Appointment' and a.param = 'actor' and a.target_type = x.resource_type and a.target_id = x.id
      join idx_reference p on p.rid = a.rid and p.param = 'patient' and p.target_type = 'Patient'
      where o.resource_type in ('PractitionerRole', 'Location', 'HealthcareService') and o.param = 'organization' and o.target_type = 'Organization' and o.target_id = any(${units})
    union
    select 'Patient/' || p.target_id from idx_reference o join resource s on s.rid = o.rid and not s.deleted
      join idx_reference p on p.rid = o.rid and p.param = 'patient' and p.target_type = 'Patient'
      where o.resource_type = 'ServiceRequest' and o.param = 'performer' and o.target_type = 'Organization' and o.target_id = any(${units})
        and exists (select 1 from idx_token st where st.rid = o.rid and st.param = 'status' and st.code = 'active')
  )::text[]`;
}

export type WriteCheck = { allowed: boolean; reason?: string } | { sql: (b: Binder) => string; reason: string };

/**
 * May `access` write a resource of `type` whose content puts it in `compartments`? Either a decision,
 * or a SQL predicate (over the bound compartments) to be evaluated when it depends on the data.
 */
export function writeCheck(access: Access, grants: readonly Grant[], type: string, compartments: readonly string[], op: Op): WriteCheck {
  if (!allows(grants, type, op)) return { allowed: false, reason: `the token's scopes do not allow this (${type}, ${op})` };
  if (access.kind === 'unrestricted') return { allowed: true };
  if (type === 'AuditEvent') return { allowed: false, reason: 'the audit log is written by the server only' };
  if (access.kind === 'citizen') {
    if ((CARE_TEAM_TYPES as readonly string[]).includes(type)) return { allowed: false, reason: `a ${type} is written by the care team (e.g. the limits of a self-monitoring regime)` };
    if (compartments.length === 0) return { allowed: false, reason: `a ${type} must belong to your own record (or a child you act for)` };
    const outside = compartments.filter((c) => !access.patients.includes(c));
    return outside.length ? { allowed: false, reason: 'the resource refers to a patient you may not act for' } : { allowed: true };
  }
  if (compartments.length === 0) {
    const catalogue = (CATALOGUE_TYPES as readonly string[]).includes(type) || type === 'Subscription';
    if (catalogue && !access.roles.includes('administrator')) return { allowed: false, reason: `only administrators change ${type}` };
    return { allowed: true };
  }
  return {
    reason: 'the patient is not listed at, and has no case or appointment with, your units',
    sql: (b) => `${b.bind(compartments, 'text[]')} <@ ${unitPatients(b, b.bind(access.units, 'text[]'))}`,
  };
}
