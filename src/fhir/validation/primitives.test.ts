import { describe, expect, it } from 'vitest';
import { findings } from './test-support.js';

const obs = (extra: object) => ({ resourceType: 'Observation', status: 'final', code: { text: 'Vikt' }, ...extra });
const pat = (extra: object) => ({ resourceType: 'Patient', ...extra });

describe('primitives', () => {
  const cases: [string, object, string[]][] = [
    ['a date', pat({ birthDate: '1946-12-12' }), []],
    ['a year and month', pat({ birthDate: '1946-12' }), []],
    ['29 February in a leap year', pat({ birthDate: '2024-02-29' }), []],
    ['29 February in another year', pat({ birthDate: '2023-02-29' }), ['error Patient.birthDate']],
    ['31 April', pat({ birthDate: '2024-04-31' }), ['error Patient.birthDate']],
    ['a dateTime with a time zone', obs({ effectiveDateTime: '2024-05-01T10:00:00+02:00' }), []],
    ['a dateTime with a time and no time zone', obs({ effectiveDateTime: '2024-05-01T10:00:00' }), ['error Observation.effectiveDateTime']],
    ['a dateTime without seconds', obs({ effectiveDateTime: '2024-05-01T10:00Z' }), ['error Observation.effectiveDateTime']],
    ['an instant in UTC', obs({ issued: '2024-05-01T10:00:00.123Z' }), []],
    ['an instant on 30 February', obs({ issued: '2024-02-30T10:00:00Z' }), ['error Observation.issued']],
    ['a time', obs({ valueTime: '23:59:59' }), []],
    ['a decimal', obs({ valueQuantity: { value: 72.5 } }), []],
    ['an integer', obs({ valueInteger: 3 }), []],
    ['a fraction as integer', obs({ valueInteger: 3.5 }), ['error Observation.valueInteger']],
    ['an integer out of 32 bits', obs({ valueInteger: 2147483648 }), ['error Observation.valueInteger']],
    ['a positiveInt of 0', { resourceType: 'Patient', multipleBirthInteger: 1, photo: [{ size: 0 }] }, []],
    ['a uri', pat({ identifier: [{ system: 'http://example.org/ids', value: '1' }] }), []],
    ['an OID in a uri', pat({ identifier: [{ system: 'urn:oid:1.2.752.129.2.1.3.1', value: '1' }] }), []],
    ['a bad OID in a uri', pat({ identifier: [{ system: 'urn:oid:1.2.x', value: '1' }] }), ['error Patient.identifier[0].system']],
    ['an OID with a leading zero', pat({ identifier: [{ system: 'urn:oid:1.02.3', value: '1' }] }), ['error Patient.identifier[0].system']],
    ['an upper-case UUID in a uri', pat({ identifier: [{ system: 'urn:uuid:68D043B5-9ECF-4559-A57A-396E0D452311', value: '1' }] }), []],
    ['a short UUID in a uri', pat({ identifier: [{ system: 'urn:uuid:1234', value: '1' }] }), ['error Patient.identifier[0].system']],
    ['an oid-typed element', { resourceType: 'ImagingStudy', status: 'available', subject: { reference: 'Patient/1' }, series: [{ uid: '1.2.3', modality: { code: 'CT' }, instance: [{ uid: '1.2.3.4', sopClass: { code: 'x' } }] }] }, []],
    ['a code with spaces around', pat({ gender: ' female' }), ['error Patient.gender']],
    ['base64Binary', { resourceType: 'Binary', contentType: 'text/plain', data: 'aGVsbG8=' }, []],
    ['base64Binary with a line break', { resourceType: 'Binary', contentType: 'text/plain', data: 'aGVs\nbG8=' }, []],
    ['base64Binary of the wrong length', { resourceType: 'Binary', contentType: 'text/plain', data: 'aGVsbG8' }, ['error Binary.data']],
    ['markdown', { resourceType: 'Questionnaire', status: 'active', description: '**Viktigt**: svara på allt' }, []],
    ['empty markdown', { resourceType: 'Questionnaire', status: 'active', description: '' }, ['error Questionnaire.description']],
  ];
  it.each(cases)('%s', (_name, resource, expected) => {
    expect(findings(resource)).toEqual(expected);
  });
});
