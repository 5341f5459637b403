/**
 * @module auth/resolve-access
 * Works out, per request, what a principal may reach: for a citizen, their own Patient(s) found by
 * personnummer and the children they act for as guardian (proxy-access.ts decides each child).
 * Reads through the store with no policy: this is the server deciding, not the caller reading.
 */
import type { Consent, Patient, RelatedPerson, Resource } from '@medplum/fhirtypes';
import { PERSONNUMMER_SYSTEM } from '../fhir/identifiers/personnummer.js';
import { isSealed } from './labels.js';
import type { Access } from './policy.js';
import type { Principal } from './principal.js';
import { guardianMayAct, isGuardianRecord } from './proxy-access.js';

/** The server's searches to decide (no policy, not logged); the composition root gives it (the door's `find`). */
export interface Lookup {
  find<T extends Resource>(type: string, params: [string, string][], count?: number): Promise<T[]>;
}

/** Runs a search as the server (no policy) and returns the resources. */
export function find<T extends Resource>(l: Lookup, type: string, params: [string, string][], count = 100): Promise<T[]> {
  return l.find<T>(type, params, count);
}

export interface CitizenAccess {
  /** Their own Patient ids (usually one). */
  own: string[];
  /** Children they act for now, with the RelatedPerson that makes them guardian. */
  children: { patientId: string; relatedPersonId: string }[];
}

export async function citizenAccess(l: Lookup, personnummer: string, now = new Date()): Promise<CitizenAccess> {
  const identifier = `${PERSONNUMMER_SYSTEM}|${personnummer}`;
  const own = (await find<Patient>(l, 'Patient', [['identifier', identifier]])).filter((p) => !isSealed(p)).map((p) => p.id!);
  const relations = (await find<RelatedPerson>(l, 'RelatedPerson', [['identifier', identifier]])).filter((rp) => isGuardianRecord(rp, personnummer));
  const children: CitizenAccess['children'] = [];
  for (const relation of relations) {
    const childId = relation.patient.reference?.split('/')[1];
    if (!childId) continue;
    const [child] = await find<Patient>(l, 'Patient', [['_id', childId]]);
    if (!child) continue;
    const consents = (await find<Consent>(l, 'Consent', [['patient', `Patient/${childId}`], ['actor', `RelatedPerson/${relation.id}`]])).filter((c) => c.status === 'active');
    if (guardianMayAct({ child, relation, consents }, now).allowed) children.push({ patientId: childId, relatedPersonId: relation.id! });
  }
  return { own, children };
}

export async function resolveAccess(l: Lookup, principal: Principal, now = new Date()): Promise<Access> {
  switch (principal.kind) {
    case 'system':
      return { kind: 'unrestricted' };
    case 'staff': {
      const units = principal.units.map((u) => u.replace(/^Organization\//, ''));
      // SMART: patient/ scopes reach the patient in context only; user/ scopes all the person may see.
      const patient = principal.smart?.patient && !principal.grants.some((g) => g.context === 'user') ? `Patient/${principal.smart.patient}` : undefined;
      return { kind: 'staff', units, roles: principal.roles, ...(patient ? { patient } : {}) };
    }
    case 'citizen': {
      const a = await citizenAccess(l, principal.personnummer, now);
      const ids = [...a.own, ...a.children.map((c) => c.patientId)];
      // An app launched for one patient (SMART launch context) sees only that patient, and only while
      // the person still may act for them (a child turning 13 ends it mid-token).
      const context = principal.smart?.patient;
      return { kind: 'citizen', patients: (context ? ids.filter((id) => id === context) : ids).map((id) => `Patient/${id}`) };
    }
  }
}
