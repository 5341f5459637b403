import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { swedishDate } from '../../src/auth/age.js';
import { luhnCheckDigit } from '../../src/fhir/identifiers/personnummer.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

/**
 * Issue 19 items 3 and 4 (docs/citizen.md): Patient/$contact-settings (PU-tjänsten) and
 * Patient/$donation (Donationsregistret) on the real app: the paper-letter rule, one active Consent
 * with history kept, the shared details on the Patient, staff kept out, and the age limit at 15.
 */
const PNR = 'http://electronichealth.se/identifier/personnummer';
const today = swedishDate(new Date());
const yearsAgo = (years: number, days = 0) => {
  const d = new Date(`${today}T12:00:00Z`);
  d.setUTCFullYear(d.getUTCFullYear() - years);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
};
const pnrFor = (date: string, serial = '238') => {
  const nine = `${date.slice(2, 4)}${date.slice(5, 7)}${date.slice(8, 10)}${serial}`;
  return `${date.replaceAll('-', '')}${serial}${luhnCheckDigit(nine)}`;
};

let t: TestApp;
let anna: string;
let staff: string;
const put = async (r: Record<string, unknown>) => {
  const res = await t.request('PUT', `${r.resourceType}/${r.id}`, { body: r });
  expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
};
const params = (o: Record<string, unknown>) => ({
  resourceType: 'Parameters',
  parameter: Object.entries(o).map(([name, v]) => (typeof v === 'boolean' ? { name, valueBoolean: v } : name === 'notifications' || name === 'choice' ? { name, valueCode: v } : { name, valueString: v })),
});
const value = (body: any, name: string) => {
  const p = body.parameter?.find((x: any) => x.name === name);
  return p && (p.valueBoolean ?? p.valueCode ?? p.valueCoding?.code ?? p.valueDateTime);
};

beforeAll(async () => {
  t = await createTestApp();
  await put({ resourceType: 'Organization', id: 'vc', name: 'Vårdcentralen' });
  await put({ resourceType: 'Patient', id: 'anna', identifier: [{ system: PNR, value: '195009072553' }], birthDate: '1950-09-07' });
  await put({ resourceType: 'EpisodeOfCare', id: 'anna-listed', status: 'active', patient: { reference: 'Patient/anna' }, managingOrganization: { reference: 'Organization/vc' } });
  // A Consent staff may see (treatment), beside the citizen's private settings.
  await put({ resourceType: 'Consent', id: 'anna-treatment', status: 'active', scope: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'treatment' }] }, category: [{ coding: [{ system: 'http://loinc.org', code: '59284-0' }] }], patient: { reference: 'Patient/anna' }, policyRule: { text: 'Behandling' } });
  await put({ resourceType: 'Patient', id: 'barn', identifier: [{ system: PNR, value: '202001012380' }], birthDate: '2020-01-01' });
  await put({
    resourceType: 'RelatedPerson',
    id: 'anna-mor',
    patient: { reference: 'Patient/barn' },
    identifier: [{ system: PNR, value: '195009072553' }],
    relationship: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-RoleCode', code: 'MTH' }] }],
  });
  await put({ resourceType: 'Patient', id: 'fifteen', identifier: [{ system: PNR, value: pnrFor(yearsAgo(15)) }], birthDate: yearsAgo(15) });
  await put({ resourceType: 'Patient', id: 'almost', identifier: [{ system: PNR, value: pnrFor(yearsAgo(15, 1)) }], birthDate: yearsAgo(15, 1) });
  anna = await t.citizenToken('195009072553');
  staff = await t.staffToken('SE2321000065-S1', ['vc'], ['arendemottagare', 'administrator']);
});
afterAll(() => t.close());

