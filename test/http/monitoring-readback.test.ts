/**
 * Observation/$lastn and $stats (SQL) against a JS oracle over random measurements.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
interface Made {
  id: string;
  patient: string;
  code: string;
  at: string;
  kg: number;
  unit: string;
  value: number;
}
const made: Made[] = [];
const CODES = ['29463-7', '8867-4', '59408-5'];
const UNIT: Record<string, string[]> = { '29463-7': ['kg', 'g', '[lb_av]'], '8867-4': ['/min'], '59408-5': ['%'] };
const FACTOR: Record<string, number> = { kg: 1, g: 1000, '[lb_av]': 1 / 0.45359237, '/min': 1, '%': 1 };

/** A deterministic pseudo-random sequence, so a failure can be replayed. */
function rng(seed: number): () => number {
  let s = seed;
  return () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
}

beforeAll(async () => {
  t = await createTestApp();
  const random = rng(14);
  const entry: object[] = [];
  for (const p of ['p1', 'p2']) entry.push({ resource: { resourceType: 'Patient', id: p }, request: { method: 'PUT', url: `Patient/${p}` } });
  const base = Date.parse('2026-10-01T00:00:00Z');
  for (let i = 0; i < 160; i++) {
    const patient = random() < 0.75 ? 'p1' : 'p2';
    const code = CODES[Math.floor(random() * CODES.length)]!;
    const units = UNIT[code]!;
    const unit = units[Math.floor(random() * units.length)]!;
    const canonical = code === '29463-7' ? 60 + Math.round(random() * 400) / 10 : code === '8867-4' ? 50 + Math.floor(random() * 60) : 88 + Math.floor(random() * 12);
    const value = Number((canonical * FACTOR[unit]!).toFixed(4));
    // Distinct minutes, so "newest" is never a tie.
    const at = new Date(base + i * 7_919 * 60_000).toISOString();
    const id = `o${i}`;
    made.push({ id, patient, code, at, kg: code === '29463-7' ? value / FACTOR[unit]! : value, unit, value });
    entry.push({
      resource: { resourceType: 'Observation', id, status: 'final', category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] }], code: { coding: [{ system: 'http://loinc.org', code }] }, subject: { reference: `Patient/${patient}` }, effectiveDateTime: at, valueQuantity: { value, system: 'http://unitsofmeasure.org', code: unit, unit } },
      request: { method: 'PUT', url: `Observation/${id}` },
    });
  }
  const res = await t.request('POST', '', { body: { resourceType: 'Bundle', type: 'transaction', entry } });
  if (res.status !== 200) throw new Error(res.text.slice(0, 1000));
  // A deleted value does not count.
  const gone = made.find((m) => m.patient === 'p1' && m.code === '8867-4')!;
  expect((await t.request('DELETE', `Observation/${gone.id}`)).status).toBe(200);
  made.splice(made.indexOf(gone), 1);
}, 120_000);
afterAll(() => t.close());

const newestFirst = (a: Made, b: Made) => b.at.localeCompare(a.at);

describe('Observation/$lastn', () => {
  it('answers the newest max values per code of one patient, as the oracle does', async () => {
    for (const max of [1, 3, 50]) {
      const res = await t.request('GET', `Observation/$lastn?patient=Patient/p1&max=${max}`);
      expect(res.status).toBe(200);
      const expected = CODES.slice()
        .sort()
        .flatMap((code) => made.filter((m) => m.patient === 'p1' && m.code === code).sort(newestFirst).slice(0, max).map((m) => m.id));
      expect(res.body.entry.map((e: any) => e.resource.id)).toEqual(expected);
    }
  });

  it('filters by code and category, and by subject as well as patient', async () => {
    const res = await t.request('GET', 'Observation/$lastn?subject=Patient/p2&code=http://loinc.org|8867-4,59408-5&category=vital-signs&max=2');
    const expected = ['59408-5', '8867-4'].flatMap((code) => made.filter((m) => m.patient === 'p2' && m.code === code).sort(newestFirst).slice(0, 2).map((m) => m.id));
    expect(res.body.entry.map((e: any) => e.resource.id)).toEqual(expected);
    expect((await t.request('GET', 'Observation/$lastn?patient=p2&category=laboratory')).body.entry).toEqual([]);
  });

  it('refuses a call without a patient, or a bad max', async () => {
    const none = await t.request('GET', 'Observation/$lastn?code=8867-4');
    expect(none.status).toBe(400);
    expect(none.body.issue[0].code).toBe('invalid');
    expect((await t.request('GET', 'Observation/$lastn?patient=p1&max=0')).status).toBe(400);
    expect((await t.request('GET', 'Observation/$lastn?patient=p1&colour=red')).body.issue[0].code).toBe('not-supported');
  });
});

describe('Observation/$stats', () => {
  const oracle = (patient: string, code: string, start?: string, end?: string) => {
    const v = made.filter((m) => m.patient === patient && m.code === code && (!start || m.at >= start) && (!end || m.at < end)).map((m) => m.kg);
    return { count: v.length, average: v.reduce((a, b) => a + b, 0) / v.length, minimum: Math.min(...v), maximum: Math.max(...v) };
  };
  const stat = (o: any, s: string) => o.component.find((c: any) => c.code.coding[0].code === s).valueQuantity.value;

  it('gives count, average, min and max per code over a period, in canonical agreement across kg, g and lb', async () => {
    const start = '2026-10-20T00:00:00Z';
    const end = '2026-11-20T00:00:00Z';
    const res = await t.request('GET', `Observation/$stats?patient=Patient/p1&code=http://loinc.org|29463-7,8867-4&period=${start}/${end}`);
    expect(res.status).toBe(200);
    const byCode = Object.fromEntries(res.body.parameter.map((p: any) => [p.resource.code.coding[0].code, p.resource]));
    for (const code of ['29463-7', '8867-4']) {
      const want = oracle('p1', code, start, end);
      const got = byCode[code];
      expect(stat(got, 'count')).toBe(want.count);
      const unit = got.component.find((c: any) => c.code.coding[0].code === 'average').valueQuantity.code;
      const k = code === '29463-7' ? FACTOR[unit]! : 1;
      expect(stat(got, 'average') / k).toBeCloseTo(want.average, 6);
      expect(stat(got, 'minimum') / k).toBeCloseTo(want.minimum, 6);
      expect(stat(got, 'maximum') / k).toBeCloseTo(want.maximum, 6);
    }
  });

  it('answers only the statistics asked for, and nothing for another patient’s codes', async () => {
    const res = await t.request('GET', 'Observation/$stats?patient=p2&code=59408-5&statistic=count,maximum');
    const o = res.body.parameter[0].resource;
    expect(o.component.map((c: any) => c.code.coding[0].code)).toEqual(['count', 'maximum']);
    expect(stat(o, 'count')).toBe(oracle('p2', '59408-5').count);
    expect((await t.request('GET', 'Observation/$stats?patient=nobody&code=59408-5')).body.parameter ?? []).toEqual([]);
    expect((await t.request('GET', 'Observation/$stats?patient=p2&code=59408-5&statistic=median')).status).toBe(400);
  });
});
