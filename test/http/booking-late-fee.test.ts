import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/test-app.js';
import { book, bookingApp, expectStatus, parameters, PNR, slotAt } from './booking-fixtures.js';

/**
 * Issue 19 item 5 (docs/citizen.md): a late cancellation (under 24 h, by staff decision) becomes a fee
 * (ChargeItem) outside the högkostnadsskydd: it shows among the patient's fees but not in $frikort.
 */
let t: TestApp;
const token: Record<string, string> = {};
const HOUR = 3_600_000;

beforeAll(async () => {
  t = await bookingApp();
  token.sven = await t.citizenToken(PNR.sven);
  token.anna = await t.staffToken('SE2321000065-ANNA', ['vc-centrum'], ['nurse', 'arendehanterare']);
}, 180_000);
afterAll(() => t?.close());

const lateFee = (kr: number) => parameters({ name: 'lateFee', valueDecimal: kr });

describe('Appointment/$cancel with lateFee', () => {
  it('staff charge a late cancellation: a fee outside the cap', async () => {
    const slot = await slotAt(t, 'anna-lind-vc-centrum', new Date(Date.now() + 3 * HOUR));
    const booked = expectStatus(await book(t, token.sven, slot, 'Patient/sven-oberg'), 201);
    expectStatus(await t.request('POST', `Appointment/${booked.body.id}/$cancel`, { body: lateFee(400), token: token.anna }), 200);
    const fees = expectStatus(await t.request('GET', 'ChargeItem?subject=Patient/sven-oberg', { token: token.sven }), 200);
    const fee = fees.body.entry.map((e: any) => e.resource).find((c: any) => c.supportingInformation?.[0]?.reference === `Appointment/${booked.body.id}`);
    expect(fee.code.coding[0].code).toBe('sen-avbokning');
    expect(fee.priceOverride).toEqual({ value: 400, currency: 'SEK' });
    const frikort = expectStatus(await t.request('GET', 'Patient/sven-oberg/$frikort', { token: token.sven }), 200);
    expect(frikort.body.parameter.find((p: any) => p.name === 'paid').valueMoney.value).toBe(0);
  });

  it('refuses a fee for a cancellation in good time, and from the citizen; nothing is cancelled then', async () => {
    const early = await slotAt(t, 'anna-lind-vc-centrum', new Date(Date.now() + 48 * HOUR));
    const booked = expectStatus(await book(t, token.sven, early, 'Patient/sven-oberg'), 201);
    const inTime = await t.request('POST', `Appointment/${booked.body.id}/$cancel`, { body: lateFee(400), token: token.anna });
    expect(inTime.status).toBe(422);
    expect(inTime.body.issue[0].expression).toEqual(['lateFee']);
    const byCitizen = await t.request('POST', `Appointment/${booked.body.id}/$cancel`, { body: lateFee(400), token: token.sven });
    expect(byCitizen.status).toBe(403);
    expect((await t.request('GET', `Appointment/${booked.body.id}`)).body.status).toBe('booked');
  });
});
