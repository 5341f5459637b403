import { describe, expect, it } from 'vitest';
import { accessFilter, writeCheck, type Access } from './policy.js';
import { parseScopes } from './scopes.js';

describe('staff with an app launched for one patient (SMART patient/ scopes)', () => {
  const launched: Access = { kind: 'staff', units: ['vc-centrum'], roles: ['nurse'], patient: 'Patient/sven' };
  const grants = parseScopes('patient/*.cruds');

  it('read only that patient of their units', () => {
    const filter = accessFilter(launched, grants);
    expect(filter?.rows).toMatchObject({ kind: 'staff', units: ['vc-centrum'], patient: 'Patient/sven' });
    expect(accessFilter({ ...launched, patient: undefined } as Access, grants)?.rows).not.toHaveProperty('patient');
  });

  it('write nothing about another patient, and about that one only as far as their units allow', () => {
    expect(writeCheck(launched, grants, 'Observation', ['Patient/lisa'], 'c')).toEqual({ allowed: false, reason: 'the app was launched for Patient/sven only' });
    expect(writeCheck(launched, grants, 'Observation', ['Patient/sven'], 'c')).toMatchObject({ patients: ['Patient/sven'] });
  });
});
