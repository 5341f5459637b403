import type { Observation } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { checkGrowthUnits, toChartUnit } from './measures.js';

const ucum = (value: number, code: string) => ({ value, unit: code, system: 'http://unitsofmeasure.org', code });

describe('units', () => {
  it('converts masses to kg and lengths to cm', () => {
    expect(toChartUnit('weight', ucum(8400, 'g'))).toEqual({ ok: true, value: 8.4 });
    expect(toChartUnit('weight', ucum(22, '[lb_av]'))).toMatchObject({ ok: true });
    expect((toChartUnit('weight', ucum(22, '[lb_av]')) as { value: number }).value).toBeCloseTo(9.979, 3);
    expect(toChartUnit('height', ucum(745, 'mm'))).toEqual({ ok: true, value: 74.5 });
    expect(toChartUnit('height', ucum(1.1, 'm'))).toEqual({ ok: true, value: 110 });
    expect((toChartUnit('head-circumference', ucum(16.5, '[in_i]')) as { value: number }).value).toBeCloseTo(41.91, 6);
    expect(toChartUnit('bmi', ucum(16.2, 'kg/m2'))).toEqual({ ok: true, value: 16.2 });
  });

  it('reads the unit when there is no code', () => {
    expect(toChartUnit('weight', { value: 9, unit: 'kg' })).toEqual({ ok: true, value: 9 });
  });

  it('refuses a unit of the wrong kind, a non-UCUM system and a missing unit', () => {
    expect(toChartUnit('weight', ucum(80, 'cm'))).toMatchObject({ ok: false, problem: expect.stringMatching(/not a mass/) });
    expect(toChartUnit('height', ucum(80, 'kg'))).toMatchObject({ ok: false, problem: expect.stringMatching(/not a length/) });
    expect(toChartUnit('height', { value: 80, system: 'http://snomed.info/sct', code: '258672001' })).toMatchObject({ ok: false });
    expect(toChartUnit('height', { value: 80 })).toMatchObject({ ok: false });
  });
});

describe('the write-time check', () => {
  const obs = (code: string, q: Observation['valueQuantity']): Observation => ({ resourceType: 'Observation', status: 'final', code: { coding: [{ system: 'http://loinc.org', code }] }, valueQuantity: q });

  it('refuses a growth Observation whose unit is not of its kind, and lets others be', () => {
    expect(checkGrowthUnits(obs('29463-7', ucum(10, 'cm')))[0]).toMatchObject({ code: 'value', expression: ['Observation.valueQuantity'] });
    expect(checkGrowthUnits(obs('8287-5', ucum(40, 's')))).toHaveLength(1);
    expect(checkGrowthUnits(obs('29463-7', ucum(10, 'kg')))).toEqual([]);
    expect(checkGrowthUnits(obs('8867-4', ucum(70, '/min')))).toEqual([]); // heart rate: not growth
  });
});
