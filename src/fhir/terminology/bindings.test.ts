import { readFileSync } from 'node:fs';
import type { Resource } from '@medplum/fhirtypes';
import { beforeAll, describe, expect, it } from 'vitest';
import { R4_EXAMPLES_DIR, r4ExampleFiles } from '../../../test/support/corpus.js';
import { checkBoundValue, checkRequiredBindings, requiredBindingsOf, warmUpBindings } from './bindings.js';
import { CORPUS_FAILURES } from '../../../test/support/corpus-failures.js';

// Tests build resources that are deliberately wrong, so they are typed loosely and cast once here.
const check = (r: Record<string, unknown>) => checkRequiredBindings(r as unknown as Resource);
const where = (r: Record<string, unknown>) => check(r).map((i) => i.expression?.[0]);

const GENDER = 'http://hl7.org/fhir/ValueSet/administrative-gender';
const CLINICAL = 'http://terminology.hl7.org/CodeSystem/condition-clinical';

beforeAll(() => warmUpBindings(), 60_000);

describe('required bindings: bad codes', () => {
  it('rejects Patient.gender with the allowed codes listed', () => {
    expect(check({ resourceType: 'Patient', gender: 'bogus' })).toEqual([
      {
        severity: 'error',
        code: 'code-invalid',
        diagnostics: `Value "bogus" is not in the required value set ${GENDER} (male, female, other, unknown)`,
        expression: ['Patient.gender'],
      },
    ]);
  });

  it('rejects Observation.status', () => {
    const issues = check({ resourceType: 'Observation', status: 'nonsense', code: { text: 'x' } });
    expect(issues.map((i) => i.expression?.[0])).toEqual(['Observation.status']);
    expect(issues[0]?.diagnostics).toContain('http://hl7.org/fhir/ValueSet/observation-status (registered,');
  });

  it('locates codes in nested data types with indices', () => {
    const patient = {
      resourceType: 'Patient',
      text: { status: 'made-up', div: '<div xmlns="http://www.w3.org/1999/xhtml">x</div>' },
      identifier: [{ use: 'usual', value: '1' }, { use: 'primary', value: '2' }],
      name: [{ use: 'nick', family: 'X' }],
      telecom: [{ system: 'phone', value: '1' }, { system: 'pigeon', value: '2' }],
      address: [{ use: 'home', type: 'both' }, { use: 'home', type: 'boat' }],
      contact: [{ gender: 'f', telecom: [{ system: 'email', use: 'desk' }] }],
    };
    expect(where(patient)).toEqual([
      'Patient.text.status',
      'Patient.identifier[1].use',
      'Patient.name[0].use',
      'Patient.telecom[1].system',
      'Patient.address[1].type',
      'Patient.contact[0].gender',
      'Patient.contact[0].telecom[0].use',
    ]);
  });

  it('follows choice types, repeated codes and extensions', () => {
    const obs = {
      resourceType: 'Observation',
      status: 'final',
      code: { text: 'x' },
      valueQuantity: { value: 1, comparator: '~' },
      component: [{ code: { text: 'y' }, valueQuantity: { value: 2, comparator: '=<' } }],
      extension: [{ url: 'http://example.org/q', valueQuantity: { value: 3, comparator: 'about' } }],
    };
    expect(where(obs)).toEqual([
      'Observation.valueQuantity.comparator',
      'Observation.component[0].valueQuantity.comparator',
      'Observation.extension[0].valueQuantity.comparator',
    ]);
    const rx = {
      resourceType: 'MedicationRequest',
      status: 'active',
      intent: 'order',
      subject: { reference: 'Patient/1' },
      medicationCodeableConcept: { text: 'x' },
      dosageInstruction: [{ timing: { repeat: { dayOfWeek: ['mon', 'someday'], periodUnit: 'fortnight' } } }],
    };
    expect(where(rx)).toEqual([
      'MedicationRequest.dosageInstruction[0].timing.repeat.dayOfWeek[1]',
      'MedicationRequest.dosageInstruction[0].timing.repeat.periodUnit',
    ]);
  });

  it('checks contained resources and Bundle entries, however deep', () => {
    const patient = { resourceType: 'Patient', contained: [{ resourceType: 'Observation', status: 'done' }] };
    expect(where(patient)).toEqual(['Patient.contained[0].status']);
    const bundle = {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        { resource: { resourceType: 'Patient', gender: 'male' }, request: { method: 'POST', url: 'Patient' } },
        { resource: { resourceType: 'Patient', gender: 'mail' }, request: { method: 'FETCH', url: 'Patient' } },
        { resource: { resourceType: 'Bundle', type: 'collection', entry: [{ resource: patient }] } },
      ],
    };
    expect(where(bundle)).toEqual([
      'Bundle.entry[1].resource.gender',
      'Bundle.entry[1].request.method',
      'Bundle.entry[2].resource.entry[0].resource.contained[0].status',
    ]);
  });

  it('does not list the allowed codes of a large value set', () => {
    const [issue] = check({ resourceType: 'SearchParameter', base: ['Patient', 'Citizen'] });
    expect(issue?.expression).toEqual(['SearchParameter.base[1]']);
    expect(issue?.diagnostics).toBe('Value "Citizen" is not in the required value set http://hl7.org/fhir/ValueSet/resource-types');
  });
});

