import type { CodeSystem, ValueSet } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { hierarchyMembers, r4Members, storedMembers } from './members.js';

const vs = (compose: ValueSet['compose'], expansion?: ValueSet['expansion']): ValueSet => ({ resourceType: 'ValueSet', status: 'active', url: 'https://x.example/vs', compose, ...(expansion ? { expansion } : {}) });

describe('storedMembers', () => {
  it('lists the codes a ValueSet names, minus those it excludes', () => {
    const set = vs({ include: [{ system: 's', concept: [{ code: 'a' }, { code: 'b' }] }], exclude: [{ system: 's', concept: [{ code: 'b' }] }] });
    expect(storedMembers(set, () => undefined)).toEqual({ members: [{ system: 's', code: 'a' }] });
  });

  it('prefers a stored expansion, nested and without abstract entries', () => {
    const set = vs(undefined, { timestamp: '2026-01-01', contains: [{ system: 's', code: 'group', abstract: true, contains: [{ system: 's', code: 'x' }] }] });
    expect(storedMembers(set, () => undefined)).toEqual({ members: [{ system: 's', code: 'x' }] });
  });

  it('is an error, not an empty list, for filters and for a whole system it does not know', () => {
    expect(storedMembers(vs({ include: [{ system: 'http://snomed.info/sct', filter: [{ property: 'concept', op: 'is-a', value: '1' }] }] }), () => undefined)).toHaveProperty('error');
    expect(storedMembers(vs({ include: [{ system: 'https://unknown.example/cs' }] }), () => undefined)).toHaveProperty('error');
  });

  it("takes a whole system from R4's own code systems", () => {
    const found = storedMembers(vs({ include: [{ system: 'http://hl7.org/fhir/administrative-gender' }] }), () => undefined);
    expect('members' in found && found.members.map((m) => m.code).sort()).toEqual(['female', 'male', 'other', 'unknown']);
  });
});

describe('r4Members', () => {
  it("lists one of R4's value sets, says undefined for an unknown URL, and refuses one it cannot list", () => {
    expect(r4Members('http://hl7.org/fhir/ValueSet/administrative-gender')).toEqual({ members: expect.arrayContaining([{ system: 'http://hl7.org/fhir/administrative-gender', code: 'female' }]) });
    expect(r4Members('https://nowhere.example/vs')).toBeUndefined();
    expect(r4Members('http://hl7.org/fhir/ValueSet/observation-codes')).toHaveProperty('error');
  });
});

describe('hierarchyMembers', () => {
  const cs: CodeSystem = {
    resourceType: 'CodeSystem',
    status: 'active',
    content: 'complete',
    url: 's',
    concept: [{ code: 'a', concept: [{ code: 'b', concept: [{ code: 'c' }] }] }, { code: 'd', property: [{ code: 'parent', valueCode: 'b' }] }],
  };
  const codes = (found: ReturnType<typeof hierarchyMembers>) => ('members' in found ? found.members.map((m) => m.code).sort() : found.error);

  it('walks nesting and parent properties, both ways', () => {
    expect(codes(hierarchyMembers('s', 'b', 'below', cs))).toEqual(['b', 'c', 'd']);
    expect(codes(hierarchyMembers('s', 'd', 'above', cs))).toEqual(['a', 'b', 'd']);
  });

  it('refuses a hierarchy that is not is-a, an unknown code and an unknown system', () => {
    expect(hierarchyMembers('s', 'b', 'below', { ...cs, hierarchyMeaning: 'part-of' })).toHaveProperty('error');
    expect(hierarchyMembers('s', 'x', 'below', cs)).toHaveProperty('error');
    expect(hierarchyMembers('https://unknown.example/cs', 'x', 'below', undefined)).toHaveProperty('error');
  });
});
