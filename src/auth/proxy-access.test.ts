import type { Consent, Patient, RelatedPerson } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { guardianMayAct, isGuardianRecord } from './proxy-access.js';

const GUARDIAN = '195009072553';
const relation: RelatedPerson = {
  resourceType: 'RelatedPerson',
  id: 'rp1',
  patient: { reference: 'Patient/child' },
  identifier: [{ system: 'http://electronichealth.se/identifier/personnummer', value: GUARDIAN }],
  relationship: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-RoleCode', code: 'MTH' }] }],
};
const child = (birthDate: string, extra: Partial<Patient> = {}): Patient => ({ resourceType: 'Patient', id: 'child', birthDate, ...extra });
const consent = (type: 'permit' | 'deny', status: Consent['status'] = 'active'): Consent => ({
  resourceType: 'Consent',
  status,
  scope: { coding: [{ code: 'patient-privacy' }] },
  category: [{ text: 'ombud' }],
  patient: { reference: 'Patient/child' },
  provision: { type, actor: [{ role: { text: 'ombud' }, reference: { reference: 'RelatedPerson/rp1' } }] },
});
// 2026-05-10 12:00 in Stockholm
const now = new Date('2026-05-10T10:00:00Z');

describe('guardian access', () => {
  it('recognises the guardian record by personnummer and role', () => {
    expect(isGuardianRecord(relation, GUARDIAN)).toBe(true);
    expect(isGuardianRecord(relation, '191212121212')).toBe(false);
    expect(isGuardianRecord({ ...relation, relationship: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-RoleCode', code: 'FRND' }] }] }, GUARDIAN)).toBe(false);
    expect(isGuardianRecord({ ...relation, active: false }, GUARDIAN)).toBe(false);
  });

  it('allows acting for a child of 12 and not on the 13th birthday', () => {
    expect(guardianMayAct({ child: child('2013-05-11'), relation, consents: [] }, now).allowed).toBe(true);
    expect(guardianMayAct({ child: child('2013-05-10'), relation, consents: [] }, now).allowed).toBe(false);
  });

  it('a permitting Consent extends access beyond 13; a blocking one ends it at any age', () => {
    expect(guardianMayAct({ child: child('2012-01-01'), relation, consents: [consent('permit')] }, now).allowed).toBe(true);
    expect(guardianMayAct({ child: child('2020-01-01'), relation, consents: [consent('deny')] }, now).allowed).toBe(false);
    expect(guardianMayAct({ child: child('2020-01-01'), relation, consents: [consent('deny', 'inactive')] }, now).allowed).toBe(true);
  });

  it('hides a protected child from guardians', () => {
    const protectedChild = child('2020-01-01', { meta: { security: [{ system: 'http://hl7.se/fhir/ig/base/CodeSystem/SecurityLabel', code: 'skyddadFolkbokforing' }] } });
    expect(guardianMayAct({ child: protectedChild, relation, consents: [] }, now)).toEqual({ allowed: false, reason: 'the child has a protected identity' });
  });
});
