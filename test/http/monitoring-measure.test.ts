import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { monitoringApp, TEMPLATE, type MonitoringApp } from './monitoring-fixtures.js';

let t: MonitoringApp;
beforeAll(async () => {
  t = await monitoringApp();
});
afterAll(() => t.close());

const ADVICE = 'https://lots.example/fhir/StructureDefinition/monitoring-advice';
const COLOUR = 'https://lots.example/fhir/StructureDefinition/monitoring-colour';
const loinc = (code: string) => ({ coding: [{ system: 'http://loinc.org', code }] });
const q = (value: number, code: string) => ({ value, system: 'http://unitsofmeasure.org', code, unit: code });

/** Enrols `patient` at vc-centrum as Anna; the regimes by LOINC code. */
async function enrol(template: string, patient: string): Promise<{ plan: any; regimes: Record<string, string> }> {
  const res = await t.request('POST', 'CarePlan/$enroll', {
    token: t.tokens.anna,
    body: {
      resourceType: 'Parameters',
      parameter: [
        { name: 'template', valueCanonical: TEMPLATE(template) },
        { name: 'patient', valueReference: { reference: `Patient/${patient}` } },
        { name: 'unit', valueReference: { reference: 'Organization/vc-centrum' } },
      ],
    },
  });
  expect(res.status).toBe(201);
  const srs = (await t.request('GET', `ServiceRequest?based-on=CarePlan/${res.body.id}`)).body.entry.map((e: any) => e.resource);
  return { plan: res.body, regimes: Object.fromEntries(srs.map((s: any) => [s.code.coding[0].code, `ServiceRequest/${s.id}`])) };
}

function measurement(patient: string, regime: string | undefined, code: string, value: { valueQuantity?: object; component?: object[] }, at = new Date().toISOString()) {
  return { resourceType: 'Observation', status: 'final', category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] }], code: loinc(code), subject: { reference: `Patient/${patient}` }, effectiveDateTime: at, ...(regime ? { basedOn: [{ reference: regime }] } : {}), ...value };
}
const bp = (sys: number, dia: number) => ({ component: [{ code: loinc('8480-6'), valueQuantity: q(sys, 'mm[Hg]') }, { code: loinc('8462-4'), valueQuantity: q(dia, 'mm[Hg]') }] });
const colour = (o: any) => o.extension?.find((e: any) => e.url === COLOUR)?.valueCode;
const advice = (o: any) => o.extension?.find((e: any) => e.url === ADVICE)?.extension.find((e: any) => e.url === 'text').valueString;
const interp = (o: any) => o.interpretation?.[0]?.coding?.[0]?.code;
const tasksOf = async (regime: string) => (await t.request('GET', `Task?based-on=${regime}`, { token: t.tokens.anna })).body.entry?.map((e: any) => e.resource) ?? [];

