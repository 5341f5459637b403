import type { Parameters, ParametersParameter, Patient, Resource } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { PATCH_TESTS_DIR } from '../../../test/support/corpus.js';
import { FhirError } from '../error.js';
import { applyFhirPathPatch } from './fhirpath-patch.js';
import { loadPatchCases } from '../../../test/support/xml-fixture.js';

const corpus = new URL('fhir-patch-tests.xml', PATCH_TESTS_DIR);
const cases = loadPatchCases(corpus);

function thrown(fn: () => unknown): FhirError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(FhirError);
    return e as FhirError;
  }
  throw new Error('expected a FhirError, nothing was thrown');
}

describe('FHIRPath Patch: official test cases', () => {
  it('has cases to run', () => expect(cases.length).toBeGreaterThan(0));

  for (const c of cases) {
    it(c.name, () => {
      const before = structuredClone(c.input);
      if (c.error !== undefined) {
        // The only error case adds below a path that matches nothing: well-formed, not applicable.
        expect(thrown(() => applyFhirPathPatch(c.input, c.diff)).status).toBe(422);
      } else {
        expect(applyFhirPathPatch(c.input, c.diff)).toEqual(c.output);
      }
      expect(c.input).toEqual(before);
    });
  }
});

type Part = ParametersParameter;
const op = (type: string, path: string, ...parts: Part[]): Part => ({
  name: 'operation',
  part: [{ name: 'type', valueCode: type }, { name: 'path', valueString: path }, ...parts],
});
const patch = (...ops: Part[]): Parameters => ({ resourceType: 'Parameters', parameter: ops });
const apply = (r: Resource, ...ops: Part[]) => applyFhirPathPatch(r, patch(...ops)) as Patient;

// @medplum/fhirtypes has no `_x` members, hence the plain object asserted below.
const patientJson = {
  resourceType: 'Patient',
  birthDate: '1970-01-01',
  _birthDate: { extension: [{ url: 'http://x/birthTime', valueDateTime: '1970-01-01T10:00:00Z' }] },
  deceasedBoolean: false,
  name: [{ family: 'F', given: ['a', 'b', 'c'], _given: [null, { id: 'g2' }, null] }],
  identifier: [{ value: '1' }, { value: '2' }],
};
const patient = patientJson as Patient;

describe('FHIRPath Patch: malformed documents are 400', () => {
  const cases: [string, unknown, string][] = [
    ['not Parameters', { resourceType: 'Patient' }, 'must be a Parameters resource'],
    ['wrong parameter name', { resourceType: 'Parameters', parameter: [{ name: 'op' }] }, 'operation 1: parameter name'],
    ['unknown type', patch(op('remove', 'Patient.birthDate')), 'type must be one of'],
    ['missing path', patch({ name: 'operation', part: [{ name: 'type', valueCode: 'delete' }] }), 'part "path"'],
    ['missing value', patch(op('replace', 'Patient.birthDate')), 'operation 1 (replace Patient.birthDate): part "value" is required'],
    ['unknown part', patch(op('delete', 'Patient.birthDate', { name: 'destionation', valueInteger: 1 })), 'unknown part'],
    ['bad index', patch(op('insert', 'Patient.identifier', { name: 'index', valueString: '1' }, { name: 'value', valueString: 'x' })), 'integer'],
    ['bad syntax', patch(op('delete', 'Patient.name[')), 'not valid FHIRPath'],
    ['two values', patch(op('replace', 'Patient.birthDate', { name: 'value', valueDate: '2000-01-01', part: [] })), 'exactly one of'],
  ];
  for (const [title, doc, message] of cases) {
    it(title, () => {
      const e = thrown(() => applyFhirPathPatch(patient, doc as Parameters));
      expect(e.status).toBe(400);
      expect(e.message).toContain(message);
    });
  }

  it('rejects the whole document before applying anything', () => {
    const e = thrown(() => apply(patient, op('delete', 'Patient.nothing'), op('move', 'Patient.identifier')));
    expect(e.status).toBe(400);
    expect(e.issues[0]?.expression).toEqual(['Parameters.parameter[1]']);
  });
});

