import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { StructureDefinition } from '@medplum/fhirtypes';
import { indexExtensions } from './extension-definitions.js';
import { findings } from './test-support.js';

const HL7 = 'http://hl7.org/fhir/StructureDefinition/';
const MIDDLE_NAME = 'http://hl7.se/fhir/ig/base/StructureDefinition/SEBaseMiddleNameExtension';
const seBase = indexExtensions([JSON.parse(readFileSync(new URL('../../../profiles/se-base/StructureDefinition-SEBaseMiddleNameExtension.json', import.meta.url), 'utf8')) as StructureDefinition]);

const birthPlace = { url: `${HL7}patient-birthPlace`, valueAddress: { city: 'Umeå' } };
const obs = (extra: object) => ({ resourceType: 'Observation', status: 'final', code: { text: 'Vikt' }, ...extra });
const plan = (extension: object[]) => ({ resourceType: 'PlanDefinition', status: 'active', action: [{ title: 'Dos', extension }] });

describe('extensions against their definitions', () => {
  const cases: [string, object, string[]][] = [
    ['a known extension where it belongs', { resourceType: 'Patient', extension: [birthPlace] }, []],
    ['on a primitive, through _birthDate', { resourceType: 'Patient', birthDate: '2020-01-01', _birthDate: { extension: [{ url: `${HL7}patient-birthTime`, valueDateTime: '2020-01-01T06:10:00+01:00' }] } }, []],
    ['an Element-wide extension deep down', obs({ valueQuantity: { value: 1, extension: [{ url: `${HL7}data-absent-reason`, valueCode: 'error' }] } }), []],
    ['a complex extension with its sub-extensions', plan([{ url: `${HL7}timing-daysOfCycle`, extension: [{ url: 'day', valueInteger: 1 }, { url: 'day', valueInteger: 8 }] }]), []],
    ['the wrong value type', { resourceType: 'Patient', extension: [{ url: `${HL7}patient-birthPlace`, valueString: 'Umeå' }] }, ['error Patient.extension[0].valueString']],
    ['no value where one is required', { resourceType: 'Patient', extension: [{ url: `${HL7}patient-birthPlace`, extension: [{ url: 'x', valueString: 'y' }] }] }, ['error Patient.extension[0]']],
    ['a Patient extension on an Observation', obs({ extension: [birthPlace] }), ['error Observation.extension[0]']],
    ['a Patient.birthDate extension on Patient.deceasedDateTime', { resourceType: 'Patient', deceasedDateTime: '2020-01-01', _deceasedDateTime: { extension: [{ url: `${HL7}patient-birthTime`, valueDateTime: '2020-01-01T06:10:00+01:00' }] } }, ['error Patient.deceasedDateTime.extension[0]']],
    ['twice where it may occur once', { resourceType: 'Patient', extension: [birthPlace, birthPlace] }, ['error Patient.extension[1]']],
    ['a complex extension without its required sub-extension', plan([{ url: `${HL7}timing-daysOfCycle`, extension: [{ url: 'week', valueInteger: 1 }] }]), ['warning PlanDefinition.action[0].extension[0].extension[0]', 'error PlanDefinition.action[0].extension[0]']],
    ['a sub-extension with the wrong value type', plan([{ url: `${HL7}timing-daysOfCycle`, extension: [{ url: 'day', valueString: 'måndag' }] }]), ['error PlanDefinition.action[0].extension[0].extension[0].valueString']],
    ['an unknown extension (a warning)', { resourceType: 'Patient', extension: [{ url: 'http://region.se/fhir/ext/okand', valueString: 'x' }] }, ['warning Patient.extension[0]']],
    ['an unknown modifierExtension (an error)', { resourceType: 'Patient', modifierExtension: [{ url: 'http://region.se/fhir/ext/okand', valueBoolean: true }] }, ['error Patient.modifierExtension[0]']],
    ['an unknown modifierExtension of an example domain (a warning)', { resourceType: 'Patient', modifierExtension: [{ url: 'http://example.org/ext/x', valueBoolean: true }] }, ['warning Patient.modifierExtension[0]']],
  ];
  it.each(cases)('%s', (_name, resource, expected) => {
    expect(findings(resource)).toEqual(expected);
  });

  it('knows the extensions of the HL7 Sweden profiles when given them', () => {
    const named = { resourceType: 'Patient', name: [{ family: 'Holm', extension: [{ url: MIDDLE_NAME, valueString: 'Stina' }] }] };
    expect(findings(named)).toEqual(['warning Patient.name[0].extension[0]']);
    expect(findings(named, seBase)).toEqual([]);
    const misplaced = { resourceType: 'Patient', address: [{ city: 'Umeå', extension: [{ url: MIDDLE_NAME, valueString: 'Stina' }] }] };
    expect(findings(misplaced, seBase)).toEqual(['error Patient.address[0].extension[0]']);
    const wrongType = { resourceType: 'Patient', name: [{ family: 'Holm', extension: [{ url: MIDDLE_NAME, valueInteger: 3 }] }] };
    expect(findings(wrongType, seBase)).toEqual(['error Patient.name[0].extension[0].valueInteger']);
  });
});
