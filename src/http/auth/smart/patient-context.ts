/**
 * @module http/auth/smart/patient-context
 * The patient an app is launched for. A citizen: themself, or a child under 13 they are guardian for
 * (auth/proxy-access.ts decides); staff: a patient of their units. The picker's list for staff is a
 * read through the person's own door, so it is in the access log like any search they make.
 */
import type { Patient, Practitioner } from '@medplum/fhirtypes';
import { HSA_ID_SYSTEM } from '../../../auth/audit.js';
import { citizenAccess, find, resolveAccess } from '../../../auth/resolve-access.js';
import { principalOf, type Person } from '../../../auth/smart/grant.js';
import type { AuthDeps } from '../deps.js';

export interface PatientOption {
  id: string;
  label: string;
}

/** Whom the person may open the app for (citizen: self first, then children). */
export async function patientOptions(deps: AuthDeps, person: Person, clientId: string): Promise<PatientOption[]> {
  if (person.kind === 'citizen') {
    const a = await citizenAccess(deps.lookup, person.personnummer);
    const ids = [...a.own, ...a.children.map((c) => c.patientId)];
    if (!ids.length) return [];
    const patients = await find<Patient>(deps.lookup, 'Patient', [['_id', ids.join(',')]], ids.length);
    return ids.flatMap((id) => {
      const p = patients.find((x) => x.id === id);
      return p ? [{ id, label: `${a.own.includes(id) ? 'Du själv: ' : ''}${nameOf(p)}${p.birthDate ? ` (född ${p.birthDate})` : ''}` }] : [];
    });
  }
  const ctx = await personContext(deps, person, clientId);
  const req = ctx.repo.parseSearch(['Patient'], [['_count', '50'], ['_sort', 'family']]);
  const result = await ctx.repo.search(req, { log: { interaction: 'search-type', query: '_count=50&_sort=family' } });
  return result.rows.map((r) => {
    const p = JSON.parse(r.json) as Patient;
    return { id: p.id!, label: `${nameOf(p)}${p.birthDate ? ` (född ${p.birthDate})` : ''}` };
  });
}

/** True when the person may reach this patient (an EHR's launch context is checked, not trusted). */
export async function mayReach(deps: AuthDeps, person: Person, patientId: string, clientId: string): Promise<boolean> {
  if (person.kind === 'citizen') return (await patientOptions(deps, person, clientId)).some((o) => o.id === patientId);
  return (await personContext(deps, person, clientId)).repo.exists('Patient', patientId, true);
}

/** Who the person is in FHIR: their own Patient, or the Practitioner with their HSA-id. */
export async function fhirUserOf(deps: AuthDeps, person: Person): Promise<string | undefined> {
  if (person.kind === 'citizen') {
    const own = (await citizenAccess(deps.lookup, person.personnummer)).own[0];
    return own ? `Patient/${own}` : undefined;
  }
  const [p] = await find<Practitioner>(deps.lookup, 'Practitioner', [['identifier', `${HSA_ID_SYSTEM}|${person.hsaId}`]], 1);
  return p ? `Practitioner/${p.id}` : undefined;
}

async function personContext(deps: AuthDeps, person: Person, clientId: string) {
  const principal = principalOf(person, 'patient/Patient.rs user/Patient.rs', clientId);
  return deps.contextFor(principal, await resolveAccess(deps.lookup, principal));
}

function nameOf(p: Patient): string {
  const n = p.name?.[0];
  return n ? [...(n.given ?? []), n.family].filter(Boolean).join(' ') || n.text || p.id! : p.id!;
}