describe('required bindings: CodeableConcept and Coding', () => {
  const condition = (clinicalStatus: unknown) => ({ resourceType: 'Condition', subject: { reference: 'Patient/1' }, clinicalStatus });

  it('accepts a member coding, also beside translations', () => {
    expect(check(condition({ coding: [{ system: CLINICAL, code: 'active' }] }))).toEqual([]);
    const translated = { coding: [{ system: 'http://snomed.info/sct', code: '55561003' }, { system: CLINICAL, code: 'active' }] };
    expect(check(condition(translated))).toEqual([]);
  });

  it('rejects a CodeableConcept none of whose codings is in the value set', () => {
    const wrongCode = check(condition({ coding: [{ system: CLINICAL, code: 'cured' }] }));
    expect(wrongCode.map((i) => i.expression?.[0])).toEqual(['Condition.clinicalStatus']);
    expect(wrongCode[0]?.diagnostics).toBe(
      `None of the codings "${CLINICAL}|cured" is in the required value set http://hl7.org/fhir/ValueSet/condition-clinical ` +
        '(active, recurrence, relapse, inactive, remission, resolved)',
    );
    // Only a translation, no code from the bound set: the spec's "SHALL be from the value set" is not met.
    expect(where(condition({ coding: [{ system: 'http://snomed.info/sct', code: '55561003' }] }))).toEqual(['Condition.clinicalStatus']);
  });

  it('rejects text alone, and ignores a CodeableConcept with nothing to check', () => {
    expect(check(condition({ text: 'active' }))[0]?.diagnostics).toMatch(/^No code provided/);
    expect(check(condition({ extension: [{ url: 'http://example.org/x', valueString: 'y' }] }))).toEqual([]);
  });

  it('checks a Coding against system and code', () => {
    const male = { system: 'http://hl7.org/fhir/administrative-gender', code: 'male' };
    expect(checkBoundValue(male, 'Coding', GENDER, 'X.coding')).toBeUndefined();
    expect(checkBoundValue({ ...male, system: 'http://example.org/sex' }, 'Coding', GENDER, 'X.coding')).toMatchObject({
      code: 'code-invalid',
      diagnostics: `Value "http://example.org/sex|male" is not in the required value set ${GENDER} (male, female, other, unknown)`,
      expression: ['X.coding'],
    });
    expect(checkBoundValue({ ...male, code: 'man' }, 'Coding', `${GENDER}|4.0.1`, 'X')?.expression).toEqual(['X']);
  });

  it('checks a Quantity by its unit system and code', () => {
    const units = 'http://hl7.org/fhir/ValueSet/units-of-time';
    expect(checkBoundValue({ value: 2, system: 'http://unitsofmeasure.org', code: 'wk' }, 'Duration', units, 'X')).toBeUndefined();
    expect(checkBoundValue({ value: 2, system: 'http://unitsofmeasure.org', code: 'fortnight' }, 'Duration', units, 'X')).toBeDefined();
    // Any UCUM unit may belong to ucum-units: we cannot enumerate the grammar, so nothing is rejected.
    const ucum = 'http://hl7.org/fhir/ValueSet/ucum-units';
    expect(checkBoundValue({ system: 'http://unitsofmeasure.org', code: 'mg/dL' }, 'Quantity', ucum, 'X')).toBeUndefined();
  });
});

