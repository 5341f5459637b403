/**
 * @module auth/proxy-access
 * Guardian (ombud) access for a child, DOMAIN.md section 5: a guardian acts for a child under 13 when
 * a RelatedPerson of the child carries the guardian's personnummer with a parent or guardian
 * relationship. From 13 the access ends unless a Consent grants it; a blocking Consent ends it at any
 * age; a child with a protected identity is invisible to guardians; a sealed account is not shown.
 * Pure: the facts are fetched elsewhere.
 */
import type { Consent, Patient, RelatedPerson } from '@medplum/fhirtypes';
import { ageInYears } from './age.js';
import { PERSONNUMMER_SYSTEM } from '../fhir/identifiers/personnummer.js';
import { isProtectedIdentity, isSealed } from './labels.js';

export const GUARDIAN_AGE_LIMIT = 13;
const ROLE_CODE_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v3-RoleCode';
export const GUARDIAN_RELATIONSHIPS = ['PRN', 'MTH', 'FTH', 'GUARD'] as const;

export interface GuardianFacts {
  child: Patient;
  relation: RelatedPerson;
  /** Active Consents of the child that name the RelatedPerson as actor. */
  consents: readonly Consent[];
}

export type Decision = { allowed: true; reason: string } | { allowed: false; reason: string };

/** True when the RelatedPerson is this person's guardian record (personnummer + parent/guardian role). */
export function isGuardianRecord(relation: RelatedPerson, personnummer: string): boolean {
  if (relation.active === false) return false;
  const sameId = (relation.identifier ?? []).some((i) => i.system === PERSONNUMMER_SYSTEM && i.value === personnummer);
  const role = (relation.relationship ?? []).some((cc) =>
    (cc.coding ?? []).some((c) => c.system === ROLE_CODE_SYSTEM && (GUARDIAN_RELATIONSHIPS as readonly string[]).includes(c.code ?? '')),
  );
  return sameId && role;
}

export function guardianMayAct(f: GuardianFacts, now: Date): Decision {
  if (isProtectedIdentity(f.child)) return { allowed: false, reason: 'the child has a protected identity' };
  if (isSealed(f.child)) return { allowed: false, reason: "the child's account is sealed" };
  const current = f.consents.filter((c) => c.status === 'active' && inPeriod(c, now));
  if (current.some((c) => c.provision?.type === 'deny')) return { allowed: false, reason: 'a Consent blocks this guardian' };
  if (!f.child.birthDate) return { allowed: false, reason: 'the child has no birth date' };
  const age = ageInYears(f.child.birthDate, now);
  if (age < GUARDIAN_AGE_LIMIT) return { allowed: true, reason: `the child is ${age}` };
  if (current.some((c) => c.provision?.type === 'permit')) return { allowed: true, reason: 'a Consent extends access beyond 13' };
  return { allowed: false, reason: `the child is ${age}; guardian access ends at ${GUARDIAN_AGE_LIMIT}` };
}

function inPeriod(c: Consent, now: Date): boolean {
  const p = c.provision?.period;
  if (!p) return true;
  const t = now.getTime();
  return (!p.start || Date.parse(p.start) <= t) && (!p.end || t < Date.parse(p.end));
}
