import { readFileSync } from 'node:fs';
import type { Bundle, Observation, PlanDefinition } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { FhirError } from '../../fhir/error.js';
import { EXT } from './codes.js';
import { checkValues, evaluate } from './evaluate.js';
import { readRegime } from './ranges.js';

const seed = JSON.parse(readFileSync(new URL('../../../seed/60-monitoring.json', import.meta.url), 'utf8')) as Bundle;
const action = (template: string, i = 0) => (seed.entry!.map((e) => e.resource as PlanDefinition).find((t) => t.id === template)!.action![i]!);
const regime = (template: string, i = 0) => readRegime(action(template, i).extension, 'x');
const q = (value: number, code: string) => ({ value, system: 'http://unitsofmeasure.org', code, unit: code });
const loinc = (code: string) => ({ coding: [{ system: 'http://loinc.org', code }] });
const bp = (sys: number, dia: number): Observation => ({
  resourceType: 'Observation',
  status: 'final',
  code: loinc('85354-9'),
  effectiveDateTime: '2026-12-01T08:00:00Z',
  component: [
    { code: loinc('8480-6'), valueQuantity: q(sys, 'mm[Hg]') },
    { code: loinc('8462-4'), valueQuantity: q(dia, 'mm[Hg]') },
  ],
});
const interp = (o: Observation) => o.interpretation?.[0]?.coding?.[0]?.code;
const single = (code: string, value: number, unit: string, at = '2026-12-01T08:00:00Z'): Observation => ({ resourceType: 'Observation', status: 'final', code: loinc(code), effectiveDateTime: at, valueQuantity: q(value, unit) });

describe('evaluate', () => {
  it('colours a blood pressure by its worst component, with limits and interpretation per component', () => {
    const green = evaluate(bp(120, 80), regime('monitoring-blood-pressure'), []);
    expect(green.colour).toBe('green');
    expect(interp(green.observation)).toBe('N');
    expect(green.advice).toMatch(/Fortsätt/);
    const yellow = evaluate(bp(150, 80), regime('monitoring-blood-pressure'), []);
    expect(yellow.colour).toBe('yellow');
    expect(yellow.observation.component![0]!.interpretation![0]!.coding![0]!.code).toBe('H');
    expect(yellow.observation.component![1]!.interpretation![0]!.coding![0]!.code).toBe('N');
    expect(yellow.observation.component![0]!.referenceRange![0]!.high!.value).toBe(140);
    expect(interp(yellow.observation)).toBe('A');
    const red = evaluate(bp(120, 35), regime('monitoring-blood-pressure'), []);
    expect(red.colour).toBe('red');
    expect(red.advice).toMatch(/112/);
    expect(red.observation.extension).toContainEqual({ url: EXT.colour, valueCode: 'red' });
  });

  it('gives L/LL on the Observation itself for a low SpO2', () => {
    expect(interp(evaluate(single('59408-5', 90, '%'), regime('monitoring-copd-spo2'), []).observation)).toBe('L');
    expect(interp(evaluate(single('59408-5', 85, '%'), regime('monitoring-copd-spo2'), []).observation)).toBe('LL');
  });

  it('converts glucose in mg/dL to the mmol/L of the limits', () => {
    // 200 mg/dL = 11.1 mmol/L: yellow (4–10), not red (3–15)
    const e = evaluate(single('15074-8', 200, 'mg/dL'), regime('monitoring-glucose'), []);
    expect(e.colour).toBe('yellow');
    expect(interp(e.observation)).toBe('H');
    expect(e.observation.valueQuantity).toEqual(q(200, 'mg/dL'));
  });

  it('fires the weight rule on +2 kg within three days, in any unit, and not on older values', () => {
    const day = 86_400_000;
    const at = Date.parse('2026-12-04T07:00:00Z');
    const r = regime('monitoring-heart-failure-weight');
    const obs = single('29463-7', 82.1, 'kg', '2026-12-04T07:00:00Z');
    expect(evaluate(obs, r, [{ value: 80, unit: 'kg', at: at - 2 * day }]).colour).toBe('yellow');
    expect(evaluate(obs, r, [{ value: 80.5, unit: 'kg', at: at - 2 * day }]).colour).toBe('green');
    expect(evaluate(obs, r, [{ value: 80, unit: 'kg', at: at - 4 * day }]).colour).toBe('green');
    expect(evaluate(obs, r, [{ value: 80000, unit: 'g', at: at - day }]).colour).toBe('yellow');
    expect(evaluate(obs, r, []).colour).toBe('green');
  });

  it('refuses a value whose unit does not convert, naming the element', () => {
    try {
      evaluate(single('15074-8', 5, 'kg'), regime('monitoring-glucose'), []);
      expect.unreachable();
    } catch (e) {
      expect((e as FhirError).status).toBe(422);
      expect((e as FhirError).issues[0]!.expression).toEqual(['Observation.valueQuantity.code']);
    }
  });
});

describe('checkValues', () => {
  it('refuses a systolic pressure of 300 and SpO2 of 120 %, naming the element', () => {
    expect(() => checkValues(bp(300, 80))).toThrow(FhirError);
    try {
      checkValues(single('59408-5', 120, '%'));
      expect.unreachable();
    } catch (e) {
      expect((e as FhirError).issues[0]).toMatchObject({ code: 'value', expression: ['Observation.valueQuantity.value'] });
    }
    expect(() => checkValues(bp(130, 80))).not.toThrow();
    // Units of other systems are not judged here (a regime's limits refuse them).
    expect(() => checkValues({ ...single('29463-7', 5000, 'kg'), valueQuantity: { value: 5000, system: 'http://snomed.info/sct', code: '258683005' } })).not.toThrow();
    const snomed = { ...single('15074-8', 5, 'mmol/L'), valueQuantity: { value: 5, system: 'http://snomed.info/sct', code: '258813002' } };
    expect(() => evaluate(snomed, regime('monitoring-glucose'), [])).toThrow(/UCUM/);
  });
});