describe('required bindings: what passes', () => {
  it('accepts valid codes', () => {
    const patient = {
      resourceType: 'Patient',
      text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">x</div>' },
      gender: 'female',
      identifier: [{ use: 'official', system: 'http://electronichealth.se/identifier/personnummer', value: '191212121212' }],
      telecom: [{ system: 'phone', use: 'mobile', value: '070' }],
      link: [{ other: { reference: 'Patient/2' }, type: 'seealso' }],
    };
    expect(check(patient)).toEqual([]);
  });

  it('never rejects codes from systems it cannot enumerate, or unknown types', () => {
    const doc = {
      resourceType: 'DocumentReference',
      status: 'current',
      content: [{ attachment: { contentType: 'application/x-lots-whatever', language: 'sv-SE' } }],
    };
    expect(check(doc)).toEqual([]);
    expect(check({ resourceType: 'Invoice', status: 'issued', totalNet: { value: 1, currency: 'SEK' } })).toEqual([]);
    expect(check({ resourceType: 'Invoice', status: 'issued', totalNet: { value: 1, currency: 'XXX-not-iso' } })).toEqual([]);
    expect(check({ resourceType: 'NotAResource', status: 'whatever' })).toEqual([]);
  });

  it('precomputes the bound keys of a type', () => {
    expect(requiredBindingsOf('Patient')).toEqual({ gender: GENDER });
    expect(requiredBindingsOf('Quantity')).toEqual({ comparator: 'http://hl7.org/fhir/ValueSet/quantity-comparator' });
  });
});

describe('required bindings: the official R4 examples', () => {
  const dir = R4_EXAMPLES_DIR;
  const examples = r4ExampleFiles()
    .map((file) => ({ file, resource: JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as Resource }));

  it('fails exactly the known errata', () => {
    expect(examples.length).toBe(715);
    const failures: Record<string, { expression: string; diagnostics: string }> = {};
    for (const { file, resource } of examples) {
      const [first] = checkRequiredBindings(resource);
      if (first) failures[file] = { expression: first.expression?.[0] ?? '', diagnostics: first.diagnostics };
    }
    const expected = Object.fromEntries(
      Object.entries(CORPUS_FAILURES).map(([file, f]) => [file, { expression: f.expression, diagnostics: f.diagnostics }]),
    );
    expect(failures).toEqual(expected);
  });

  it('reaches the bound elements of the examples (a bogus code planted in each is caught there)', () => {
    // Narrative.status of every example, and of every resource inside a Bundle example.
    let planted = 0;
    const plant = (file: string, root: Resource, text: { status?: string } | undefined, at: string) => {
      if (!text?.status) return;
      const was = text.status;
      text.status = 'bogus';
      planted++;
      expect(checkRequiredBindings(root).map((i) => i.expression?.[0]), file).toContain(at);
      text.status = was;
    };
    for (const { file, resource } of examples) {
      const copy = structuredClone(resource);
      plant(file, copy, 'text' in copy ? copy.text : undefined, `${copy.resourceType}.text.status`);
      if (copy.resourceType !== 'Bundle') continue;
      copy.entry?.forEach((e, i) => {
        if (e.resource && 'text' in e.resource) plant(file, copy, e.resource.text, `Bundle.entry[${i}].resource.text.status`);
      });
    }
    expect(planted).toBeGreaterThan(1000);
  });

  it('takes well under a millisecond per example once warm', () => {
    for (const { resource } of examples) checkRequiredBindings(resource);
    const start = performance.now();
    for (const { resource } of examples) checkRequiredBindings(resource);
    const perExample = (performance.now() - start) / examples.length;
    expect(perExample).toBeLessThan(1);
  });
});
