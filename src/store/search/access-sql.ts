/**
 * @module store/search/access-sql
 * Compiles an `AccessFilter` (store/store.ts; decided by auth/policy.ts) to a predicate on a resource
 * row, for searches, includes, chains, history, reads and writes. The rules themselves are in
 * auth/policy.ts and DOMAIN.md section 5; here is only how they read the index tables.
 */
import type { AccessFilter, CitizenRows, StaffRows, TokenCode, UnitPatients } from '../store.js';
import type { Binder } from './binder.js';
import type { Predicate } from './compile.js';

/** The predicate of `filter` on alias `r`, or undefined when nothing is restricted. */
export function accessPredicate(filter: AccessFilter | undefined): Predicate | undefined {
  if (!filter) return undefined;
  const parts: Predicate[] = [];
  if (filter.types) {
    const types = filter.types;
    parts.push((b, r) => `${r}.resource_type = any(${b.bind(types, 'text[]')})`);
  }
  if (filter.rows?.kind === 'citizen') parts.push(citizenRows(filter.rows));
  if (filter.rows?.kind === 'staff') parts.push(staffRows(filter.rows));
  if (parts.length === 0) return undefined;
  return (b, r) => parts.map((p) => `(${p(b, r)})`).join(' and ');
}

function citizenRows(c: CitizenRows): Predicate {
  return (b, r) =>
    `${r}.resource_type = any(${b.bind(c.openTypes, 'text[]')}) or (${r}.compartments && ${b.bind(c.patients, 'text[]')} and not ${labelled(b, r, '_security', c.sealed)})`;
}

/** The row carries the token `code` in search parameter `param`. */
function labelled(b: Binder, r: string, param: string, code: TokenCode): string {
  return `exists (select 1 from idx_token sl where sl.rid = ${r}.rid and sl.param = ${b.bind(param)} and sl.system = ${b.bind(code.system)} and sl.code = ${b.bind(code.code)})`;
}

function staffRows(s: StaffRows): Predicate {
  return (b, r) => {
    const u = b.bind(s.units, 'text[]');
    const audit = s.auditLog ? '' : ` and ${r}.resource_type <> 'AuditEvent'`;
    const outbox = ` and not (${r}.resource_type = 'CommunicationRequest' and ${labelled(b, r, 'category', s.outbox)})`;
    const consents = (s.privateConsents ?? []).map((c) => ` and not (${r}.resource_type = 'Consent' and ${labelled(b, r, 'category', c)})`).join('');
    const ofUnits = `${r}.compartments && ${unitPatientsSql(b, u, s.closedTaskStatuses)}`;
    const launched = s.patient ? ` and (${r}.compartments = '{}' or ${r}.compartments @> ${b.bind([s.patient], 'text[]')})` : '';
    return `(${r}.compartments = '{}' and ${r}.resource_type <> 'AuditEvent' or ${ofUnits} or ${ownedTask(r, u)})${audit}${outbox}${consents}${launched}`;
  };
}

/** A Task whose owner is one of the units (a case of the unit, open or closed). */
function ownedTask(r: string, units: string): string {
  return `${r}.resource_type = 'Task' and exists (select 1 from idx_reference ot where ot.rid = ${r}.rid and ot.param = 'owner' and ot.target_type = 'Organization' and ot.target_id = any(${units}))`;
}

/** `patients <@ (the units' patients)`: a boolean expression for `FhirStore.arePatientsOf`. */
export function arePatientsOfSql(b: Binder, patients: readonly string[], of: UnitPatients): string {
  return `${b.bind(patients, 'text[]')} <@ ${unitPatientsSql(b, b.bind(of.units, 'text[]'), of.closedTaskStatuses)}`;
}

/**
 * The `Patient/x` refs of the units' patients (see `UnitPatients`). An uncorrelated subquery: Postgres
 * computes it once per statement.
 */
function unitPatientsSql(b: Binder, units: string, closedTaskStatuses: readonly string[]): string {
  const closed = b.bind(closedTaskStatuses, 'text[]');
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
