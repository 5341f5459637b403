import { readFileSync } from 'node:fs';
import type { Bundle, CodeSystem, ConceptMap, HealthcareService, Questionnaire } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { FhirError } from '../../fhir/error.js';
import { caseTypes, offeredCodes, resolveCaseType, translate } from './case-types.js';

// The seeded resources are the data these rules run on, so test them together.
const seed = JSON.parse(readFileSync(new URL('../../../seed/20-cases.json', import.meta.url), 'utf8')) as Bundle;
const resources = seed.entry!.map((e) => e.resource!);
const cs = resources.find((r): r is CodeSystem => r.resourceType === 'CodeSystem' && r.id === 'case-type')!;
const map = resources.find((r): r is ConceptMap => r.resourceType === 'ConceptMap')!;
const types = caseTypes(cs);

describe('the case types', () => {
  it('are the base set, with Swedish names, each with a seeded form', () => {
    const current = [...types.values()].filter((t) => !t.inactive && t.questionnaire).map((t) => t.display);
    expect(current).toEqual([
      'Rådgivning och hjälp',
      'Boka tid',
      'Bokade tider av-/omboka',
      'Förnya recept',
      'Förnya hjälpmedel',
      'Begär intyg',
      'Egenremiss',
      'Klagomål och synpunkter på vården',
      'Stöd och behandling',
    ]);
    const forms = new Set(resources.filter((r): r is Questionnaire => r.resourceType === 'Questionnaire').map((q) => q.url));
    for (const t of types.values()) if (t.questionnaire) expect(forms.has(t.questionnaire), t.code).toBe(true);
  });

  it('mark the free-text ones', () => {
    expect([...types.values()].filter((t) => t.freeText).map((t) => t.code)).toEqual(['radgivning-och-hjalp', 'klagomal-och-synpunkter', 'stod-och-behandling']);
  });
});

describe('retired and renamed types', () => {
  it.each([
    ['bestall-tid', 'boka-tid'],
    ['av-omboka-tid', 'bokade-tider-av-omboka'],
    ['kontakta-mig', 'radgivning-och-hjalp'],
    ['radgivning', 'radgivning-och-hjalp'],
    ['mina-bokade-tider', 'bokade-tider-av-omboka'],
    ['boka-tid-direkt', 'boka-tid'],
  ])('%s is translated to %s', (from, to) => {
    expect(translate(map, from)).toBe(to);
    const r = resolveCaseType(types, map, from);
    expect(r.type.code).toBe(to);
    expect(r.requested?.code).toBe(from);
  });

  it('leaves current types as they are and refuses unknown ones', () => {
    expect(resolveCaseType(types, map, 'egenremiss')).toEqual({ type: types.get('egenremiss') });
    expect(() => resolveCaseType(types, map, 'x')).toThrow(FhirError);
    expect(() => resolveCaseType(types, undefined, 'bestall-tid')).toThrow(/no longer used/);
  });
});

describe('what a clinic offers', () => {
  it("comes from its active HealthcareServices' types", () => {
    const services = resources.filter((r): r is HealthcareService => r.resourceType === 'HealthcareService');
    const teleborg = services.filter((s) => s.providedBy?.reference === 'Organization/vc-teleborg');
    expect(offeredCodes(teleborg).has('egenremiss')).toBe(false);
    expect(offeredCodes(teleborg).has('boka-tid')).toBe(true);
    expect(offeredCodes(teleborg.map((s) => ({ ...s, active: false }))).size).toBe(0);
  });
});
