import type { Observation, Patient } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { birthDateOf, daysBetween, effectiveDay, latestPerDay, measurementsOf, toMeasurement } from './points.js';

const o = (id: string, code: string, value: number, unit: string, effective: string, extra: Partial<Observation> = {}): Observation => ({
  resourceType: 'Observation',
  id,
  status: 'final',
  code: { coding: [{ system: 'http://loinc.org', code }] },
  effectiveDateTime: effective,
  valueQuantity: { value, unit, system: 'http://unitsofmeasure.org', code: unit },
  ...extra,
});

describe('ages and days', () => {
  it('counts days from the birth date to the Swedish calendar day of the measurement', () => {
    expect(daysBetween('2020-01-01', '2020-12-31')).toBe(365);
    expect(daysBetween('2019-03-10', '2023-05-10')).toBe(1522);
    // 23:30 UTC on 31 Dec is already 1 Jan in Sweden (CET); 21:30 UTC in June is 23:30 CEST, the same day.
    expect(effectiveDay(o('a', '29463-7', 1, 'kg', '2020-12-31T23:30:00Z'))?.date).toBe('2021-01-01');
    expect(effectiveDay(o('a', '29463-7', 1, 'kg', '2020-06-30T21:30:00Z'))?.date).toBe('2020-06-30');
    expect(effectiveDay(o('a', '29463-7', 1, 'kg', '2020-06'))).toBeUndefined();
  });

  it('takes the birth date from Patient.birthDate, else from the personnummer or samordningsnummer', () => {
    const pnr = (system: string, value: string): Patient => ({ resourceType: 'Patient', birthDate: '2016', identifier: [{ system, value }] });
    expect(birthDateOf({ resourceType: 'Patient', birthDate: '2016-04-12' })).toBe('2016-04-12');
    expect(birthDateOf(pnr('http://electronichealth.se/identifier/personnummer', '201604122380'))).toBe('2016-04-12');
    expect(birthDateOf(pnr('http://electronichealth.se/identifier/samordningsnummer', '201604722385'))).toBe('2016-04-12');
    expect(birthDateOf({ resourceType: 'Patient', birthDate: '2016-04' })).toBeUndefined();
  });
});

describe('latest per day', () => {
  const birth = '2020-01-01';
  const m = (obs: Observation) => toMeasurement(obs, birth, 'weight')!;

  it('keeps the latest effective time of each day', () => {
    const kept = latestPerDay([
      m(o('a', '29463-7', 5, 'kg', '2020-03-01T18:00:00+01:00')),
      m(o('b', '29463-7', 6, 'kg', '2020-03-01T08:00:00+01:00')),
      m(o('c', '29463-7', 7, 'kg', '2020-03-02')),
    ]);
    expect(kept.map((x) => x.observations[0])).toEqual(['Observation/a', 'Observation/c']);
  });

  it('breaks a tie (same time, or a date without time) by the last update', () => {
    const at = (id: string, when: string, updated: string) => m(o(id, '29463-7', 5, 'kg', when, { meta: { lastUpdated: updated } }));
    expect(latestPerDay([at('late', '2020-03-01', '2024-01-02T00:00:00Z'), at('early', '2020-03-01', '2024-01-01T00:00:00Z')])[0]!.observations).toEqual(['Observation/late']);
    // A value with a time beats one with only the date.
    expect(latestPerDay([at('timed', '2020-03-01T07:00:00+01:00', '2024-01-01T00:00:00Z'), at('dated', '2020-03-01', '2024-01-09T00:00:00Z')])[0]!.observations).toEqual(['Observation/timed']);
  });

  it('leaves out entered-in-error and cancelled values', () => {
    expect(toMeasurement(o('x', '29463-7', 5, 'kg', '2020-03-01', { status: 'entered-in-error' }), birth, 'weight')).toBeUndefined();
    expect(toMeasurement(o('x', '29463-7', 5, 'kg', '2020-03-01', { status: 'amended' }), birth, 'weight')).toBeDefined();
  });
});

describe('BMI', () => {
  const birth = '2020-01-01';

  it('is computed from the same day’s latest weight and length, and marked computed', () => {
    const ms = measurementsOf(
      [
        o('w1', '29463-7', 10, 'kg', '2021-03-01T08:00:00+01:00'),
        o('w2', '29463-7', 10.2, 'kg', '2021-03-01T09:00:00+01:00'),
        o('h', '8306-3', 80, 'cm', '2021-03-01T08:10:00+01:00'),
        o('w3', '29463-7', 11, 'kg', '2021-03-02'), // no length that day: no BMI
      ],
      birth,
      'bmi',
    );
    expect(ms).toHaveLength(1);
    expect(ms[0]).toMatchObject({ computed: true, observations: ['Observation/w2', 'Observation/h'], bmiFrom: { weightKg: 10.2, heightCm: 80, position: 'lying' } });
    expect(ms[0]!.value).toBeCloseTo(10.2 / 0.64, 6);
  });

  it('is not computed on a day with a recorded BMI', () => {
    const ms = measurementsOf([o('w', '29463-7', 10, 'kg', '2021-03-01'), o('h', '8302-2', 80, 'cm', '2021-03-01'), o('b', '39156-5', 15.9, 'kg/m2', '2021-03-01')], birth, 'bmi');
    expect(ms.map((x) => [x.observations, x.computed])).toEqual([[['Observation/b'], undefined]]);
  });
});
