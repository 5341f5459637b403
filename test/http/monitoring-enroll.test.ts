import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { monitoringApp, TEMPLATE, type MonitoringApp } from './monitoring-fixtures.js';

let t: MonitoringApp;
beforeAll(async () => {
  t = await monitoringApp();
});
afterAll(() => t.close());

const enrollBody = (template: string, patient: string, unit: string, ...extra: object[]) => ({
  resourceType: 'Parameters',
  parameter: [
    { name: 'template', valueCanonical: TEMPLATE(template) },
    { name: 'patient', valueReference: { reference: `Patient/${patient}` } },
    { name: 'unit', valueReference: { reference: `Organization/${unit}` } },
    ...extra,
  ],
});
const override = (code: string, yellow: [number?, number?], red: [number?, number?], unit: string) => ({
  name: 'override',
  part: [
    { name: 'code', valueCoding: { system: 'http://loinc.org', code } },
    { name: 'yellow', valueRange: { ...(yellow[0] !== undefined ? { low: { value: yellow[0], code: unit } } : {}), ...(yellow[1] !== undefined ? { high: { value: yellow[1], code: unit } } : {}) } },
    { name: 'red', valueRange: { ...(red[0] !== undefined ? { low: { value: red[0], code: unit } } : {}), ...(red[1] !== undefined ? { high: { value: red[1], code: unit } } : {}) } },
  ],
});

describe('CarePlan/$enroll', () => {
  it('stores the CarePlan and one ServiceRequest per measurement with the patient’s limits', async () => {
    const res = await t.request('POST', 'CarePlan/$enroll', {
      token: t.tokens.anna,
      body: enrollBody('monitoring-blood-pressure', 'tolvan', 'vc-centrum', override('8480-6', [100, 135], [85, 170], 'mm[Hg]')),
    });
    expect(res.status).toBe(201);
    const plan = res.body;
    expect(plan).toMatchObject({ resourceType: 'CarePlan', status: 'active', subject: { reference: 'Patient/tolvan' }, author: { reference: 'Organization/vc-centrum' } });
    expect(plan.instantiatesCanonical[0]).toBe(`${TEMPLATE('monitoring-blood-pressure')}|1.0.0`);
    expect(plan.activity).toHaveLength(2);
    const srs = await t.request('GET', `ServiceRequest?based-on=CarePlan/${plan.id}`, { token: t.tokens.anna });
    expect(srs.body.entry).toHaveLength(2);
    const bp = srs.body.entry.map((e: any) => e.resource).find((r: any) => r.code.coding[0].code === '85354-9');
    expect(bp).toMatchObject({ status: 'active', intent: 'plan', requester: { reference: 'PractitionerRole/anna-lind-vc-centrum' }, performer: [{ reference: 'Organization/vc-centrum' }] });
    const systolic = bp.extension.find((e: any) => e.url.endsWith('monitoring-range') && e.extension[0].valueCoding.code === '8480-6');
    expect(systolic.extension.find((e: any) => e.url === 'yellow').valueRange.high.value).toBe(135);
    const diastolic = bp.extension.find((e: any) => e.url.endsWith('monitoring-range') && e.extension[0].valueCoding.code === '8462-4');
    expect(diastolic.extension.find((e: any) => e.url === 'yellow').valueRange.high.value).toBe(90);
    // Tolvan is listed at another unit: the active regime is what lets this unit's staff see her plan.
    expect((await t.request('GET', `CarePlan/${plan.id}`, { token: t.tokens.anna })).status).toBe(200);
    expect((await t.request('GET', `CarePlan/${plan.id}`, { token: t.tokens.tolvan })).status).toBe(200);
  });

  it('refuses an override whose red range lies inside the yellow one, naming the element, and writes nothing', async () => {
    const before = await t.request('GET', 'CarePlan?subject=Patient/sven-oberg&_summary=count');
    const res = await t.request('POST', 'CarePlan/$enroll', {
      token: t.tokens.anna,
      body: enrollBody('monitoring-copd-spo2', 'sven-oberg', 'vc-centrum', override('59408-5', [92], [94], '%')),
    });
    expect(res.status).toBe(422);
    expect(res.body.issue[0].code).toBe('value');
    expect(res.body.issue[0].expression[0]).toMatch(/^ServiceRequest\.extension\[\d\]\.extension\('red'\)$/);
    const after = await t.request('GET', 'CarePlan?subject=Patient/sven-oberg&_summary=count');
    expect(after.body.total).toBe(before.body.total);
    expect((await t.request('GET', 'ServiceRequest?subject=Patient/sven-oberg&_summary=count')).body.total).toBe(0);
  });

  it('refuses staff of another unit, citizens, an unknown template and an override for something not measured', async () => {
    const other = await t.request('POST', 'CarePlan/$enroll', { token: t.tokens.karin, body: enrollBody('monitoring-glucose', 'sven-oberg', 'vc-centrum') });
    expect(other.status).toBe(403);
    expect(other.body.issue[0].code).toBe('forbidden');
    const citizen = await t.request('POST', 'CarePlan/$enroll', { token: t.tokens.sven, body: enrollBody('monitoring-glucose', 'sven-oberg', 'vc-centrum') });
    expect(citizen.status).toBe(403);
    const unknown = await t.request('POST', 'CarePlan/$enroll', { token: t.tokens.anna, body: enrollBody('nope', 'sven-oberg', 'vc-centrum') });
    expect(unknown.status).toBe(422);
    expect(unknown.body.issue[0].expression).toEqual(['template']);
    const wrong = await t.request('POST', 'CarePlan/$enroll', { token: t.tokens.anna, body: enrollBody('monitoring-glucose', 'sven-oberg', 'vc-centrum', override('8480-6', [100, 135], [85, 170], 'mm[Hg]')) });
    expect(wrong.status).toBe(422);
    expect(wrong.body.issue[0].expression).toEqual(['override[0].code']);
    const missing = await t.request('POST', 'CarePlan/$enroll', { token: t.tokens.anna, body: { resourceType: 'Parameters', parameter: [] } });
    expect(missing.status).toBe(400);
    expect(missing.body.issue[0].code).toBe('invalid');
  });
});

describe('PlanDefinition/$apply', () => {
  it('answers the CarePlan enrolment would store, unsaved, with the regimes contained', async () => {
    const res = await t.request('GET', 'PlanDefinition/monitoring-copd-spo2/$apply?subject=Patient/sven-oberg&organization=Organization/vc-centrum', { token: t.tokens.anna });
    expect(res.status).toBe(200);
    expect(res.body.resourceType).toBe('CarePlan');
    expect(res.body.id).toBeUndefined();
    expect(res.body.contained.map((r: any) => r.code.coding[0].code)).toEqual(['59408-5', '8867-4']);
    expect(res.body.activity.map((a: any) => a.reference.reference)).toEqual(['#regime-spo2', '#regime-pulse']);
    expect((await t.request('GET', 'CarePlan?subject=Patient/sven-oberg&_summary=count')).body.total).toBe(0);
  });
});
