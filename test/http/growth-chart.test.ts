import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { swedishDate } from '../../src/auth/age.js';
import { luhnCheckDigit } from '../../src/fhir/identifiers/personnummer.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

/**
 * Patient/[id]/$growth-chart (issue 15, docs/growth.md) on the real app: SD scores from the shipped WHO
 * tables, latest per Swedish day, BMI computed, units converted or refused, the age-range edges, who
 * may see a child's chart, the SVG, and the search the SMART growth-chart app makes.
 */
const PNR = 'http://electronichealth.se/identifier/personnummer';
const LOINC = 'http://loinc.org';
const region = JSON.parse(readFileSync(new URL('../../seed/10-region.json', import.meta.url), 'utf8'));
const growthDemo = JSON.parse(readFileSync(new URL('../../seed/50-growth.json', import.meta.url), 'utf8'));

let t: TestApp;
const tokens: Record<string, string> = {};

function pnrFor(date: string, serial = '238'): string {
  const nine = `${date.slice(2, 4)}${date.slice(5, 7)}${date.slice(8, 10)}${serial}`;
  return `${date.slice(0, 4)}${date.slice(5, 7)}${date.slice(8, 10)}${serial}${luhnCheckDigit(nine)}`;
}
function addDays(date: string, days: number): string {
  const d = new Date(`${date}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}
function yearsBefore(date: string, years: number, days = 0): string {
  const d = new Date(`${date}T12:00:00Z`);
  d.setUTCFullYear(d.getUTCFullYear() - years);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

const obs = (id: string, patient: string, code: string, value: number, unit: string, effective: string) => ({
  resourceType: 'Observation',
  id,
  status: 'final',
  category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] }],
  code: { coding: [{ system: LOINC, code }] },
  subject: { reference: `Patient/${patient}` },
  effectiveDateTime: effective,
  valueQuantity: { value, unit, system: 'http://unitsofmeasure.org', code: unit },
});
const put = async (r: { resourceType: string; id: string }) => {
  const res = await t.request('PUT', `${r.resourceType}/${r.id}`, { body: r });
  expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
};
const child = (id: string, birthDate: string, gender: string, extra: Record<string, unknown> = {}) => ({
  resourceType: 'Patient',
  id,
  birthDate,
  gender,
  identifier: [{ system: PNR, value: pnrFor(birthDate) }],
  ...extra,
});

const GIRL = '2019-03-10';
const BOY = '2015-06-01';

beforeAll(async () => {
  t = await createTestApp();
  expect((await t.request('POST', '', { body: region })).status).toBe(200);
  expect((await t.request('POST', '', { body: growthDemo })).status).toBe(200);
  await put(child('ebba', GIRL, 'female'));
  // Ebba is listed at vc-centrum (its child health care): an active EpisodeOfCare managed by the unit.
  await put({ resourceType: 'EpisodeOfCare', id: 'ebba-listed', status: 'active', patient: { reference: 'Patient/ebba' }, managingOrganization: { reference: 'Organization/vc-centrum' } } as { resourceType: string; id: string });
  await put(child('axel', BOY, 'male'));
  // WHO anthro's own test case: girl, 1522 days, 17 kg -> 0.24.
  await put(obs('w-1522', 'ebba', '29463-7', 17, 'kg', `${addDays(GIRL, 1522)}T10:00:00+01:00`));
  // Day 300 (in January): three weights on one Swedish day, the first at 00:30 Swedish time (23:30 UTC the day before).
  const d300 = addDays(GIRL, 300);
  await put(obs('w-300-night', 'ebba', '29463-7', 8.1, 'kg', `${addDays(d300, -1)}T23:30:00Z`));
  await put(obs('w-300-evening', 'ebba', '29463-7', 8400, 'g', `${d300}T18:00:00+01:00`));
  await put(obs('w-300-morning', 'ebba', '29463-7', 8.2, 'kg', `${d300}T08:00:00+01:00`));
  // Day 400: weight and length, no BMI recorded: BMI is computed. Length in mm.
  const d400 = addDays(GIRL, 400);
  await put(obs('w-400', 'ebba', '29463-7', 9.0, 'kg', `${d400}T09:00:00+02:00`));
  await put(obs('l-400', 'ebba', '8306-3', 745, 'mm', `${d400}T09:05:00+02:00`));
  // Day 401: a recorded BMI, and weight and length too: the recorded one is shown.
  const d401 = addDays(GIRL, 401);
  await put(obs('w-401', 'ebba', '29463-7', 9.0, 'kg', `${d401}T09:00:00+02:00`));
  await put(obs('l-401', 'ebba', '8302-2', 74.5, 'cm', `${d401}T09:00:00+02:00`));
  await put(obs('b-401', 'ebba', '39156-5', 16.1, 'kg/m2', `${d401}T09:10:00+02:00`));
  // Head circumference with the code common apps send, in inches.
  await put(obs('hc-183', 'ebba', '8287-5', 16.5, '[in_i]', `${addDays(GIRL, 183)}T09:00:00+01:00`));
  // Axel: the hand-off between WHO 2006 and 2007, and the end of the 2007 reference.
  for (const [id, day, cm] of [['h-1826', 1826, 110], ['h-1827', 1827, 110], ['h-6939', 6939, 180], ['h-6940', 6940, 180]] as const) {
    await put(obs(id, 'axel', '8302-2', cm, 'cm', addDays(BOY, day)));
  }
  // Guardian access on the 13th birthday: Lisa is the father of both.
  const today = swedishDate(new Date());
  const rp = (id: string, patient: string) => ({
    resourceType: 'RelatedPerson',
    id,
    patient: { reference: `Patient/${patient}` },
    identifier: [{ system: PNR, value: '196101182803' }],
    relationship: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-RoleCode', code: 'FTH' }] }],
  });
  await put(child('born-13-today', yearsBefore(today, 13), 'female'));
  await put(child('turns-13-tomorrow', yearsBefore(today, 13, 1), 'female'));
  await put(rp('lisa-for-birthday', 'born-13-today'));
  await put(rp('lisa-for-tomorrow', 'turns-13-tomorrow'));
  for (const p of ['born-13-today', 'turns-13-tomorrow']) await put(obs(`h-${p}`, p, '8302-2', 150, 'cm', yearsBefore(today, 1)));
  tokens.lisa = await t.citizenToken('196101182803');
  tokens.centrum = await t.staffToken('SE2321000065-P000000000202', ['Organization/vc-centrum'], ['nurse']);
  tokens.ljungby = await t.staffToken('SE2321000065-P000000000299', ['Organization/vc-ljungby'], ['arendemottagare']);
}, 120_000);
afterAll(() => t.close());

type Part = { name: string; [k: string]: unknown; part?: Part[] };
const parts = (body: { parameter: Part[] }, name: string) => body.parameter.filter((p) => p.name === name);
const field = (p: Part, name: string) => {
  const f = p.part!.find((x) => x.name === name);
  if (!f) return undefined;
  const key = Object.keys(f).find((k) => k.startsWith('value'));
  return key ? f[key] : f;
};
const points = (body: { parameter: Part[] }) => parts(body, 'point');
const pointOn = (body: { parameter: Part[] }, date: string) => points(body).find((p) => field(p, 'date') === date)!;
const chart = (patient: string, query: string, init: { token?: string; headers?: Record<string, string> } = {}) =>
  t.request('GET', `Patient/${patient}/$growth-chart?${query}`, init);

describe('SD scores', () => {
  it('weight-for-age, girl, 1522 days, 17 kg: SD 0.24 against WHO 2006, with the Observation', async () => {
    const res = await chart('ebba', 'measure=weight');
    expect(res.status).toBe(200);
    expect(res.body.resourceType).toBe('Parameters');
    const p = pointOn(res.body, addDays(GIRL, 1522));
    expect(field(p, 'ageDays')).toBe(1522);
    expect(field(p, 'sdScore')).toBe(0.24);
    expect(field(p, 'percentile')).toBeCloseTo(59.5, 0);
    expect(field(p, 'reference')).toBe('who-2006');
    expect(field(p, 'observation')).toEqual({ reference: 'Observation/w-1522' });
    expect(field(parts(res.body, 'reference')[0]!, 'id')).toBe('who-2006');
  });

  it('draws the −3…+3 SD curves over the span', async () => {
    const res = await chart('ebba', 'measure=weight');
    const curves = parts(res.body, 'curve');
    expect(curves.map((c) => field(c, 'sd'))).toEqual([-3, -2, -1, 0, 1, 2, 3]);
    const median = curves[3]!.part!.filter((p) => p.name === 'point');
    expect(median.length).toBeGreaterThan(50);
    // Girl, day 0: median 3.2322 kg (weianthro.txt).
    expect(field(median[0]!, 'value')).toBeCloseTo(3.232, 3);
  });
});

describe('latest per day', () => {
  it('shows only the latest of a Swedish day’s values (00:30 Swedish time belongs to that day)', async () => {
    const res = await chart('ebba', 'measure=weight');
    const day = addDays(GIRL, 300);
    const onDay = points(res.body).filter((p) => field(p, 'date') === day);
    expect(onDay).toHaveLength(1);
    expect(field(onDay[0]!, 'observation')).toEqual({ reference: 'Observation/w-300-evening' });
    expect(field(onDay[0]!, 'value')).toMatchObject({ value: 8.4, code: 'kg' }); // 8400 g converted
    expect(points(res.body).some((p) => field(p, 'date') === addDays(GIRL, 299))).toBe(false);
  });
});

describe('BMI', () => {
  it('is computed from the same day’s weight and length when none is recorded, and marked so', async () => {
    const res = await chart('ebba', 'measure=bmi');
    const p = pointOn(res.body, addDays(GIRL, 400));
    expect(field(p, 'computed')).toBe(true);
    expect((field(p, 'value') as { value: number }).value).toBeCloseTo(9 / 0.745 ** 2, 2);
    const refs = p.part!.filter((x) => x.name === 'observation').map((x) => (x.valueReference as { reference: string }).reference);
    expect(refs.sort()).toEqual(['Observation/l-400', 'Observation/w-400']);
    expect(field(p, 'sdScore')).toBeTypeOf('number');
  });

  it('uses a recorded BMI when there is one that day', async () => {
    const res = await chart('ebba', 'measure=bmi');
    const onDay = points(res.body).filter((p) => field(p, 'date') === addDays(GIRL, 401));
    expect(onDay).toHaveLength(1);
    expect(field(onDay[0]!, 'computed')).toBeUndefined();
    expect(field(onDay[0]!, 'observation')).toEqual({ reference: 'Observation/b-401' });
  });
});

describe('units', () => {
  it('converts inches and millimetres to cm (head circumference sent as 8287-5)', async () => {
    const hc = await chart('ebba', 'measure=head-circumference');
    expect((field(pointOn(hc.body, addDays(GIRL, 183)), 'value') as { value: number }).value).toBeCloseTo(41.91, 2);
    const h = await chart('ebba', 'measure=height');
    expect(field(pointOn(h.body, addDays(GIRL, 400)), 'value')).toMatchObject({ value: 74.5, code: 'cm' });
  });

  it('refuses a weight that is not a mass and a length that is not a length (422)', async () => {
    const weight = await t.request('POST', 'Observation', { body: { ...obs('x', 'ebba', '29463-7', 10, 'cm', '2020-01-01'), id: undefined } });
    expect(weight.status).toBe(422);
    expect(weight.body.issue.map((i: { code: string }) => i.code)).toContain('value');
    const head = await t.request('POST', 'Observation', { body: { ...obs('x', 'ebba', '9843-4', 40, 's', '2020-01-01'), id: undefined } });
    expect(head.status).toBe(422);
    expect(head.body.issue.map((i: { code: string }) => i.code)).toContain('value');
  });
});

describe('age-range edges', () => {
  it('day 1826 is scored by WHO 2006, day 1827 by WHO 2007; after month 228 no score, with the reason', async () => {
    const res = await chart('axel', 'measure=height');
    expect(res.status).toBe(200);
    expect(field(pointOn(res.body, addDays(BOY, 1826)), 'reference')).toBe('who-2006');
    expect(field(pointOn(res.body, addDays(BOY, 1827)), 'reference')).toBe('who-2007');
    expect(field(pointOn(res.body, addDays(BOY, 6939)), 'sdScore')).toBeTypeOf('number');
    const after = pointOn(res.body, addDays(BOY, 6940));
    expect(field(after, 'sdScore')).toBeUndefined();
    expect(field(after, 'note')).toMatch(/outside the references/);
    expect(parts(res.body, 'reference').map((r) => field(r, 'id'))).toEqual(['who-2006', 'who-2007']);
  });

  it('from/to narrow the span, and reference picks one configured reference', async () => {
    const res = await chart('axel', 'measure=height&from=5y&to=10y&reference=who-2007');
    expect(parts(res.body, 'fromDays')[0]!.valueInteger).toBe(1826); // 5 × 365.25 days
    expect(parts(res.body, 'toDays')[0]!.valueInteger).toBe(3653);
    // Day 1826 is inside the span but before WHO 2007 starts (60 months): listed, without a score.
    expect(points(res.body).map((p) => [field(p, 'ageDays'), field(p, 'reference')])).toEqual([[1826, undefined], [1827, 'who-2007']]);
    expect(parts(res.body, 'reference').map((r) => field(r, 'id'))).toEqual(['who-2007']);
  });

  it('answers 400 for an unknown measure or reference, and for a bad age', async () => {
    for (const q of ['measure=length', 'measure=weight&reference=gbg-74', 'measure=weight&from=two', '']) {
      const res = await chart('axel', q);
      expect(res.status, q).toBe(400);
      expect(res.body.issue[0].code).toBe('invalid');
    }
  });
});

describe('access', () => {
  it('a guardian sees the demo child’s chart (seed/50-growth.json: Olle, 14 visits from birth to 9 years)', async () => {
    const res = await chart('olle-andersson', 'measure=height', { token: tokens.lisa! });
    expect(res.status).toBe(200);
    expect(points(res.body)).toHaveLength(14);
    expect(points(res.body).every((p) => typeof field(p, 'sdScore') === 'number')).toBe(true);
  });

  it('a guardian sees the chart of a child who is 12, not on the 13th birthday', async () => {
    expect((await chart('turns-13-tomorrow', 'measure=height', { token: tokens.lisa! })).status).toBe(200);
    expect((await chart('born-13-today', 'measure=height', { token: tokens.lisa! })).status).toBe(404);
  });

  it('staff of the child’s unit see it; staff of another unit do not', async () => {
    const res = await chart('ebba', 'measure=weight', { token: tokens.centrum! });
    expect(res.status).toBe(200);
    expect(points(res.body).length).toBeGreaterThan(0);
    expect((await chart('ebba', 'measure=weight', { token: tokens.ljungby! })).status).toBe(404);
  });
});

describe('SVG', () => {
  it('answers Accept: image/svg+xml with the drawn chart, in Swedish', async () => {
    const res = await chart('ebba', 'measure=weight', { headers: { accept: 'image/svg+xml' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    expect(res.text).toMatch(/^<svg /);
    expect(res.text).toContain('Vikt (kg), flicka');
    expect(res.text).toContain('Ålder (år)');
  });

  it('answers JSON when the Accept header prefers it (q-values)', async () => {
    const res = await chart('ebba', 'measure=weight', { headers: { accept: 'image/svg+xml;q=0.5, application/fhir+json' } });
    expect(res.status).toBe(200);
    expect(res.body.resourceType).toBe('Parameters');
  });

  it('other interactions still answer 406 to an SVG-only Accept', async () => {
    const res = await t.request('GET', 'Patient/ebba', { headers: { accept: 'image/svg+xml' } });
    expect(res.status).toBe(406);
  });
});

describe('the SMART growth-chart app’s query', () => {
  it('Observation?patient=…&code=…&_count=100, following next, returns every measurement', async () => {
    const codes = ['29463-7', '8302-2', '8306-3', '9843-4', '8287-5', '39156-5'].map((c) => `${LOINC}|${c}`).join(',');
    let url: string | undefined = `Observation?patient=ebba&code=${encodeURIComponent(codes)}&_count=100`;
    const ids: string[] = [];
    while (url) {
      const res = await t.request('GET', url);
      expect(res.status).toBe(200);
      ids.push(...(res.body.entry ?? []).map((e: { resource: { id: string } }) => e.resource.id));
      url = res.body.link?.find((l: { relation: string }) => l.relation === 'next')?.url;
    }
    expect(ids.sort()).toEqual(['b-401', 'hc-183', 'l-400', 'l-401', 'w-1522', 'w-300-evening', 'w-300-morning', 'w-300-night', 'w-400', 'w-401']);
  });
});
