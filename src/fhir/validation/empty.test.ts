import { describe, expect, it } from 'vitest';
import type { Resource } from '@medplum/fhirtypes';
import { checkEmpty } from './empty.js';

const at = (r: object) => checkEmpty(r as Resource).map((i) => `${i.severity} ${i.expression![0]}`);

describe('empty things', () => {
  const cases: [string, object, string[]][] = [
    ['a full resource', { resourceType: 'Patient', name: [{ family: 'Holm' }], active: true }, []],
    ['an empty array', { resourceType: 'Patient', name: [] }, ['error Patient.name']],
    ['an empty object', { resourceType: 'Patient', maritalStatus: {} }, ['error Patient.maritalStatus']],
    ['an empty object in an array', { resourceType: 'Patient', name: [{ family: 'Holm' }, {}] }, ['error Patient.name[1]']],
    ['a null', { resourceType: 'Patient', gender: null }, ['error Patient.gender']],
    ['an empty string deep down', { resourceType: 'Patient', name: [{ given: ['Astrid', ''] }] }, ['error Patient.name[0].given[1]']],
    ['null keeping a value and its extension aligned', { resourceType: 'Patient', name: [{ given: ['A', null], _given: [null, { extension: [{ url: 'http://e.org/x', valueString: 'B' }] }] }] }, []],
    ['null on both sides', { resourceType: 'Patient', name: [{ given: ['A', null], _given: [null, null] }] }, ['error Patient.name[0].given[1]']],
    ['a primitive with only an extension', { resourceType: 'Patient', _birthDate: { extension: [{ url: 'http://e.org/x', valueString: 'unknown' }] } }, []],
    ['a primitive with neither value nor extension', { resourceType: 'Patient', _birthDate: { id: 'b' } }, ['error Patient.birthDate']],
    ['an empty object in a contained resource', { resourceType: 'Patient', contained: [{ resourceType: 'Organization', id: 'o', type: [{}] }] }, ['error Patient.contained[0].type[0]']],
  ];
  it.each(cases)('%s', (_name, resource, expected) => {
    expect(at(resource)).toEqual(expected);
  });
});
