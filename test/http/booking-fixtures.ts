/**
 * Shared set-up of the booking suites: a Lots app with the demo region, the case templates and the
 * booking settings seeded; Parameters builders; dates relative to today (Swedish time).
 */
import { readFile } from 'node:fs/promises';
import { isWorkingDay, stockholmDate, addDays } from '../../src/domain/calendar/working-days.js';
import { createTestApp, type TestApp, type TestResponse } from '../support/test-app.js';

export const VISIT = 'https://lots.example/fhir/CodeSystem/visit-type';
export const SETTINGS = 'https://lots.example/fhir/StructureDefinition/booking-settings';
export const MEETING_LINK = 'https://lots.example/fhir/StructureDefinition/meeting-link';

export const PNR = { tolvan: '191212121212', sven: '195009072553', lisa: '196101182803' } as const;

/** A test app with seed/10-region, 20-cases (when present), 30-booking and 31-booking-operations loaded. */
export async function bookingApp(): Promise<TestApp> {
  const t = await createTestApp();
  for (const file of ['10-region.json', '20-cases.json', '30-booking.json', '31-booking-operations.json']) {
    let text: string;
    try {
      text = await readFile(new URL(`../../seed/${file}`, import.meta.url), 'utf8');
    } catch {
      continue;
    }
    const res = await t.request('POST', '', { body: text });
    if (res.status !== 200) throw new Error(`seeding ${file} failed with ${res.status}: ${res.text.slice(0, 2000)}`);
  }
  return t;
}

export type Part = Record<string, unknown> & { name: string };
export const parameters = (...parameter: Part[]) => ({ resourceType: 'Parameters', parameter });
export const ref = (name: string, reference: string): Part => ({ name, valueReference: { reference } });

/** The Swedish calendar date `n` days from today. */
export const today = (n = 0): string => addDays(stockholmDate(new Date()), n);

/** Mon-Fri: 08-10 physical, 10-11 video, 11-12 phone, 30-minute slots. */
export function weekTemplate(start: string, end: string, extra: Part[] = []) {
  const days = ['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => ({ name: 'day', valueCode: d }));
  const hours = (from: string, to: string, visitType: string): Part => ({
    name: 'hours',
    part: [...days, { name: 'from', valueTime: `${from}:00` }, { name: 'to', valueTime: `${to}:00` }, { name: 'visitType', valueCode: visitType }],
  });
  return parameters(
    { name: 'start', valueDate: start },
    { name: 'end', valueDate: end },
    { name: 'slotMinutes', valueInteger: 30 },
    hours('08:00', '10:00', 'physical'),
    hours('10:00', '11:00', 'video'),
    hours('11:00', '12:00', 'phone'),
    ...extra,
  );
}

/** The first working day at least `n` days from today. */
export function workingDayFrom(n: number): string {
  let d = today(n);
  while (!isWorkingDay(d)) d = addDays(d, 1);
  return d;
}

export function expectStatus(res: TestResponse, status: number): TestResponse {
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${res.text.slice(0, 1500)}`);
  return res;
}

export interface Slot {
  id: string;
  schedule: { reference: string };
  start: string;
  end: string;
  status: string;
  appointmentType?: { coding: { system: string; code: string }[] };
}

export const visitOf = (s: Slot) => s.appointmentType?.coding.find((c) => c.system === VISIT)?.code;

/** The free slots $find offers (as the caller of `token`). */
export async function find(t: TestApp, token: string | undefined, query: string): Promise<{ slots: Slot[]; res: TestResponse }> {
  const res = expectStatus(await t.request('GET', `Appointment/$find?${query}`, token ? { token } : {}), 200);
  const slots = (res.body.entry ?? []).filter((e: any) => e.search?.mode === 'match').map((e: any) => e.resource as Slot);
  return { slots, res };
}

/** Books as the caller: the response. */
export function book(t: TestApp, token: string | undefined, slot: string, patient: string, comment?: string): Promise<TestResponse> {
  const body = parameters(ref('slot', `Slot/${slot}`), ref('patient', patient), ...(comment ? [{ name: 'comment', valueString: comment }] : []));
  return t.request('POST', 'Appointment/$book', { body, ...(token ? { token } : {}) });
}

/** A free Slot on a Schedule at an exact instant (as the system), e.g. relative to the real clock. */
export async function slotAt(t: TestApp, schedule: string, start: Date, minutes = 30, visit = 'physical'): Promise<string> {
  const res = await t.request('POST', 'Slot', {
    body: {
      resourceType: 'Slot',
      schedule: { reference: `Schedule/${schedule}` },
      status: 'free',
      appointmentType: { coding: [{ system: VISIT, code: visit }] },
      start: start.toISOString(),
      end: new Date(start.getTime() + minutes * 60_000).toISOString(),
    },
  });
  return expectStatus(res, 201).body.id as string;
}
