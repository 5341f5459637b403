import { describe, expect, it } from 'vitest';
import { FhirError } from '../../fhir/error.js';
import { inboxParams, shownStatuses, statusParam } from './inbox.js';

describe('the inbox as a Task search', () => {
  it('shows open cases by default, all with include-closed, or the statuses asked for', () => {
    expect(shownStatuses({})).not.toContain('avslutat');
    expect(shownStatuses({ includeClosed: true })).toContain('avslutat');
    expect(shownStatuses({ status: ['avslutat'], includeClosed: false })).toEqual(['avslutat']);
    expect(statusParam(['ny', 'fordelat'])).toEqual(['business-status', 'https://lots.example/fhir/CodeSystem/case-status|ny,https://lots.example/fhir/CodeSystem/case-status|fordelat']);
  });

  it('translates every filter', () => {
    expect(inboxParams({ unit: 'Organization/u', type: ['boka-tid', 'x|y'], received: ['ge2026-01-01', 'lt2026-02'], patient: 'Öberg', include: ['Task:patient'] }, 'none')).toEqual([
      ['owner', 'Organization/u'],
      ['handler:missing', 'true'],
      ['code', 'https://lots.example/fhir/CodeSystem/case-type|boka-tid,x|y'],
      ['authored-on', 'ge2026-01-01'],
      ['authored-on', 'lt2026-02'],
      ['patient.name', 'Öberg'],
      ['_include', 'Task:patient'],
      ['_sort', 'deadline,authored-on'],
    ]);
  });

  it('takes a personnummer with or without the dash as an identifier', () => {
    for (const pnr of ['195009072553', '19500907-2553']) {
      expect(inboxParams({ unit: 'Organization/u', patient: pnr }, 'PractitionerRole/r')).toContainEqual(['patient.identifier', 'http://electronichealth.se/identifier/personnummer|195009072553']);
    }
  });

  it('refuses a received value that is not a date', () => {
    expect(() => inboxParams({ unit: 'Organization/u', received: ['förra veckan'] }, undefined)).toThrow(FhirError);
  });
});
