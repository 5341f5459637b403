import { describe, expect, it } from 'vitest';
import { findings } from './test-support.js';

describe('resource ids', () => {
  const cases: [string, object, string[]][] = [
    ['a plain id', { resourceType: 'Patient', id: 'pat-1.a' }, []],
    ['64 characters', { resourceType: 'Patient', id: 'a'.repeat(64) }, []],
    ['65 characters', { resourceType: 'Patient', id: 'a'.repeat(65) }, ['error Patient.id']],
    ['a space', { resourceType: 'Patient', id: 'a b' }, ['error Patient.id']],
    ['an underscore', { resourceType: 'Patient', id: 'a_b' }, ['error Patient.id']],
    ['a slash', { resourceType: 'Patient', id: 'Patient/1' }, ['error Patient.id']],
    ['a contained resource', { resourceType: 'Patient', contained: [{ resourceType: 'Organization', id: 'o#1', name: 'X' }], managingOrganization: { reference: '#o#1' } }, ['error Patient.contained[0].id']],
    ['a contained resource without id', { resourceType: 'Patient', contained: [{ resourceType: 'Organization', name: 'X' }] }, ['error Patient.contained[0]']],
    [
      'a Bundle entry',
      { resourceType: 'Bundle', type: 'collection', entry: [{ fullUrl: 'urn:uuid:0b8f3c52-5e3f-4ac6-9fd4-0c1bb9a3f0a1', resource: { resourceType: 'Patient', id: 'ä' } }] },
      ['error Bundle.entry[0].resource.id'],
    ],
  ];
  it.each(cases)('%s', (_name, resource, expected) => {
    expect(findings(resource)).toEqual(expected);
  });
});
