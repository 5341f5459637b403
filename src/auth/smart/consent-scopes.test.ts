import { describe, expect, it } from 'vitest';
import { consented, describeScope, grantableScopes, needsPatient, scopesBeyondClient, wantsRefresh } from './consent-scopes.js';

const APP = 'openid fhirUser launch/patient offline_access patient/*.rs';

describe('the scopes an app may be given', () => {
  it('is what it asked, within its registration and the person kind', () => {
    expect(grantableScopes('openid fhirUser launch/patient patient/Observation.rs patient/Patient.read', APP, 'citizen')).toEqual([
      'openid',
      'fhirUser',
      'launch/patient',
      'patient/Observation.rs',
      'patient/Patient.read',
    ]);
  });

  it('never gives a citizen user/ scopes, even when the app may have them', () => {
    expect(grantableScopes('openid user/*.rs patient/*.rs', 'openid user/*.rs patient/*.rs', 'citizen')).toEqual(['openid', 'patient/*.rs']);
    expect(grantableScopes('openid user/*.rs patient/*.rs', 'openid user/*.rs patient/*.rs', 'staff')).toEqual(['openid', 'user/*.rs', 'patient/*.rs']);
  });

  it('gives a person whose only role reads (granskare) no write scope', () => {
    const app = 'openid patient/*.cruds user/*.cruds';
    expect(grantableScopes('openid user/*.cruds user/AuditEvent.rs', app, 'staff', ['granskare'])).toEqual(['openid', 'user/AuditEvent.rs']);
    expect(grantableScopes('openid user/*.cruds', app, 'staff', ['granskare', 'nurse'])).toEqual(['openid', 'user/*.cruds']);
  });

  it('names what the registration does not cover', () => {
    expect(scopesBeyondClient('patient/*.rs patient/Observation.cruds system/*.*', APP)).toEqual(['patient/Observation.cruds', 'system/*.*']);
  });

  it('keeps the required scopes when the person unticks everything, and drops unticked optional ones', () => {
    const g = ['openid', 'launch/patient', 'patient/Observation.rs', 'offline_access'];
    expect(consented(g, [])).toEqual(['openid', 'launch/patient']);
    expect(consented(g, ['patient/Observation.rs'])).toEqual(['openid', 'launch/patient', 'patient/Observation.rs']);
    expect(wantsRefresh(consented(g, []))).toBeUndefined();
    expect(wantsRefresh(g)).toBe('offline');
  });

  it('needs a patient for launch/patient or patient/ scopes only', () => {
    expect(needsPatient(['openid', 'patient/Observation.rs'])).toBe(true);
    expect(needsPatient(['openid', 'user/*.rs'])).toBe(false);
  });

  it('says each scope in Swedish', () => {
    expect(describeScope('patient/Observation.rs', 'citizen')).toBe('Läsa och söka i mätvärden och provsvar i journalen (din eller ditt barns)');
    expect(describeScope('user/*.cruds', 'staff')).toBe('Läsa, söka i, lägga till, ändra och ta bort alla uppgifter som du har behörighet till');
    expect(describeScope('offline_access', 'citizen')).toMatch(/återkallar/);
  });
});
