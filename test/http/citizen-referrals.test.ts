import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/test-app.js';

/**
 * Issue 19 item 1 (docs/citizen.md): the citizen's care plans and referrals. Patient/[id]/$referrals
 * gives each referral with its status in the citizen's words, derived from the receiving unit's Task;
 * sealed records stay hidden; a guardian of a child under 13 sees the child's.
 */
const PNR = 'http://electronichealth.se/identifier/personnummer';
const REFERRAL = { coding: [{ system: 'http://snomed.info/sct', code: '3457005', display: 'Patient referral' }] };
const SEALED = { system: 'https://lots.example/fhir/CodeSystem/security', code: 'forseglad' };

let t: TestApp;
let anna: string;
let bertil: string;
let guardian: string;

const put = async (r: Record<string, unknown>) => {
  const res = await t.request('PUT', `${r.resourceType}/${r.id}`, { body: r });
  expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
};
const referral = (id: string, patient: string, authored: string, extra: Record<string, unknown> = {}) => ({
  resourceType: 'ServiceRequest',
  id,
  status: 'active',
  intent: 'order',
  category: [REFERRAL],
  code: { text: `Remiss ${id}` },
  subject: { reference: `Patient/${patient}` },
  authoredOn: authored,
  ...extra,
});
const task = (id: string, focus: string, status: string, extra: Record<string, unknown> = {}) => ({
  resourceType: 'Task',
  id,
  status,
  intent: 'order',
  focus: { reference: `ServiceRequest/${focus}` },
  lastModified: '2026-03-02T10:00:00Z',
  ...extra,
});

beforeAll(async () => {
  t = await createTestApp();
  await put({ resourceType: 'Patient', id: 'anna', identifier: [{ system: PNR, value: '195009072553' }], birthDate: '1950-09-07' });
  await put({ resourceType: 'Patient', id: 'bertil', identifier: [{ system: PNR, value: '196101182803' }], birthDate: '1961-01-18' });
  await put({ resourceType: 'Patient', id: 'barn', identifier: [{ system: PNR, value: '202001012380' }], birthDate: '2020-01-01' });
  await put({
    resourceType: 'RelatedPerson',
    id: 'anna-mor',
    patient: { reference: 'Patient/barn' },
    identifier: [{ system: PNR, value: '195009072553' }],
    relationship: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-RoleCode', code: 'MTH' }] }],
  });
  await put(referral('r-sent', 'anna', '2026-03-01'));
  await put(referral('r-received', 'anna', '2026-03-02'));
  await put(task('t-received', 'r-received', 'received'));
  await put(referral('r-assessed', 'anna', '2026-03-03'));
  await put(task('t-assessed', 'r-assessed', 'accepted'));
  await put(referral('r-booked', 'anna', '2026-03-04'));
  await put(task('t-booked', 'r-booked', 'accepted'));
  await put({ resourceType: 'Appointment', id: 'a-booked', status: 'booked', start: '2026-04-01T09:00:00Z', end: '2026-04-01T09:30:00Z', basedOn: [{ reference: 'ServiceRequest/r-booked' }], participant: [{ actor: { reference: 'Patient/anna' }, status: 'accepted' }] });
  await put(referral('r-rejected', 'anna', '2026-03-05'));
  await put(task('t-rejected', 'r-rejected', 'rejected', { statusReason: { text: 'Fel mottagare' } }));
  await put(referral('r-done', 'anna', '2026-03-06', { status: 'completed' }));
  await put(referral('r-sealed', 'anna', '2026-03-07', { meta: { security: [SEALED] } }));
  await put(referral('r-draft', 'anna', '2026-03-08', { status: 'draft' }));
  // A self-monitoring regime is a ServiceRequest but not a referral.
  await put({ resourceType: 'ServiceRequest', id: 'regime', status: 'active', intent: 'order', subject: { reference: 'Patient/anna' }, code: { text: 'Blodtryck' } });
  await put(referral('r-child', 'barn', '2026-02-01'));
  await put({ resourceType: 'Goal', id: 'g1', lifecycleStatus: 'active', description: { text: 'Blodtryck under 140/90' }, subject: { reference: 'Patient/anna' } });
  await put({
    resourceType: 'CarePlan',
    id: 'cp1',
    status: 'active',
    intent: 'plan',
    title: 'Vårdplan hypertoni',
    subject: { reference: 'Patient/anna' },
    goal: [{ reference: 'Goal/g1' }],
    activity: [{ detail: { status: 'in-progress', description: 'Mät blodtrycket varje morgon' } }],
  });
  await put({ resourceType: 'CarePlan', id: 'cp-sealed', status: 'active', intent: 'plan', subject: { reference: 'Patient/anna' }, meta: { security: [SEALED] } });
  anna = await t.citizenToken('195009072553');
  bertil = await t.citizenToken('196101182803');
  guardian = anna;
});
afterAll(() => t.close());

