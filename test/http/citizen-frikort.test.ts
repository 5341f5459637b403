import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { swedishDate } from '../../src/auth/age.js';
import { periodEnd } from '../../src/domain/citizen/high-cost.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

/**
 * Issue 19 item 5 (docs/citizen.md): Patient/[id]/$frikort on the real app. Fees are ChargeItems; only
 * those that count fill the cap; the fee reaching it counts partly; siblings under 18 share a cap. The
 * rules' own edge cases (DOMAIN.md's example, a cap change on 1 January) are in high-cost.test.ts.
 */
const PNR = 'http://electronichealth.se/identifier/personnummer';
const FEE = 'https://lots.example/fhir/CodeSystem/patient-fee';
const COUNTS = 'https://lots.example/fhir/StructureDefinition/counts-toward-high-cost-cap';
const today = swedishDate(new Date());
const daysAgo = (n: number) => {
  const d = new Date(`${today}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() - n);
  return d.toISOString().slice(0, 10);
};

let t: TestApp;
const put = async (r: Record<string, unknown>) => {
  const res = await t.request('PUT', `${r.resourceType}/${r.id}`, { body: r });
  expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
};
const charge = (id: string, patient: string, date: string, kr: number, kind: string, extra: Record<string, unknown> = {}) => ({
  resourceType: 'ChargeItem',
  id,
  status: 'billed',
  code: { coding: [{ system: FEE, code: kind }] },
  subject: { reference: `Patient/${patient}` },
  occurrenceDateTime: date,
  priceOverride: { value: kr, currency: 'SEK' },
  ...extra,
});
const guardianOf = (id: string, child: string) => ({
  resourceType: 'RelatedPerson',
  id,
  patient: { reference: `Patient/${child}` },
  identifier: [{ system: PNR, value: '195009072553' }],
  relationship: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-RoleCode', code: 'MTH' }] }],
});
const param = (body: any, name: string) => body.parameter.find((p: any) => p.name === name);

beforeAll(async () => {
  t = await createTestApp();
  await put({ resourceType: 'Patient', id: 'anna', identifier: [{ system: PNR, value: '195009072553' }], birthDate: '1950-09-07' });
  await put({ resourceType: 'Patient', id: 'bertil', identifier: [{ system: PNR, value: '196101182803' }], birthDate: '1961-01-18' });
  await put(charge('a1', 'anna', daysAgo(150), 600, 'lakarbesok'));
  await put(charge('a-noshow', 'anna', daysAgo(140), 400, 'uteblivet-besok'));
  await put(charge('a-intyg', 'anna', daysAgo(130), 700, 'intyg'));
  await put(charge('a-marked', 'anna', daysAgo(120), 300, 'lakarbesok', { extension: [{ url: COUNTS, valueBoolean: false }] }));
  await put(charge('a-void', 'anna', daysAgo(110), 500, 'lakarbesok', { status: 'entered-in-error' }));
  await put(charge('a2', 'anna', daysAgo(100), 600, 'lakarbesok'));
  // Two children of Anna's: under 18, they share one cap.
  await put({ resourceType: 'Patient', id: 'kid1', identifier: [{ system: PNR, value: '201501012387' }], birthDate: '2015-01-01' });
  await put({ resourceType: 'Patient', id: 'kid2', identifier: [{ system: PNR, value: '201705052387' }], birthDate: '2017-05-05' });
  await put(guardianOf('mor-kid1', 'kid1'));
  await put(guardianOf('mor-kid2', 'kid2'));
  await put(charge('k1', 'kid1', daysAgo(60), 800, 'lakarbesok'));
  await put(charge('k2', 'kid2', daysAgo(30), 800, 'sjukvardande-behandling'));
});
afterAll(() => t.close());

describe('Patient/$frikort', () => {
  it('adds up only the fees that count: paid so far, remaining and the period from the first fee', async () => {
    const res = await t.request('GET', 'Patient/anna/$frikort', { token: await t.citizenToken('195009072553') });
    expect(res.status, res.text).toBe(200);
    expect(param(res.body, 'paid').valueMoney).toEqual({ value: 1200, currency: 'SEK' });
    expect(param(res.body, 'remaining').valueMoney).toEqual({ value: 200, currency: 'SEK' });
    expect(param(res.body, 'cap').valueMoney).toEqual({ value: 1400, currency: 'SEK' });
    expect(param(res.body, 'period').valuePeriod).toEqual({ start: daysAgo(150), end: periodEnd(daysAgo(150)) });
    expect(param(res.body, 'frikortUntil')).toBeUndefined();
  });

  it('the fee that reaches the cap counts only up to it, and the frikort runs to the end of the period', async () => {
    await put(charge('a3', 'anna', daysAgo(10), 400, 'hembesok'));
    const res = await t.request('GET', 'Patient/anna/$frikort', { token: await t.citizenToken('195009072553') });
    expect(param(res.body, 'paid').valueMoney.value).toBe(1400);
    expect(param(res.body, 'remaining').valueMoney.value).toBe(0);
    expect(param(res.body, 'frikortUntil').valueDate).toBe(periodEnd(daysAgo(150)));
  });

  it('siblings under 18 share one cap: the guardian sees it reached for either child', async () => {
    const token = await t.citizenToken('195009072553');
    for (const kid of ['kid1', 'kid2']) {
      const res = await t.request('GET', `Patient/${kid}/$frikort`, { token });
      expect(res.status, res.text).toBe(200);
      expect(param(res.body, 'paid').valueMoney.value).toBe(1400);
      expect(param(res.body, 'period').valuePeriod.start).toBe(daysAgo(60));
      expect(param(res.body, 'frikortUntil').valueDate).toBe(periodEnd(daysAgo(60)));
    }
  });

  it('another citizen gets not-found', async () => {
    const res = await t.request('GET', 'Patient/anna/$frikort', { token: await t.citizenToken('196101182803') });
    expect(res.status).toBe(404);
    expect(res.body.issue[0].code).toBe('not-found');
  });
});