describe('measurements against a regime', () => {
  it('blood pressure end to end: green, yellow, red; one Task; advice; acknowledged by the care team', async () => {
    const { regimes } = await enrol('monitoring-blood-pressure', 'tolvan');
    const regime = regimes['85354-9']!;
    const post = (sys: number, dia: number) => t.request('POST', 'Observation', { token: t.tokens.tolvan, body: measurement('tolvan', regime, '85354-9', bp(sys, dia)) });

    const green = await post(125, 80);
    expect(green.status).toBe(201);
    expect(colour(green.body)).toBe('green');
    expect(interp(green.body)).toBe('N');
    expect(green.body.component[0].referenceRange[0].high.value).toBe(140);
    expect(await tasksOf(regime)).toHaveLength(0);

    const yellow = await post(150, 85);
    expect(colour(yellow.body)).toBe('yellow');
    expect(advice(yellow.body)).toMatch(/Ring din vårdcentral i dag/);
    expect(yellow.body.component[0].interpretation[0].coding[0].code).toBe('H');
    let tasks = await tasksOf(regime);
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({ status: 'requested', priority: 'urgent', owner: { reference: 'Organization/vc-centrum' }, focus: { reference: `Observation/${yellow.body.id}` }, for: { reference: 'Patient/tolvan' } });

    const red = await post(190, 85);
    expect(colour(red.body)).toBe('red');
    expect(advice(red.body)).toMatch(/Ring 112/);
    tasks = await tasksOf(regime);
    expect(tasks).toHaveLength(1);
    expect(tasks[0].priority).toBe('asap');
    expect(tasks[0].input.map((i: any) => i.valueReference.reference)).toEqual([`Observation/${yellow.body.id}`, `Observation/${red.body.id}`]);

    // The nurse acknowledges ("kvitterat"); the next deviation opens a new Task; the Observation stays as sent.
    const ack = await t.request('PUT', `Task/${tasks[0].id}`, { token: t.tokens.anna, body: { ...tasks[0], status: 'completed', note: [{ text: 'kvitterat' }] } });
    expect(ack.status).toBe(200);
    expect((await t.request('GET', `Observation/${red.body.id}`, { token: t.tokens.anna })).body.meta.versionId).toBe('1');
    await post(150, 85);
    expect((await tasksOf(regime)).map((x: any) => x.status).sort()).toEqual(['completed', 'requested']);
  });

  it('each other template: a red value makes a Task and gives its advice', async () => {
    for (const [template, patient, code, value] of [
      ['monitoring-glucose', 'sven-oberg', '15074-8', q(2.5, 'mmol/L')],
      ['monitoring-copd-spo2', 'lisa-andersson', '59408-5', q(85, '%')],
    ] as const) {
      const { regimes } = await enrol(template, patient);
      const token = patient === 'sven-oberg' ? t.tokens.sven : t.tokens.lisa;
      const res = await t.request('POST', 'Observation', { token, body: measurement(patient, regimes[code], code, { valueQuantity: value }) });
      expect(res.status).toBe(201);
      expect(colour(res.body)).toBe('red');
      expect(interp(res.body)).toBe('LL');
      expect(advice(res.body)).toMatch(/112/);
      expect(await tasksOf(regimes[code]!)).toHaveLength(1);
    }
  });

  it('weight in heart failure: +2 kg within three days is yellow, a slow gain is not', async () => {
    const { regimes } = await enrol('monitoring-heart-failure-weight', 'olle-andersson');
    const regime = regimes['29463-7']!;
    const day = 86_400_000;
    const base = Date.now() - 10 * day;
    const post = (kg: number, days: number, unit = 'kg') =>
      t.request('POST', 'Observation', { token: t.tokens.lisa, body: measurement('olle-andersson', regime, '29463-7', { valueQuantity: q(kg, unit) }, new Date(base + days * day).toISOString()) });
    expect(colour((await post(40, 0)).body)).toBe('green');
    expect(colour((await post(41, 2)).body)).toBe('green');
    expect(colour((await post(41.8, 4)).body)).toBe('green'); // +1.8 kg since day 0, but only +0.8 within 3 days
    expect(await tasksOf(regime)).toHaveLength(0);
    const jump = await post(97, 6, '[lb_av]'); // 44.0 kg, sent in pounds: +2.2 kg over day 4's 41.8
    expect(jump.status).toBe(201);
    expect(colour(jump.body)).toBe('yellow');
    expect(interp(jump.body)).toBe('A');
    expect(advice(jump.body)).toMatch(/vikt har ökat/);
    expect(await tasksOf(regime)).toHaveLength(1);
  });

  it('converts units, refuses impossible values and unknown units naming the element', async () => {
    const { regimes } = await enrol('monitoring-glucose', 'lisa-andersson');
    const regime = regimes['15074-8']!;
    const mgdl = await t.request('POST', 'Observation', { token: t.tokens.lisa, body: measurement('lisa-andersson', regime, '15074-8', { valueQuantity: q(90, 'mg/dL') }) });
    expect(mgdl.status).toBe(201);
    expect(colour(mgdl.body)).toBe('green');
    expect(mgdl.body.valueQuantity).toMatchObject({ value: 90, code: 'mg/dL' });
    const high = await t.request('POST', 'Observation', { token: t.tokens.lisa, body: measurement('lisa-andersson', regime, '15074-8', { valueQuantity: q(2000, 'mg/dL') }) });
    expect(high.status).toBe(422);
    expect(high.body.issue[0]).toMatchObject({ code: 'value', expression: ['Observation.valueQuantity.value'] });
    const kg = await t.request('POST', 'Observation', { token: t.tokens.lisa, body: measurement('lisa-andersson', regime, '15074-8', { valueQuantity: q(5, 'kg') }) });
    expect(kg.status).toBe(422);
    expect(kg.body.issue[0].expression).toEqual(['Observation.valueQuantity.code']);
    const sys300 = await t.request('POST', 'Observation', { token: t.tokens.lisa, body: measurement('lisa-andersson', undefined, '85354-9', bp(300, 80)) });
    expect(sys300.status).toBe(422);
    expect(sys300.body.issue[0].expression).toEqual(['Observation.component[0].valueQuantity.value']);
  });

  it('stores a device’s repeat of the same measurement once (conditional create on its identifier)', async () => {
    const { regimes } = await enrol('monitoring-copd-spo2', 'olle-andersson');
    const body = { ...measurement('olle-andersson', regimes['59408-5'], '59408-5', { valueQuantity: q(90, '%') }), identifier: [{ system: 'urn:oid:1.2.3.4.99', value: 'reading-42' }] };
    const headers = { 'if-none-exist': 'identifier=urn:oid:1.2.3.4.99|reading-42' };
    const first = await t.request('POST', 'Observation', { token: t.tokens.lisa, body, headers });
    const again = await t.request('POST', 'Observation', { token: t.tokens.lisa, body, headers });
    expect(first.status, first.text).toBe(201);
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    const tasks = await tasksOf(regimes['59408-5']!);
    expect(tasks).toHaveLength(1);
    expect(tasks[0].input).toHaveLength(1);
  });

  it('refuses a value for another patient’s regime; stores one without a regime without alerting; an ended plan stops alerts', async () => {
    const { plan, regimes } = await enrol('monitoring-glucose', 'olle-andersson');
    const regime = regimes['15074-8']!;
    const other = await t.request('POST', 'Observation', { body: measurement('sven-oberg', regime, '15074-8', { valueQuantity: q(2, 'mmol/L') }) });
    expect(other.status).toBe(422);
    expect(other.body.issue[0]).toMatchObject({ code: 'business-rule', expression: ['Observation.basedOn[0]'] });
    const none = await t.request('POST', 'Observation', { token: t.tokens.sven, body: measurement('sven-oberg', undefined, '15074-8', { valueQuantity: q(2, 'mmol/L') }) });
    expect(none.status).toBe(201);
    expect(colour(none.body)).toBeUndefined();
    const ended = await t.request('PUT', `CarePlan/${plan.id}`, { token: t.tokens.anna, body: { ...plan, status: 'completed' } });
    expect(ended.status).toBe(200);
    const after = await t.request('POST', 'Observation', { token: t.tokens.lisa, body: measurement('olle-andersson', regime, '15074-8', { valueQuantity: q(2, 'mmol/L') }) });
    expect(after.status).toBe(201);
    expect(colour(after.body)).toBeUndefined();
    expect(await tasksOf(regime)).toHaveLength(0);
  });

  it('lets only the patient, a guardian of a child under 13 and the unit’s staff in', async () => {
    const { regimes } = await enrol('monitoring-copd-spo2', 'sven-oberg');
    const body = measurement('sven-oberg', regimes['59408-5'], '59408-5', { valueQuantity: q(97, '%') });
    const r1 = await t.request('POST', 'Observation', { token: t.tokens.lisa, body }); expect(r1.status, r1.text).toBe(403);
    const own = await t.request('POST', 'Observation', { token: t.tokens.sven, body });
    expect(own.status).toBe(201);
    expect((await t.request('GET', `Observation/${own.body.id}`, { token: t.tokens.anna })).status).toBe(200);
    expect((await t.request('GET', `Observation/${own.body.id}`, { token: t.tokens.karin })).status).toBe(404);
    expect((await t.request('GET', `Observation/${own.body.id}`, { token: t.tokens.lisa })).status).toBe(404);
    // Karin's unit does not follow Sven: she may not report to or change his regime.
    expect((await t.request('POST', 'Observation', { token: t.tokens.karin, body })).status).toBe(403);
    // Only the care team changes the limits: the patient may read his regime, not write it.
    const regime = (await t.request('GET', regimes['59408-5']!, { token: t.tokens.sven })).body;
    expect((await t.request('PUT', regimes['59408-5']!, { token: t.tokens.sven, body: { ...regime, note: [{ text: 'Mina egna gränser' }] } })).status).toBe(403);
    expect((await t.request('PUT', regimes['59408-5']!, { token: t.tokens.karin, body: regime })).status).toBe(403);
    const changed = await t.request('PUT', regimes['59408-5']!, { token: t.tokens.anna, body: { ...regime, note: [{ text: 'Gränser ses över' }] }, headers: { 'if-match': `W/"${regime.meta.versionId}"` } });
    expect(changed.status).toBe(200);
    const history = await t.request('GET', `${regimes['59408-5']}/_history`, { token: t.tokens.anna });
    expect(history.body.entry).toHaveLength(2);
  });
});