const statuses = (body: any) =>
  Object.fromEntries(
    (body.parameter ?? []).map((p: any) => {
      const part = (n: string) => p.part.find((x: any) => x.name === n);
      return [part('request').resource.id, part('status').valueCoding.code];
    }),
  );

describe('Patient/$referrals', () => {
  it('gives each referral with its status in the citizen’s words, newest first', async () => {
    const res = await t.request('GET', 'Patient/anna/$referrals', { token: anna });
    expect(res.status, res.text).toBe(200);
    expect(statuses(res.body)).toEqual({
      'r-done': 'avslutad',
      'r-rejected': 'avslutad',
      'r-booked': 'tid-bokad',
      'r-assessed': 'bedomd',
      'r-received': 'mottagen',
      'r-sent': 'skickad',
    });
    expect(res.body.parameter.map((p: any) => p.part[0].resource.id)).toEqual(['r-done', 'r-rejected', 'r-booked', 'r-assessed', 'r-received', 'r-sent']);
    const rejected = res.body.parameter.find((p: any) => p.part[0].resource.id === 'r-rejected');
    expect(rejected.part.find((x: any) => x.name === 'reason').valueString).toBe('Fel mottagare');
    const booked = res.body.parameter.find((p: any) => p.part[0].resource.id === 'r-booked');
    expect(booked.part.find((x: any) => x.name === 'status').valueCoding.display).toBe('Tid bokad');
    expect(booked.part.find((x: any) => x.name === 'appointmentStart').valueDateTime).toBe('2026-04-01T09:00:00Z');
  });

  it('follows the unit’s Task as it moves', async () => {
    await put(task('t-sent', 'r-sent', 'received'));
    expect(statuses((await t.request('GET', 'Patient/anna/$referrals', { token: anna })).body)['r-sent']).toBe('mottagen');
    await put(task('t-sent', 'r-sent', 'completed', { lastModified: '2026-03-09T10:00:00Z' }));
    expect(statuses((await t.request('GET', 'Patient/anna/$referrals', { token: anna })).body)['r-sent']).toBe('avslutad');
  });

  it('a guardian sees the referrals of a child under 13', async () => {
    const res = await t.request('GET', 'Patient/barn/$referrals', { token: guardian });
    expect(res.status).toBe(200);
    expect(statuses(res.body)).toEqual({ 'r-child': 'skickad' });
  });

  it('another citizen gets not-found, and unknown parameters are refused', async () => {
    const other = await t.request('GET', 'Patient/anna/$referrals', { token: bertil });
    expect(other.status).toBe(404);
    expect(other.body.issue[0].code).toBe('not-found');
    const bad = await t.request('GET', 'Patient/anna/$referrals?status=active', { token: anna });
    expect(bad.status).toBe(400);
    expect(bad.body.issue[0].code).toBe('not-supported');
  });

  it('plain search finds the referrals too, sealed ones hidden', async () => {
    const res = await t.request('GET', 'ServiceRequest?subject=Patient/anna&category=http://snomed.info/sct|3457005', { token: anna });
    expect(res.status).toBe(200);
    const ids = res.body.entry.map((e: any) => e.resource.id);
    expect(ids).toContain('r-sent');
    expect(ids).not.toContain('r-sealed');
  });
});

describe('care plans', () => {
  it('the citizen reads their care plans with activities and goals; a sealed plan stays hidden', async () => {
    const res = await t.request('GET', 'CarePlan?subject=Patient/anna&_include=CarePlan:goal', { token: anna });
    expect(res.status).toBe(200);
    const byType = (type: string) => res.body.entry.filter((e: any) => e.resource.resourceType === type).map((e: any) => e.resource);
    expect(byType('CarePlan').map((c: any) => c.id)).toEqual(['cp1']);
    expect(byType('CarePlan')[0].activity[0].detail.description).toBe('Mät blodtrycket varje morgon');
    expect(byType('Goal').map((g: any) => g.description.text)).toEqual(['Blodtryck under 140/90']);
  });
});
