import { describe, expect, it } from 'vitest';
import { evaluateFhirPath } from './fhirpath.js';

const patient = (family: string) => ({ resourceType: 'Patient', name: [{ family }] });

describe('FHIRPath regex functions on RE2', () => {
  it('answers a catastrophic-backtracking pattern at once', () => {
    // With the backtracking RegExp this takes longer than the test's timeout (2^40 paths).
    const evil = patient(`${'a'.repeat(40)}!`);
    expect(evaluateFhirPath(evil, "Patient.name.family.matches('^(a+)+$')")).toEqual([false]);
    expect(evaluateFhirPath(evil, "Patient.name.family.matchesFull('(a|aa)+')")).toEqual([false]);
    expect(evaluateFhirPath(evil, "Patient.name.family.replaceMatches('(a+)+!', 'x')")).toEqual(['x']);
  }, 2000);

  it('keeps FHIRPath semantics: flags, single-line mode, groups, empty input', () => {
    expect(evaluateFhirPath(patient('Åkesson'), "Patient.name.family.matches('^å', 'i')")).toEqual([true]);
    expect(evaluateFhirPath(patient('a\nb'), "Patient.name.family.matches('a.b')")).toEqual([true]);
    expect(evaluateFhirPath(patient('abc'), "Patient.name.family.matchesFull('b')")).toEqual([false]);
    expect(evaluateFhirPath(patient('2026-12-04'), "Patient.name.family.replaceMatches('(\\\\d+)-(\\\\d+)-(\\\\d+)', '$3/$2/$1')")).toEqual(['04/12/2026']);
    expect(evaluateFhirPath({ resourceType: 'Patient' }, "Patient.name.family.matches('a')")).toEqual([]);
  });

  it('refuses bad flags and patterns RE2 cannot run with an error, not a hang', () => {
    expect(() => evaluateFhirPath(patient('a'), "Patient.name.family.matches('a', 'x')")).toThrow(/flags/);
    expect(() => evaluateFhirPath(patient('aa'), "Patient.name.family.matches('(a)\\\\1')")).toThrow(/regular expression/);
  });
});