describe('missing measurements', () => {
  it('creates one Task per missed day for the unit, none for a measured day, and nothing twice', async () => {
    const { plan, regimes } = await enrol('monitoring-glucose', 'tolvan');
    const regime = regimes['15074-8']!;
    const day = 86_400_000;
    // Enrolled five days ago (backdated by the system, as a migration from another system would).
    const start = new Date(Date.now() - 5 * day).toISOString();
    expect((await t.request('PUT', `CarePlan/${plan.id}`, { body: { ...plan, period: { start } } })).status).toBe(200);
    const measuredAt = new Date(Date.now() - 3 * day).toISOString();
    expect((await t.request('POST', 'Observation', { token: t.tokens.tolvan, body: measurement('tolvan', regime, '15074-8', { valueQuantity: q(6, 'mmol/L') }, measuredAt) })).status).toBe(201);

    expect((await t.request('POST', 'ServiceRequest/$check-missing', { token: t.tokens.anna, body: { resourceType: 'Parameters' } })).status).toBe(403);
    const run = await t.request('POST', 'ServiceRequest/$check-missing', { body: { resourceType: 'Parameters' } });
    expect(run.status).toBe(200);
    const created = run.body.entry.map((e: any) => e.resource).filter((x: any) => x.basedOn[0].reference === regime);
    expect(created.length).toBeGreaterThanOrEqual(2);
    expect(created.length).toBeLessThanOrEqual(4);
    for (const task of created) {
      expect(task).toMatchObject({ status: 'requested', code: { coding: [{ code: 'missing-measurement' }] }, owner: { reference: 'Organization/vc-centrum' }, for: { reference: 'Patient/tolvan' } });
      const { start: s, end: e } = task.restriction.period;
      expect(measuredAt >= s && measuredAt < e).toBe(false);
    }
    expect(new Set(created.map((x: any) => x.identifier[0].value)).size).toBe(created.length);
    const again = await t.request('POST', 'ServiceRequest/$check-missing', { body: { resourceType: 'Parameters' } });
    expect(again.body.entry ?? []).toEqual([]);
    // The care team finds them in its worklist.
    const worklist = await t.request('GET', `Task?owner=Organization/vc-centrum&code=missing-measurement&status=requested&patient=Patient/tolvan`, { token: t.tokens.anna });
    expect(worklist.body.entry).toHaveLength(created.length);
  });
});

