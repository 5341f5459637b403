import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PATCH_TESTS_DIR } from '../../../test/support/corpus.js';
import { FhirError } from '../error.js';
import { applyJsonPatch } from './json-patch.js';

interface Case {
  comment: string;
  doc: Record<string, unknown>;
  patch: unknown;
  expected?: Record<string, unknown>;
  error?: string;
}

const corpus = new URL('json-patch-tests.json', PATCH_TESTS_DIR);
const cases = JSON.parse(readFileSync(corpus, 'utf8')) as Case[];

function thrown(fn: () => unknown): FhirError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(FhirError);
    return e as FhirError;
  }
  throw new Error('expected a FhirError, nothing was thrown');
}

describe('JSON Patch: official test cases', () => {
  it('has cases to run', () => expect(cases.length).toBeGreaterThan(0));

  for (const c of cases) {
    it(c.comment, () => {
      const before = structuredClone(c.doc);
      if (c.error !== undefined) {
        // Every corpus error is about the document at hand (missing target, failed test), hence 422.
        expect(thrown(() => applyJsonPatch(c.doc, c.patch)).status).toBe(422);
      } else {
        expect(applyJsonPatch(c.doc, c.patch)).toEqual(c.expected);
      }
      expect(c.doc).toEqual(before);
    });
  }
});

describe('JSON Patch: behaviour beyond the corpus', () => {
  const patient = { resourceType: 'Patient', name: [{ given: ['a', 'b'] }], active: true };

  it('rejects a malformed document with 400 and names the operation', () => {
    expect(thrown(() => applyJsonPatch(patient, { op: 'add' })).status).toBe(400);
    const e = thrown(() => applyJsonPatch(patient, [{ op: 'test', path: '/active', value: true }, { op: 'delete', path: '/a' }]));
    expect(e.status).toBe(400);
    expect(e.message).toContain('operation 2');
    expect(thrown(() => applyJsonPatch(patient, [{ op: 'add', path: 'name' , value: 1 }])).status).toBe(400);
    expect(thrown(() => applyJsonPatch(patient, [{ op: 'add', path: '/x' }])).status).toBe(400);
    expect(thrown(() => applyJsonPatch(patient, [{ op: 'move', path: '/x' }])).status).toBe(400);
    expect(thrown(() => applyJsonPatch(patient, [{ op: 'test', path: '/a~2b', value: 1 }])).status).toBe(400);
  });

  it('says which operation failed and why', () => {
    const e = thrown(() => applyJsonPatch(patient, [{ op: 'replace', path: '/birthDate', value: '2000' }]));
    expect(e.status).toBe(422);
    expect(e.message).toBe('JSON Patch operation 1 (replace /birthDate): /birthDate does not exist');
    expect(e.issues[0]?.code).toBe('processing');
  });

  it('appends with "-", indexes arrays and rejects indexes out of range or with leading zeros', () => {
    const out = applyJsonPatch(patient, [
      { op: 'add', path: '/name/0/given/-', value: 'c' },
      { op: 'replace', path: '/name/0/given/0', value: 'A' },
    ]);
    expect(out['name']).toEqual([{ given: ['A', 'b', 'c'] }]);
    expect(thrown(() => applyJsonPatch(patient, [{ op: 'add', path: '/name/0/given/3', value: 'x' }])).status).toBe(422);
    expect(thrown(() => applyJsonPatch(patient, [{ op: 'remove', path: '/name/01' }])).status).toBe(422);
    expect(thrown(() => applyJsonPatch(patient, [{ op: 'replace', path: '/name/-', value: {} }])).status).toBe(422);
  });

  it('moves, copies without aliasing, and refuses to move a value into its own child', () => {
    const out = applyJsonPatch(patient, [
      { op: 'copy', from: '/name/0', path: '/name/-' },
      { op: 'add', path: '/name/1/family', value: 'F' },
      { op: 'move', from: '/active', path: '/name/0/text' },
    ]);
    expect(out).toEqual({
      resourceType: 'Patient',
      name: [{ given: ['a', 'b'], text: true }, { given: ['a', 'b'], family: 'F' }],
    });
    expect(thrown(() => applyJsonPatch(patient, [{ op: 'move', from: '/name', path: '/name/0/x' }])).status).toBe(422);
  });

  it('compares objects in test regardless of key order and stores "__proto__" as plain data', () => {
    const doc = { a: { x: 1, y: [1, { z: null }] } };
    expect(applyJsonPatch(doc, [{ op: 'test', path: '/a', value: { y: [1, { z: null }], x: 1 } }])).toEqual(doc);
    const out = applyJsonPatch(doc, JSON.parse('[{"op":"add","path":"/__proto__","value":{"polluted":true}}]'));
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.keys(out)).toContain('__proto__');
  });

  it('requires the result to be an object', () => {
    expect(thrown(() => applyJsonPatch(patient, [{ op: 'replace', path: '', value: [1] }])).status).toBe(422);
  });
});
