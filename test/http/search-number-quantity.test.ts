/**
 * Number, quantity, composite and uri search (https://hl7.org/fhir/R4/search.html#number, #quantity,
 * #composite, #uri): prefixes with the implicit precision of the searched number (`100` is [99.5, 100.5)),
 * `value|system|code` and `value||code`, UCUM units compared in canonical form, composites whose parts
 * must match within the same element, and uri `:below` / `:above`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Prefix } from '../../src/fhir/search/values/date-range.js';
import { matchesNumber } from '../../src/fhir/search/values/number-range.js';
import { matchLabels, seed } from '../support/search.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

const UCUM = 'http://unitsofmeasure.org';
const LOINC = 'http://loinc.org';
const PREFIXES: Prefix[] = ['eq', 'ne', 'gt', 'lt', 'ge', 'le', 'sa', 'eb', 'ap'];

/** ChargeItem.factorOverride is an unconstrained decimal: R4's plainest `number` parameter (`factor-override`). */
const NUMBERS: Record<string, number> = {
  n99_4: 99.4,
  n99_5: 99.5,
  n99_95: 99.95,
  n100: 100,
  n100_04: 100.04,
  n100_4: 100.4,
  n100_5: 100.5,
  n101: 101,
  n0: 0,
  n0_05: 0.05,
  n0_1: 0.1,
  n0_149: 0.149,
  nMinus9_5: -9.5,
  nMinus10: -10,
  nMinus11: -11,
};
const NUMBER_SEARCHES = ['100', '100.0', '100.00', '1e2', '99.5', '0.1', '0', '-10', '1.0e2', '101'];

const charge = (factorOverride: number) => ({
  resourceType: 'ChargeItem',
  status: 'billable',
  code: { text: 'besök' },
  subject: { reference: 'Patient/charge-subject' },
  factorOverride,
});
const quantityObs = (code: string, valueQuantity: Record<string, unknown>) => ({
  resourceType: 'Observation',
  status: 'final',
  code: { coding: [{ system: LOINC, code }] },
  valueQuantity,
});
const bp = (systolic: number, diastolic: number) => ({
  resourceType: 'Observation',
  status: 'final',
  code: { coding: [{ system: LOINC, code: '85354-9' }] },
  component: [
    { code: { coding: [{ system: LOINC, code: '8480-6' }] }, valueQuantity: { value: systolic, unit: 'mmHg', system: UCUM, code: 'mm[Hg]' } },
    { code: { coding: [{ system: LOINC, code: '8462-4' }] }, valueQuantity: { value: diastolic, unit: 'mmHg', system: UCUM, code: 'mm[Hg]' } },
  ],
});
const kg = (value: number, code = 'kg') => quantityObs('29463-7', { value, unit: code, system: UCUM, code });

let t: TestApp;
let numbers: Map<string, string>;
let refs: Map<string, string>;

beforeAll(async () => {
  t = await createTestApp();
  numbers = await seed(t, Object.fromEntries(Object.entries(NUMBERS).map(([label, n]) => [label, charge(n)])));
  refs = await seed(t, {
    w5kg: kg(5),
    w5000g: kg(5000, 'g'),
    w4900g: kg(4900, 'g'),
    w5_4kg: kg(5.4),
    w11lb: kg(11, '[lb_av]'),
    wSnomedKg: quantityObs('29463-7', { value: 5, unit: 'kg', system: 'http://snomed.info/sct', code: '258683005' }),
    glucoseMgDl: quantityObs('2339-0', { value: 100, unit: 'mg/dL', system: UCUM, code: 'mg/dL' }),
    glucoseGL: quantityObs('2339-0', { value: 1, unit: 'g/L', system: UCUM, code: 'g/L' }),
    tempCel: quantityObs('8310-5', { value: 37, unit: '°C', system: UCUM, code: 'Cel' }),
    tempF: quantityObs('8310-5', { value: 98.6, unit: '°F', system: UCUM, code: '[degF]' }),
    pulse: quantityObs('8867-4', { value: 72, unit: '/min', system: UCUM, code: '/min' }),
    unitless: quantityObs('9279-1', { value: 100 }),
    bpNormal: bp(120, 80),
    bpHigh: bp(145, 95),
    vsTriage: { resourceType: 'ValueSet', status: 'active', url: 'http://lots.example/fhir/ValueSet/triage' },
    vsTriageChild: { resourceType: 'ValueSet', status: 'active', url: 'http://lots.example/fhir/ValueSet/triage-child' },
    vsBooking: { resourceType: 'ValueSet', status: 'active', url: 'http://lots.example/fhir/ValueSet/booking/v2' },
    vsOther: { resourceType: 'ValueSet', status: 'active', url: 'urn:oid:1.2.752.129.2.2.3.1' },
    vsNoUrl: { resourceType: 'ValueSet', status: 'draft', name: 'NoUrl' },
  });
});
afterAll(() => t.close());