describe('Patient/$contact-settings', () => {
  it('starts with nothing shared, no notifications and paper letters', async () => {
    const res = await t.request('GET', 'Patient/anna/$contact-settings', { token: anna });
    expect(res.status, res.text).toBe(200);
    expect([value(res.body, 'shareMobile'), value(res.body, 'shareEmail'), value(res.body, 'notifications'), value(res.body, 'paperLetters')]).toEqual([false, false, 'none', true]);
  });

  it('paper letters go off only with both notifications and both details shared', async () => {
    const half = await t.request('POST', 'Patient/anna/$contact-settings', { token: anna, body: params({ shareMobile: true, shareEmail: true, notifications: 'sms', paperLetters: false, mobile: '070-123 45 67', email: 'anna@example.se' }) });
    expect(half.status).toBe(422);
    expect(half.body.issue[0].code).toBe('business-rule');
    const full = await t.request('POST', 'Patient/anna/$contact-settings', { token: anna, body: params({ shareMobile: true, shareEmail: true, notifications: 'both', paperLetters: false, mobile: '070-123 45 67', email: 'anna@example.se' }) });
    expect(full.status, full.text).toBe(200);
    const read = await t.request('GET', 'Patient/anna/$contact-settings', { token: anna });
    expect([value(read.body, 'notifications'), value(read.body, 'paperLetters')]).toEqual(['both', false]);
    const patient = await t.request('GET', 'Patient/anna');
    expect(patient.body.telecom).toEqual([{ system: 'phone', use: 'mobile', value: '070-123 45 67' }, { system: 'email', value: 'anna@example.se' }]);
  });

  it('a change keeps one active Consent and the earlier ones as history; unsharing removes the detail', async () => {
    const res = await t.request('POST', 'Patient/anna/$contact-settings', { token: anna, body: params({ shareMobile: true, shareEmail: false, notifications: 'sms' }) });
    expect(res.status, res.text).toBe(200);
    const consents = await t.request('GET', 'Consent?patient=Patient/anna&category=https://lots.example/fhir/CodeSystem/consent-category|kontaktuppgifter');
    expect(consents.body.entry.map((e: any) => e.resource.status).sort()).toEqual(['active', 'inactive']);
    const patient = await t.request('GET', 'Patient/anna');
    expect(patient.body.telecom).toEqual([{ system: 'phone', use: 'mobile', value: '070-123 45 67' }]);
  });

  it('refuses what cannot be: a channel not shared, a detail never given, bad input', async () => {
    const email = await t.request('POST', 'Patient/anna/$contact-settings', { token: anna, body: params({ shareMobile: true, shareEmail: false, notifications: 'email' }) });
    expect(email.status).toBe(422);
    expect(email.body.issue[0].expression).toEqual(['notifications']);
    const noAddress = await t.request('POST', 'Patient/anna/$contact-settings', { token: anna, body: params({ shareMobile: true, shareEmail: true, notifications: 'both' }) });
    expect(noAddress.status).toBe(422);
    expect(noAddress.body.issue[0].expression).toEqual(['email']);
    const bad = await t.request('POST', 'Patient/anna/$contact-settings', { token: anna, body: params({ shareMobile: true, shareEmail: false, notifications: 'fax' }) });
    expect(bad.status).toBe(400);
    expect(bad.body.issue[0].code).toBe('invalid');
  });

  it('staff neither call it nor find the Consent; a guardian cannot set a child’s', async () => {
    const res = await t.request('GET', 'Patient/anna/$contact-settings', { token: staff });
    expect(res.status).toBe(403);
    expect(res.body.issue[0].code).toBe('forbidden');
    const search = await t.request('GET', 'Consent?patient=Patient/anna', { token: staff });
    expect(search.status).toBe(200);
    expect(search.body.entry.map((e: any) => e.resource.id)).toEqual(['anna-treatment']);
    expect((await t.request('GET', 'Consent?patient=Patient/anna')).body.entry.length).toBeGreaterThan(1);
    expect((await t.request('GET', 'Patient/anna', { token: staff })).status).toBe(200);
    const child = await t.request('GET', 'Patient/barn/$contact-settings', { token: anna });
    expect(child.status).toBe(403);
  });
});

describe('Patient/$donation', () => {
  it('the latest entry wins, and deleting leaves no entry', async () => {
    const yes = await t.request('POST', 'Patient/anna/$donation', { token: anna, body: params({ choice: 'transplantation-and-other' }) });
    expect(yes.status, yes.text).toBe(200);
    expect(value(yes.body, 'choice')).toBe('transplantation-and-other');
    await t.request('POST', 'Patient/anna/$donation', { token: anna, body: params({ choice: 'no' }) });
    expect(value((await t.request('GET', 'Patient/anna/$donation', { token: anna })).body, 'choice')).toBe('no');
    // The registry (a system client) reads the same.
    expect(value((await t.request('GET', 'Patient/anna/$donation')).body, 'choice')).toBe('no');
    const deleted = await t.request('POST', 'Patient/anna/$donation', { token: anna, body: params({ choice: 'delete' }) });
    expect(deleted.status).toBe(200);
    expect(deleted.body.parameter).toBeUndefined();
    expect((await t.request('GET', 'Patient/anna/$donation', { token: anna })).body.parameter).toBeUndefined();
    const history = await t.request('GET', 'Consent?patient=Patient/anna&category=https://lots.example/fhir/CodeSystem/consent-category|donation');
    expect(history.body.entry.map((e: any) => e.resource.status)).toEqual(['inactive', 'inactive']);
  });

  it('from the 15th birthday the citizen decides; the day before, not online', async () => {
    const on = await t.request('POST', 'Patient/fifteen/$donation', { token: await t.citizenToken(pnrFor(yearsAgo(15))), body: params({ choice: 'transplantation-only' }) });
    expect(on.status, on.text).toBe(200);
    const before = await t.request('POST', 'Patient/almost/$donation', { token: await t.citizenToken(pnrFor(yearsAgo(15, 1))), body: params({ choice: 'no' }) });
    expect(before.status).toBe(422);
    expect(before.body.issue[0].code).toBe('business-rule');
  });

  it('staff get forbidden; an unknown choice is a 400', async () => {
    expect((await t.request('GET', 'Patient/anna/$donation', { token: staff })).status).toBe(403);
    const bad = await t.request('POST', 'Patient/anna/$donation', { token: anna, body: params({ choice: 'maybe' }) });
    expect(bad.status).toBe(400);
    expect(bad.body.issue[0].expression).toEqual(['choice']);
  });
});
