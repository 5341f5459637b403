/**
 * Booking under concurrency: 50 citizens racing for the last slot get it once, and concurrent moves
 * to one slot leave every loser's booking as it was.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/test-app.js';
import { book, bookingApp, expectStatus, parameters, ref, slotAt } from './booking-fixtures.js';

let t: TestApp;
const CITIZENS = 50;
const tokens: string[] = [];

/** A valid personnummer for someone born on 1 January 1980 with serial `n`. */
function personnummer(n: number): string {
  const ten = `800101${String(n).padStart(3, '0')}`;
  let sum = 0;
  for (const [i, ch] of [...ten].entries()) {
    let d = Number(ch) * (i % 2 === 0 ? 2 : 1);
    if (d > 9) d -= 9;
    sum += d;
  }
  return `19${ten}${(10 - (sum % 10)) % 10}`;
}

beforeAll(async () => {
  t = await bookingApp();
  const entry = Array.from({ length: CITIZENS }, (_, i) => ({
    resource: { resourceType: 'Patient', id: `racer-${i}`, identifier: [{ system: 'http://electronichealth.se/identifier/personnummer', value: personnummer(i + 1) }], name: [{ family: 'Racer', given: [String(i)] }] },
    request: { method: 'PUT', url: `Patient/racer-${i}` },
  }));
  expectStatus(await t.request('POST', '', { body: { resourceType: 'Bundle', type: 'transaction', entry } }), 200);
  for (let i = 0; i < CITIZENS; i++) tokens.push(await t.citizenToken(personnummer(i + 1)));
}, 180_000);
afterAll(async () => {
  await t?.close();
});

const inDays = (days: number, hour: number) => new Date(Date.now() + days * 86_400_000 + hour * 3_600_000);

describe('the last slot', () => {
  it(`goes to exactly one of ${CITIZENS} citizens booking it at the same moment`, async () => {
    const slot = await slotAt(t, 'anna-lind-vc-centrum', inDays(3, 0));
    const answers = await Promise.all(tokens.map((token, i) => book(t, token, slot, `Patient/racer-${i}`)));
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(CITIZENS - 1);
    const winner = answers.find((a) => a.status === 201)!.body;
    expect((await t.request('GET', `Slot/${slot}`)).body.status).toBe('busy');
    const booked = expectStatus(await t.request('GET', `Appointment?slot=Slot/${slot}`), 200);
    expect(booked.body.entry.map((e: any) => e.resource.id)).toEqual([winner.id]);
  });
});

describe('moving bookings at the same moment', () => {
  it('gives the one free slot to one move; the others keep their own slot and Appointment unchanged', async () => {
    const movers = 10;
    const own = await Promise.all(Array.from({ length: movers }, (_, i) => slotAt(t, 'anna-lind-vc-centrum', inDays(4, i))));
    const appointments: string[] = [];
    for (let i = 0; i < movers; i++) appointments.push(expectStatus(await book(t, tokens[i]!, own[i]!, `Patient/racer-${i}`), 201).body.id);
    const target = await slotAt(t, 'anna-lind-vc-centrum', inDays(5, 0));

    const answers = await Promise.all(
      appointments.map((id, i) => t.request('POST', `Appointment/${id}/$reschedule`, { body: parameters(ref('slot', `Slot/${target}`)), token: tokens[i]! })),
    );
    const won = answers.flatMap((a, i) => (a.status === 200 ? [i] : []));
    expect(won).toHaveLength(1);
    expect(answers.filter((a) => a.status === 409)).toHaveLength(movers - 1);

    for (let i = 0; i < movers; i++) {
      const appointment = (await t.request('GET', `Appointment/${appointments[i]}`)).body;
      const slot = (await t.request('GET', `Slot/${own[i]}`)).body;
      if (i === won[0]) {
        expect(appointment.slot).toEqual([{ reference: `Slot/${target}` }]);
        expect(slot.status).toBe('free');
      } else {
        expect(appointment.meta.versionId).toBe('1');
        expect(appointment.slot).toEqual([{ reference: `Slot/${own[i]}` }]);
        expect(slot.status).toBe('busy');
      }
    }
    expect((await t.request('GET', `Slot/${target}`)).body.status).toBe('busy');
  });

  it('never lets a move and a new booking both take the same slot', async () => {
    const own = await slotAt(t, 'anna-lind-vc-centrum', inDays(6, 0));
    const moving = expectStatus(await book(t, tokens[20]!, own, 'Patient/racer-20'), 201).body.id;
    const target = await slotAt(t, 'anna-lind-vc-centrum', inDays(6, 2));
    const [move, ...books] = await Promise.all([
      t.request('POST', `Appointment/${moving}/$reschedule`, { body: parameters(ref('slot', `Slot/${target}`)), token: tokens[20]! }),
      ...[21, 22, 23, 24].map((i) => book(t, tokens[i]!, target, `Patient/racer-${i}`)),
    ]);
    const winners = [move!, ...books].filter((a) => a.status === 200 || a.status === 201);
    expect(winners).toHaveLength(1);
    const holders = expectStatus(await t.request('GET', `Appointment?slot=Slot/${target}&status=booked`), 200);
    expect(holders.body.entry).toHaveLength(1);
    expect((await t.request('GET', `Slot/${own}`)).body.status).toBe(move!.status === 200 ? 'free' : 'busy');
  });
});
