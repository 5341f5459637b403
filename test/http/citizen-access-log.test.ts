import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/test-app.js';

/**
 * Issue 19 item 2 (docs/citizen.md): who has read my record. Patient/[id]/$access-log for the citizen
 * (staff by name, role and unit; protected staff without name; system clients as "Systemet"; the
 * citizen's own reads left out; newest first, paged) and AuditEvent/$access-log for a granskare.
 */
const PNR = 'http://electronichealth.se/identifier/personnummer';
const HSA = 'urn:oid:1.2.752.29.4.19';

let t: TestApp;
let anna: string;
let nurse: string;
let hidden: string;
let granskare: string;
const put = async (r: Record<string, unknown>) => {
  const res = await t.request('PUT', `${r.resourceType}/${r.id}`, { body: r });
  expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
};
const parts = (e: any, name: string) => e.part.filter((p: any) => p.name === name);
const one = (e: any, name: string) => {
  const p = parts(e, name)[0];
  return p && (p.valueString ?? p.valueCode ?? p.valueInstant ?? p.valueCoding?.code ?? p.valueReference?.display ?? p.valueReference?.reference);
};
const events = (body: any) => (body.parameter ?? []).filter((p: any) => p.name === 'event');

beforeAll(async () => {
  t = await createTestApp();
  await put({ resourceType: 'Organization', id: 'vc', name: 'Vårdcentralen Centrum' });
  await put({ resourceType: 'Practitioner', id: 'karin', identifier: [{ system: HSA, value: 'SE2321000065-S1' }], name: [{ given: ['Karin'], family: 'Läkare' }] });
  await put({ resourceType: 'Practitioner', id: 'skyddad', identifier: [{ system: HSA, value: 'SE2321000065-S2' }], name: [{ given: ['Hemlig'], family: 'Person' }], meta: { security: [{ system: 'http://hl7.se/fhir/ig/base/CodeSystem/SecurityLabel', code: 'skyddadFolkbokforing' }] } });
  await put({ resourceType: 'Patient', id: 'anna', identifier: [{ system: PNR, value: '195009072553' }], birthDate: '1950-09-07' });
  await put({ resourceType: 'Patient', id: 'bertil', identifier: [{ system: PNR, value: '196101182803' }], birthDate: '1961-01-18' });
  await put({ resourceType: 'EpisodeOfCare', id: 'anna-listed', status: 'active', patient: { reference: 'Patient/anna' }, managingOrganization: { reference: 'Organization/vc' } });
  await put({ resourceType: 'EpisodeOfCare', id: 'bertil-listed', status: 'active', patient: { reference: 'Patient/bertil' }, managingOrganization: { reference: 'Organization/vc' } });
  anna = await t.citizenToken('195009072553');
  nurse = await t.staffToken('SE2321000065-S1', ['vc'], ['nurse']);
  hidden = await t.staffToken('SE2321000065-S2', ['vc'], ['arendehanterare']);
  granskare = await t.staffToken('SE2321000065-S9', ['vc'], ['granskare']);
  await t.deps.audit.flush();
  // The accesses, in order: the nurse, the protected colleague, the citizen herself, a system client.
  expect((await t.request('GET', 'Patient/anna', { token: nurse })).status).toBe(200);
  await new Promise((r) => setTimeout(r, 5));
  expect((await t.request('GET', 'Patient/bertil', { token: nurse })).status).toBe(200);
  expect((await t.request('GET', 'Patient/anna', { token: hidden })).status).toBe(200);
  await new Promise((r) => setTimeout(r, 5));
  expect((await t.request('GET', 'Patient/anna', { token: anna })).status).toBe(200);
  await new Promise((r) => setTimeout(r, 5));
  expect((await t.request('GET', 'Patient/anna')).status).toBe(200);
  await t.deps.audit.flush();
});
afterAll(() => t.close());