describe('number: implicit precision and prefixes, by hand', () => {
  it.each([
    ['100 is [99.5, 100.5)', 'factor-override=100', ['n100', 'n100_04', 'n100_4', 'n99_5', 'n99_95']],
    ['100.0 is [99.95, 100.05)', 'factor-override=100.0', ['n100', 'n100_04', 'n99_95']],
    ['100.00 is [99.995, 100.005)', 'factor-override=100.00', ['n100']],
    ['1e2 has one significant figure: [50, 150)', 'factor-override=1e2', ['n100', 'n100_04', 'n100_4', 'n100_5', 'n101', 'n99_4', 'n99_5', 'n99_95']],
    ['gt ignores the precision', 'factor-override=gt100', ['n100_04', 'n100_4', 'n100_5', 'n101']],
    ['ge', 'factor-override=ge100.4', ['n100_4', 'n100_5', 'n101']],
    ['lt on negatives', 'factor-override=lt-9.5', ['nMinus10', 'nMinus11']],
    ['ne', 'factor-override=ne0.1&factor-override=lt1', ['n0', 'nMinus10', 'nMinus11', 'nMinus9_5']],
    ['ap is within 10%', 'factor-override=ap-10', ['nMinus10', 'nMinus11', 'nMinus9_5']],
    ['OR', 'factor-override=0.0,101.0', ['n0', 'n101']],
  ])('%s: %s', async (_what, query, expected) => {
    expect(await matchLabels(t, numbers, `ChargeItem?${query}`)).toEqual(expected);
  });
});

describe('number: the SQL agrees with matchesNumber on every stored value × search value × prefix', () => {
  const oracle = (prefix: Prefix, value: string) =>
    Object.entries(NUMBERS)
      .filter(([, n]) => matchesNumber(prefix, value, String(n)))
      .map(([label]) => label)
      .sort();
  it.each(PREFIXES.flatMap((p) => NUMBER_SEARCHES.map((v) => [p, v] as const)))('%s %s', async (prefix, value) => {
    const query = `ChargeItem?factor-override=${prefix === 'eq' ? '' : prefix}${encodeURIComponent(value)}&_count=100`;
    expect(await matchLabels(t, numbers, query)).toEqual(oracle(prefix, value));
  });
});

describe('quantity', () => {
  it.each([
    ['value only, any unit', 'value-quantity=5', ['w5_4kg', 'w5kg', 'wSnomedKg']],
    ['value|system|code: 5 kg is [4.5, 5.5) kg, in any mass unit', `value-quantity=5|${UCUM}|kg`, ['w11lb', 'w4900g', 'w5000g', 'w5_4kg', 'w5kg']],
    ['5000 g is found by kg (UCUM canonical)', `value-quantity=5.00|${UCUM}|kg`, ['w5000g', 'w5kg']],
    ['and 5 kg by g', `value-quantity=5000|${UCUM}|g`, ['w5000g', 'w5kg']],
    ['value||code', 'value-quantity=5||kg', ['w11lb', 'w4900g', 'w5000g', 'w5_4kg', 'w5kg']],
    ['a non-UCUM system compares on its own code', 'value-quantity=5|http://snomed.info/sct|258683005', ['wSnomedKg']],
    ['gt in canonical units', `value-quantity=gt5|${UCUM}|kg`, ['w5_4kg']],
    ['ge 4.9 kg finds 4900 g', `value-quantity=ge4.9|${UCUM}|kg`, ['w11lb', 'w4900g', 'w5000g', 'w5_4kg', 'w5kg']],
    ['lt 5000 g', `value-quantity=lt5000|${UCUM}|g`, ['w11lb', 'w4900g']],
    ['precision carries through conversion: 5.0 kg is [4950, 5050) g', `value-quantity=5.0|${UCUM}|kg`, ['w11lb', 'w5000g', 'w5kg']],
    ['mg/dL and g/L are the same concentration', `value-quantity=1|${UCUM}|g/L`, ['glucoseGL', 'glucoseMgDl']],
    ['100 mg/dL', `value-quantity=100||mg/dL`, ['glucoseGL', 'glucoseMgDl']],
    ['temperature: 37 Cel equals 98.6 degF', `value-quantity=37|${UCUM}|Cel`, ['tempCel', 'tempF']],
    ['a unit of another dimension matches nothing', `value-quantity=5|${UCUM}|m`, []],
    ['/min', `value-quantity=gt60|${UCUM}|/min`, ['pulse']],
    ['unitless value', 'value-quantity=100', ['glucoseMgDl', 'unitless']],
    ['ap within 10%', `value-quantity=ap5|${UCUM}|kg`, ['w11lb', 'w4900g', 'w5000g', 'w5_4kg', 'w5kg']],
    ['ne', `value-quantity=ne5.0|${UCUM}|kg&code=29463-7`, ['w4900g', 'w5_4kg']],
  ])('%s: %s', async (_what, query, expected) => {
    expect(await matchLabels(t, refs, `Observation?${query}`)).toEqual(expected);
  });
});