describe('Observation/$chart', () => {
  /** The attributes of every `<tag …>` in the SVG. */
  const elements = (svg: string, tag: string) =>
    [...svg.matchAll(new RegExp(`<${tag}\\b([^>]*)>`, 'g'))].map((m) => Object.fromEntries([...m[1]!.matchAll(/([\w-]+)="([^"]*)"/g)].map((a) => [a[1], a[2]])));

  it('draws the values as linked points over the patient’s shaded yellow and red bands', async () => {
    const { regimes } = await enrol('monitoring-blood-pressure', 'sven-oberg');
    const regime = regimes['85354-9']!;
    const ids: string[] = [];
    for (const [sys, at] of [[125, '2026-11-02T07:00:00Z'], [150, '2026-11-03T07:00:00Z'], [190, '2026-11-04T07:00:00Z']] as const) {
      const res = await t.request('POST', 'Observation', { token: t.tokens.sven, body: measurement('sven-oberg', regime, '85354-9', bp(sys, 80), at) });
      ids.push(res.body.id);
    }
    const res = await t.request('GET', 'Observation/$chart?patient=Patient/sven-oberg&code=http://loinc.org|8480-6&start=2026-11-01T00:00:00Z&end=2026-11-06T00:00:00Z', { token: t.tokens.anna, headers: { accept: 'image/svg+xml' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    const svg = res.text;
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    const points = elements(svg, 'circle');
    expect(points.map((p) => [p['data-id'], Number(p['data-value'])])).toEqual([[ids[0], 125], [ids[1], 150], [ids[2], 190]]);
    expect(elements(svg, 'a').map((a) => a.href)).toEqual(ids.map((id) => `http://localhost:8080/fhir/Observation/${id}`));
    // Higher values are drawn higher.
    expect(Number(points[2]!.cy)).toBeLessThan(Number(points[0]!.cy));
    const bands = (cls: string) => elements(svg, 'rect').filter((r) => r.class === cls).map((r) => [Number(r['data-from']), Number(r['data-to'])]);
    expect(bands('band-red').map(([, to]) => to).slice(0, 1)).toEqual([80]);
    expect(bands('band-red')[1]![0]).toBe(180);
    expect(bands('band-yellow')).toEqual([[80, 90], [140, 180]]);
    // Swedish time on the axis: 07:00Z in November is 08:00 in Sweden.
    expect(svg).toContain('2026-11-02 08:00: 125 mm[Hg]');
    expect(svg).toContain('Svensk tid');
  });

  it('answers errors as OperationOutcomes, and hides another unit’s patient', async () => {
    const bad = await t.request('GET', 'Observation/$chart?patient=Patient/sven-oberg&code=8480-6&start=2026-11-06&end=2026-11-01', { headers: { accept: 'image/svg+xml' } });
    expect(bad.status).toBe(400);
    expect(bad.body.issue[0].code).toBe('invalid');
    const other = await t.request('GET', 'Observation/$chart?patient=Patient/sven-oberg&code=8480-6&start=2026-11-01&end=2026-11-06', { token: t.tokens.karin, headers: { accept: 'image/svg+xml' } });
    expect(other.status).toBe(200);
    expect(elements(other.text, 'circle')).toEqual([]);
    expect((await t.request('GET', 'Patient/sven-oberg', { headers: { accept: 'image/svg+xml' } })).status).toBe(406);
  });
});