describe('Patient/$access-log', () => {
  it('shows staff by name, role and unit, protected staff without name, system clients as the system; not the citizen’s own reads', async () => {
    const res = await t.request('GET', 'Patient/anna/$access-log', { token: anna });
    expect(res.status, res.text).toBe(200);
    const log = events(res.body);
    const who = log.map((e: any) => one(e, 'who'));
    // The setup's writes by a system client come last (oldest).
    expect(who).toEqual(['Systemet', 'Vårdpersonal med skyddade personuppgifter', 'Karin Läkare', 'Systemet', 'Systemet']);
    expect(log.map((e: any) => `${one(e, 'action')} ${one(e, 'recordType')}`)).toEqual(['R Patient', 'R Patient', 'R Patient', 'U EpisodeOfCare', 'U Patient']);
    const karin = log[2];
    expect(one(karin, 'role')).toBe('nurse');
    expect(one(karin, 'unit')).toBe('Vårdcentralen Centrum');
    expect(one(karin, 'purpose')).toBe('TREAT');
    expect(one(karin, 'recordType')).toBe('Patient');
    expect(one(karin, 'action')).toBe('R');
    expect(one(log[1], 'unit')).toBe('Vårdcentralen Centrum');
    const times = log.map((e: any) => one(e, 'when'));
    expect([...times].sort().reverse()).toEqual(times);
  });

  it('pages newest first with next/before', async () => {
    const first = await t.request('GET', 'Patient/anna/$access-log?_count=2', { token: anna });
    expect(events(first.body).map((e: any) => one(e, 'who'))).toEqual(['Systemet', 'Vårdpersonal med skyddade personuppgifter']);
    const next = first.body.parameter.find((p: any) => p.name === 'next').valueInstant;
    const second = await t.request('GET', `Patient/anna/$access-log?_count=2&before=${encodeURIComponent(next)}`, { token: anna });
    expect(events(second.body).map((e: any) => one(e, 'who'))).toEqual(['Karin Läkare', 'Systemet']);
    const third = await t.request('GET', `Patient/anna/$access-log?_count=2&before=${encodeURIComponent(second.body.parameter.find((p: any) => p.name === 'next').valueInstant)}`, { token: anna });
    expect(events(third.body).map((e: any) => one(e, 'who'))).toEqual(['Systemet']);
    expect(third.body.parameter.find((p: any) => p.name === 'next')).toBeUndefined();
  });

  it('another citizen gets not-found; staff are sent to the granskare’s log; bad paging is a 400', async () => {
    expect((await t.request('GET', 'Patient/anna/$access-log', { token: await t.citizenToken('196101182803') })).status).toBe(404);
    const staff = await t.request('GET', 'Patient/anna/$access-log', { token: nurse });
    expect(staff.status).toBe(403);
    expect(staff.body.issue[0].code).toBe('forbidden');
    const bad = await t.request('GET', 'Patient/anna/$access-log?_count=0', { token: anna });
    expect(bad.status).toBe(400);
    expect(bad.body.issue[0].code).toBe('invalid');
  });
});

describe('AuditEvent/$access-log (granskare)', () => {
  it('reads the unit’s log filtered by person and patient, logins included', async () => {
    const byNurse = await t.request('GET', 'AuditEvent/$access-log?person=SE2321000065-S1', { token: granskare });
    expect(byNurse.status, byNurse.text).toBe(200);
    const log = events(byNurse.body);
    expect(log.map((e: any) => `${one(e, 'who')} ${one(e, 'action')} ${one(e, 'interaction')}`)).toEqual(['Karin Läkare R read', 'Karin Läkare R read', 'Karin Läkare E 110122']);
    expect(log.slice(0, 2).map((e: any) => parts(e, 'patient')[0].valueReference.reference)).toEqual(['Patient/bertil', 'Patient/anna']);
    const annaOnly = await t.request('GET', 'AuditEvent/$access-log?patient=anna', { token: granskare });
    expect(events(annaOnly.body).map((e: any) => one(e, 'who'))).toEqual(['Vårdpersonal med skyddade personuppgifter', 'Karin Läkare']);
    const later = await t.request('GET', `AuditEvent/$access-log?from=2999-01-01`, { token: granskare });
    expect(events(later.body)).toEqual([]);
  });

  it('only granskare, only for their own units', async () => {
    const noRole = await t.request('GET', 'AuditEvent/$access-log', { token: nurse });
    expect(noRole.status).toBe(403);
    expect(noRole.body.issue[0].code).toBe('forbidden');
    expect((await t.request('GET', 'AuditEvent/$access-log?unit=other', { token: granskare })).status).toBe(403);
    expect((await t.request('GET', 'AuditEvent/$access-log', { token: anna })).status).toBe(403);
  });
});