describe('composite', () => {
  it.each([
    ['code-value-quantity', `code-value-quantity=${LOINC}|29463-7$gt5|${UCUM}|kg`, ['w5_4kg']],
    ['code-value-quantity in other units', `code-value-quantity=29463-7$5000|${UCUM}|g`, ['w5000g', 'w5kg']],
    ['code-value-quantity, code must match too', `code-value-quantity=${LOINC}|2339-0$5|${UCUM}|kg`, []],
    ['systolic above 130', `component-code-value-quantity=${LOINC}|8480-6$gt130`, ['bpHigh']],
    ['systolic below 130', `component-code-value-quantity=${LOINC}|8480-6$lt130`, ['bpNormal']],
    ['diastolic above 90', `component-code-value-quantity=${LOINC}|8462-4$gt90|${UCUM}|mm[Hg]`, ['bpHigh']],
    ['the value must come from the same component', `component-code-value-quantity=${LOINC}|8480-6$80`, []],
    ['but a diastolic 80 is there', `component-code-value-quantity=${LOINC}|8462-4$80`, ['bpNormal']],
    ['OR of composites', `component-code-value-quantity=${LOINC}|8480-6$lt130,${LOINC}|8462-4$ge95`, ['bpHigh', 'bpNormal']],
    ['AND of composites', `component-code-value-quantity=${LOINC}|8480-6$gt100&component-code-value-quantity=${LOINC}|8462-4$lt90`, ['bpNormal']],
    ['combo matches a component', `combo-code-value-quantity=${LOINC}|8480-6$120`, ['bpNormal']],
    ['combo matches the code and value', `combo-code-value-quantity=${LOINC}|29463-7$5.4|${UCUM}|kg`, ['w5_4kg']],
  ])('%s: %s', async (_what, query, expected) => {
    expect(await matchLabels(t, refs, `Observation?${query}`)).toEqual(expected);
  });
});

describe('uri', () => {
  it.each([
    ['exact', 'url=http://lots.example/fhir/ValueSet/triage', ['vsTriage']],
    ['exact is exact', 'url=http://lots.example/fhir/ValueSet/tri', []],
    ['case-sensitive', 'url=HTTP://lots.example/fhir/ValueSet/triage', []],
    ['urn', 'url=urn:oid:1.2.752.129.2.2.3.1', ['vsOther']],
    [':below', 'url:below=http://lots.example/fhir/ValueSet', ['vsBooking', 'vsTriage', 'vsTriageChild']],
    [':below a leaf', 'url:below=http://lots.example/fhir/ValueSet/booking', ['vsBooking']],
    [':above', 'url:above=http://lots.example/fhir/ValueSet/triage/extra/part', ['vsTriage']],
    [':above a version', 'url:above=http://lots.example/fhir/ValueSet/booking/v2/x', ['vsBooking']],
    [':above needs a prefix', 'url:above=http://lots.example', []],
    [':missing', 'url:missing=true', ['vsNoUrl']],
    ['values are not patterns', 'url:below=http://lots.example/fhir/ValueSet/tri_ge', []],
  ])('%s: %s', async (_what, query, expected) => {
    expect(await matchLabels(t, refs, `ValueSet?${query}`)).toEqual(expected);
  });
});
