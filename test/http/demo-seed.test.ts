import { readdir, readFile } from 'node:fs/promises';
import { Writable } from 'node:stream';
import type { Bundle } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFilesWith, inProcessSender } from '../../src/cli/import.js';
import { seedSlots, SEED_SLOT_DAYS } from '../../src/cli/seed-slots.js';
import { addDays, stockholmDate } from '../../src/domain/calendar/working-days.js';
import { createFhirRouter } from '../../src/http/fhir/index.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { book, find, PNR, weekTemplate } from './booking-fixtures.js';

/**
 * The README's demo path: `lots seed` (the same loader and slot batch) on an empty database, then the
 * booking examples of docs/booking.md as written, with dates relative to the day the suite runs.
 */
const SEED = new URL('../../seed/', import.meta.url);
let t: TestApp;
let printed = '';
const out = new Writable({
  write(chunk, _enc, cb) {
    printed += String(chunk);
    cb();
  },
});
const today = stockholmDate(new Date());

beforeAll(async () => {
  t = await createTestApp();
  const files = (await readdir(SEED)).filter((f) => f.endsWith('.json')).sort().map((f) => new URL(f, SEED).pathname);
  const bundles = await Promise.all(files.map(async (f) => JSON.parse(await readFile(f, 'utf8')) as Bundle));
  const send = inProcessSender(t.deps.fhir, createFhirRouter());
  const summary = await importFilesWith(send, files, { out, isTTY: false });
  expect(summary).toMatchObject({ failedFiles: 0, errors: 0 });
  expect(await seedSlots(send, bundles, out)).toBe(0);
}, 300_000);
afterAll(() => t?.close());

describe('the demo seed', () => {
  it('makes free slots for the next three weeks from the day it runs, and says so', async () => {
    const last = addDays(today, SEED_SLOT_DAYS - 1);
    expect(printed).toContain(`Free slots from ${today} to ${last} on 4 of 4 demo schedules`);
    const citizen = await t.citizenToken(PNR.sven);
    // docs/booking.md: $find from today for three weeks
    const { slots } = await find(t, citizen, `unit=Organization/vc-centrum&start=${today}&end=${last}`);
    expect(slots.length).toBeGreaterThan(20);
    expect(slots.every((s) => s.start.slice(0, 10) >= today && s.start.slice(0, 10) <= last)).toBe(true);
    const next = slots.find((s) => Date.parse(s.start) > Date.now() + 25 * 3_600_000)!;
    const booked = await book(t, citizen, next.id, 'Patient/sven-oberg', 'Ont i knät sedan två veckor');
    expect(booked.status, booked.text).toBe(201);
    expect(booked.body.status).toBe('booked');
  });

  it('adds nothing when run again the same day', async () => {
    printed = '';
    const send = inProcessSender(t.deps.fhir, createFhirRouter());
    const bundle = JSON.parse(await readFile(new URL('30-booking.json', SEED), 'utf8')) as Bundle;
    expect(await seedSlots(send, [bundle], out)).toBe(0);
    const res = await t.request('GET', `Slot?schedule=Schedule/anna-lind-vc-centrum&_summary=count`);
    const before = res.body.total;
    expect(await seedSlots(send, [bundle], out)).toBe(0);
    expect((await t.request('GET', `Slot?schedule=Schedule/anna-lind-vc-centrum&_summary=count`)).body.total).toBe(before);
  });
});

describe('$generate-slots', () => {
  it('refuses a period wholly in the past with 422, saying so', async () => {
    const res = await t.request('POST', 'Schedule/erik-berg-vc-centrum/$generate-slots', { body: weekTemplate(addDays(today, -30), addDays(today, -1)) });
    expect(res.status).toBe(422);
    expect(res.body.issue[0].code).toBe('business-rule');
    expect(res.body.issue[0].diagnostics).toContain('in the past');
  });

  it('accepts a period that ends today', async () => {
    const res = await t.request('POST', 'Schedule/erik-berg-vc-centrum/$generate-slots', { body: weekTemplate(addDays(today, -3), today) });
    expect(res.status, res.text).toBe(200);
  });
});