describe('FHIRPath Patch: behaviour beyond the corpus', () => {
  it('explains a path that matches nothing, with the operation and a 422', () => {
    const e = thrown(() => apply({ resourceType: 'Patient' }, op('replace', 'Patient.birthDate', { name: 'value', valueDate: '2000-01-01' })));
    expect(e.status).toBe(422);
    expect(e.issues[0]).toMatchObject({ code: 'processing', expression: ['Parameters.parameter[0]'] });
    expect(e.message).toBe(
      'FHIRPath Patch operation 1 (replace Patient.birthDate): the path matches no element (to create an element, use add on its parent)',
    );
  });

  it('ignores a delete that matches nothing but refuses one that matches several', () => {
    expect(apply(patient, op('delete', 'Patient.telecom'))).toEqual(patient);
    expect(thrown(() => apply(patient, op('delete', 'Patient.identifier'))).message).toContain('matches 2 elements');
  });

  it('deletes a primitive together with its extensions, keeping list siblings aligned', () => {
    expect(apply(patient, op('delete', 'Patient.birthDate'))).not.toHaveProperty('_birthDate');
    expect(apply(patient, op('delete', 'Patient.name.given[0]')).name).toEqual([{ family: 'F', given: ['b', 'c'], _given: [{ id: 'g2' }, null] }]);
    expect(apply(patient, op('delete', "Patient.name.given.where($this = 'b')")).name).toEqual([{ family: 'F', given: ['a', 'c'] }]);
  });

  it('moves primitives with their extensions', () => {
    const moved = apply(patient, op('move', 'Patient.name[0].given', { name: 'source', valueInteger: 1 }, { name: 'destination', valueInteger: 0 }));
    expect(moved.name).toEqual([{ family: 'F', given: ['b', 'a', 'c'], _given: [{ id: 'g2' }, null, null] }]);
  });

  it('adds and deletes extensions on a primitive, dropping an emptied `_x`', () => {
    const ext = { name: 'value', part: [{ name: 'url', valueUri: 'http://x/e' }, { name: 'value', valueString: 's' }] };
    const added = apply(patient, op('add', 'Patient.name.given[0]', { name: 'name', valueString: 'extension' }, ext));
    expect((added.name?.[0] as Record<string, unknown>)['_given']).toEqual([{ extension: [{ url: 'http://x/e', valueString: 's' }] }, { id: 'g2' }, null]);
    const deleted = apply(patient, op('delete', 'Patient.birthDate.extension[0]'));
    expect(deleted.birthDate).toBe('1970-01-01');
    expect(deleted).not.toHaveProperty('_birthDate');
  });

  it('changes the JSON key of a choice element with its type', () => {
    const out = apply(patient, op('replace', 'Patient.deceased', { name: 'value', valueDateTime: '2020-02-02' }));
    expect(out.deceasedDateTime).toBe('2020-02-02');
    expect(out).not.toHaveProperty('deceasedBoolean');
    const added = apply({ resourceType: 'Patient' }, op('add', 'Patient', { name: 'name', valueString: 'multipleBirth' }, { name: 'value', valueInteger: 2 }));
    expect(added).toEqual({ resourceType: 'Patient', multipleBirthInteger: 2 });
  });

  it('refuses to add what is already there, unknown elements, and untyped choices', () => {
    const add = (name: string, value: Part) => op('add', 'Patient', { name: 'name', valueString: name }, { ...value, name: 'value' });
    expect(thrown(() => apply(patient, add('birthDate', { name: 'value', valueDate: '2000-01-01' }))).message).toContain('already has "birthDate"');
    expect(thrown(() => apply(patient, add('deceased', { name: 'value', valueDateTime: '2000' }))).message).toContain('already has "deceasedBoolean"');
    expect(thrown(() => apply(patient, add('nickname', { name: 'value', valueString: 'x' }))).message).toContain('Patient has no element "nickname"');
    expect(thrown(() => apply(patient, add('deceased', { name: 'value', part: [] }))).message).toContain('choice element');
    expect(thrown(() => apply(patient, add('deceased', { name: 'value', valueString: 'x' }))).status).toBe(422);
  });

  it('checks list positions and that insert/move select a whole list', () => {
    const value = { name: 'value', valueIdentifier: { value: '3' } };
    expect(thrown(() => apply(patient, op('insert', 'Patient.identifier', { name: 'index', valueInteger: 3 }, value))).message).toContain(
      'index 3 is out of range: the list has 2 items (allowed 0..2)',
    );
    expect(apply(patient, op('insert', 'Patient.identifier', { name: 'index', valueInteger: 2 }, value)).identifier).toHaveLength(3);
    const move = (path: string, source: number, destination: number) =>
      op('move', path, { name: 'source', valueInteger: source }, { name: 'destination', valueInteger: destination });
    expect(thrown(() => apply(patient, move('Patient.identifier', 0, 2))).message).toContain('destination 2 is out of range');
    expect(thrown(() => apply(patient, move('Patient.identifier[0]', 0, 0))).message).toContain('select the whole list');
    expect(thrown(() => apply(patient, move('Patient.birthDate', 0, 0))).message).toContain('single list');
    expect(thrown(() => apply(patient, op('insert', 'Patient.telecom', { name: 'index', valueInteger: 0 }, value))).message).toContain('use add');
  });

  it('adds a contained resource and patches inside it', () => {
    const org = { name: 'value', resource: { resourceType: 'Organization', id: 'o', name: 'Acme' } } as Part;
    const out = apply(
      { resourceType: 'Patient' },
      op('add', 'Patient', { name: 'name', valueString: 'contained' }, org),
      op('replace', 'Patient.contained.ofType(Organization).name', { name: 'value', valueString: 'Acme Inc' }),
    );
    expect(out.contained).toEqual([{ resourceType: 'Organization', id: 'o', name: 'Acme Inc' }]);
  });

  it('refuses paths that are not elements of the resource', () => {
    expect(thrown(() => apply(patient, op('replace', "'literal'", { name: 'value', valueString: 'x' }))).message).toContain('computed value');
    expect(thrown(() => apply(patient, op('delete', 'Patient'))).message).toContain('the resource itself');
    expect(thrown(() => apply(patient, op('delete', 'Patient.name.noSuchFunction()'))).status).toBe(422);
  });

  it('removes what a patch leaves empty and does not alias the patch values', () => {
    const value: Part = { name: 'value', valueHumanName: { text: 't' } };
    const out = apply(
      { resourceType: 'Patient', contact: [{ name: { text: 'x' } }] },
      op('delete', 'Patient.contact.name.text'),
      op('add', 'Patient', { name: 'name', valueString: 'name' }, value),
    );
    expect(out).toEqual({ resourceType: 'Patient', name: [{ text: 't' }] });
    (out.name?.[0] as { text: string }).text = 'changed';
    expect(value.valueHumanName?.text).toBe('t');
  });
});
