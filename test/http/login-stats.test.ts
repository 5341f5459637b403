import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { swedishDate } from '../../src/auth/age.js';
import { luhnCheckDigit } from '../../src/fhir/identifiers/personnummer.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

/**
 * Issue 19 item 6 (docs/citizen.md): GET /fhir/$login-stats on the real app. Logins counted in SQL from
 * the login AuditEvents by month, age band and sex; cells under 5 masked; the share sharing contact
 * details; administrators only.
 */
const PNR = 'http://electronichealth.se/identifier/personnummer';
const month = swedishDate(new Date()).slice(0, 7);
const pnr = (birth: string, serial: number) => {
  const s = String(serial).padStart(3, '0');
  const nine = `${birth.slice(2, 4)}${birth.slice(5, 7)}${birth.slice(8, 10)}${s}`;
  return `${birth.replaceAll('-', '')}${s}${luhnCheckDigit(nine)}`;
};
// Six women born 1990 (in the 30-49 band) and two men born 1950 (65-79 or 80+ depending on the day).
const women = [1, 2, 3, 4, 5, 6].map((i) => ({ id: `w${i}`, birth: '1990-02-01', gender: 'female', pnr: pnr('1990-02-01', 200 + i * 2) }));
const men = [1, 2].map((i) => ({ id: `m${i}`, birth: '1956-02-01', gender: 'male', pnr: pnr('1956-02-01', 301 + i * 2) }));

let t: TestApp;
const put = async (r: Record<string, unknown>) => {
  const res = await t.request('PUT', `${r.resourceType}/${r.id}`, { body: r });
  expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
};
const consent = (patient: string) => ({
  resourceType: 'Consent',
  id: `share-${patient}`,
  status: 'active',
  scope: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'patient-privacy' }] },
  category: [{ coding: [{ system: 'https://lots.example/fhir/CodeSystem/consent-category', code: 'kontaktuppgifter' }] }],
  patient: { reference: `Patient/${patient}` },
  policyRule: { text: 'PU' },
  provision: { type: 'permit' },
});

beforeAll(async () => {
  t = await createTestApp();
  await put({ resourceType: 'Organization', id: 'vc', name: 'Vårdcentralen' });
  // Five more citizens who neither log in nor share.
  for (let i = 1; i <= 5; i++) await put({ resourceType: 'Patient', id: `x${i}`, identifier: [{ system: PNR, value: pnr('1970-05-05', 400 + i * 2) }], birthDate: '1970-05-05' });
  for (const p of [...women, ...men]) await put({ resourceType: 'Patient', id: p.id, identifier: [{ system: PNR, value: p.pnr }], birthDate: p.birth, gender: p.gender });
  for (const p of [...women, ...men]) await t.citizenToken(p.pnr);
  await t.citizenToken(women[0]!.pnr);
  for (const p of women) await put(consent(p.id));
  await t.deps.audit.flush();
});
afterAll(() => t.close());

const stratum = (body: any, band: string, sex: string) =>
  body.group[0].stratifier[0].stratum.find((s: any) => s.component[0].value.text === month && s.component[1].value.text === band && s.component[2].value.text === sex);

describe('$login-stats', () => {
  it('counts logins by month, age band and sex, masking cells under 5', async () => {
    const admin = await t.staffToken('SE2321000065-A1', ['vc'], ['administrator']);
    const res = await t.request('GET', `$login-stats?from=${month}&to=${month}`, { token: admin });
    expect(res.status, res.text).toBe(200);
    expect(res.body.resourceType).toBe('MeasureReport');
    expect(stratum(res.body, '30-49', 'female').population[0].count).toBe(7);
    const old = stratum(res.body, '65-79', 'male');
    expect(old.population[0].count).toBeUndefined();
    expect(old.population[0].extension[0].valueCode).toBe('masked');
    expect(res.body.group[0].population[0].count).toBe(9);
  });

  it('gives the share of citizens sharing contact details', async () => {
    const res = await t.request('GET', `$login-stats?from=${month}&to=${month}`);
    const sharing = res.body.group[1];
    expect(sharing.population.map((p: any) => p.count)).toEqual([13, 6]);
    expect(sharing.measureScore.value).toBe(46.2);
  });

  it('is for administrators; bad months are a 400', async () => {
    const nurse = await t.staffToken('SE2321000065-N1', ['vc'], ['nurse']);
    const res = await t.request('GET', `$login-stats?from=${month}&to=${month}`, { token: nurse });
    expect(res.status).toBe(403);
    expect(res.body.issue[0].code).toBe('forbidden');
    expect((await t.request('GET', `$login-stats?from=${month}&to=${month}`, { token: await t.citizenToken(women[0]!.pnr) })).status).toBe(403);
    const bad = await t.request('GET', '$login-stats?from=2026-13&to=2026-01');
    expect(bad.status).toBe(400);
    expect(bad.body.issue[0].expression).toEqual(['from']);
    expect((await t.request('GET', '$login-stats?from=2026-03&to=2026-01')).status).toBe(400);
    expect((await t.request('GET', '$login-stats?from=2026-03')).status).toBe(400);
  });
});
