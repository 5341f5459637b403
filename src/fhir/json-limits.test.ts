import { describe, expect, it } from 'vitest';
import { FhirError } from './error.js';
import { checkJsonLimits, checkJsonTextDepth } from './json-limits.js';

function nested(depth: number): unknown {
  let v: unknown = 'leaf';
  for (let i = 1; i < depth; i++) v = [v];
  return v;
}

function refusal(fn: () => unknown): FhirError {
  try {
    fn();
  } catch (e) {
    if (e instanceof FhirError) return e;
    throw e;
  }
  throw new Error('expected a FhirError');
}

describe('checkJsonLimits', () => {
  it('accepts a body at the depth limit and refuses one level more', () => {
    expect(() => checkJsonLimits({ resourceType: 'Patient', x: nested(100) })).not.toThrow();
    const e = refusal(() => checkJsonLimits({ resourceType: 'Patient', x: nested(101) }));
    expect(e.status).toBe(400);
    expect(e.issues[0]!.code).toBe('structure');
  });

  it('walks 100,000 levels without overflowing the stack', () => {
    expect(refusal(() => checkJsonLimits(nested(100_000))).status).toBe(400);
  });

  it('names the element holding a NUL character', () => {
    const e = refusal(() => checkJsonLimits({ resourceType: 'Patient', name: [{ family: 'A\u0000' }] }));
    expect(e.issues[0]).toMatchObject({ code: 'invalid', expression: ['Patient.name[0].family'] });
  });

  it.each(['__proto__', 'constructor', 'valueOf', 'toString', 'hasOwnProperty'])('refuses the key %s', (key) => {
    const body = JSON.parse(`{"resourceType":"Patient","name":[{"${key}":"x"}]}`);
    expect(refusal(() => checkJsonLimits(body)).issues[0]).toMatchObject({ code: 'structure', expression: [`Patient.name[0].${key}`] });
  });

  it('leaves ordinary resources alone', () => {
    const r = { resourceType: 'Observation', valueString: 'valueOf constructor', component: [{ valueQuantity: { value: 1 } }] };
    expect(checkJsonLimits(r)).toBe(r);
  });
});

describe('checkJsonTextDepth', () => {
  it('counts brackets outside strings only', () => {
    expect(() => checkJsonTextDepth(`{"a":"${'['.repeat(500)}\\"${'{'.repeat(500)}"}`)).not.toThrow();
    expect(refusal(() => checkJsonTextDepth('['.repeat(101) + ']'.repeat(101))).status).toBe(400);
    expect(() => checkJsonTextDepth('['.repeat(100) + ']'.repeat(100))).not.toThrow();
  });
});
