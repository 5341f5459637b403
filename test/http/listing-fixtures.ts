/**
 * Shared set-up of the listing suites: a Lots app with the demo region and the catalogue seeded
 * (seed/10-region, 80-catalogue, 81-listing-operations), and helpers to list and to make people.
 */
import { readFile } from 'node:fs/promises';
import { addDays, stockholmDate } from '../../src/domain/calendar/working-days.js';
import { createTestApp, type TestApp, type TestResponse } from '../support/test-app.js';

export const LISTING_TYPE = { system: 'https://lots.example/fhir/CodeSystem/episode-type', code: 'listning' };
export const NOTICE = 'https://lots.example/fhir/CodeSystem/listing-notice';
export const PNR = { tolvan: '191212121212', sven: '195009072553', lisa: '196101182803' } as const;

export async function listingApp(files = ['10-region.json', '80-catalogue.json', '81-listing-operations.json']): Promise<TestApp> {
  const t = await createTestApp();
  for (const file of files) {
    const text = await readFile(new URL(`../../seed/${file}`, import.meta.url), 'utf8');
    const res = await t.request('POST', '', { body: text });
    if (res.status !== 200) throw new Error(`seeding ${file} failed with ${res.status}: ${res.text.slice(0, 2000)}`);
  }
  return t;
}

export type Part = Record<string, unknown> & { name: string };
export const parameters = (...parameter: Part[]) => ({ resourceType: 'Parameters', parameter });
export const ref = (name: string, reference: string): Part => ({ name, valueReference: { reference } });

export interface ListArgs {
  unit?: string;
  practitioner?: string;
  reason?: string;
  queue?: boolean;
}

export function list(t: TestApp, token: string | undefined, patient: string, args: ListArgs = {}): Promise<TestResponse> {
  const parts: Part[] = [ref('patient', patient)];
  if (args.unit) parts.push(ref('unit', args.unit));
  if (args.practitioner) parts.push(ref('practitioner', args.practitioner));
  if (args.reason) parts.push({ name: 'reason', valueString: args.reason });
  if (args.queue) parts.push({ name: 'queue', valueBoolean: true });
  return t.request('POST', 'EpisodeOfCare/$list', { body: parameters(...parts), ...(token !== undefined ? { token } : {}) });
}

export function expectStatus(res: TestResponse, status: number): TestResponse {
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${res.text.slice(0, 1500)}`);
  return res;
}

/** A valid personnummer for someone born on `yymmdd` with serial `n` (Luhn check digit). */
export function personnummer(century: string, yymmdd: string, n: number): string {
  const ten = `${yymmdd}${String(n).padStart(3, '0')}`;
  let sum = 0;
  for (const [i, ch] of [...ten].entries()) {
    let d = Number(ch) * (i % 2 === 0 ? 2 : 1);
    if (d > 9) d -= 9;
    sum += d;
  }
  return `${century}${ten}${(10 - (sum % 10)) % 10}`;
}

export const HOME = { use: 'home', line: ['Testgatan 1'], city: 'Växjö', postalCode: '352 30', district: 'Kronobergs län', country: 'SE' };

/** Puts a Patient (system token) with a Swedish home address unless `address` is given. */
export async function person(t: TestApp, id: string, pnr: string, extra: Record<string, unknown> = {}): Promise<void> {
  const body = { resourceType: 'Patient', id, identifier: [{ system: 'http://electronichealth.se/identifier/personnummer', value: pnr }], name: [{ family: 'Test', given: [id] }], address: [HOME], ...extra };
  expectStatus(await t.request('PUT', `Patient/${id}`, { body }), 201);
}

/** Puts a listing as history (system token): `status` at `unit` from `start` (a date). */
export async function pastListing(t: TestApp, id: string, patient: string, unit: string, status: 'active' | 'finished', start: string, end?: string): Promise<void> {
  const body = {
    resourceType: 'EpisodeOfCare',
    id,
    status,
    type: [{ coding: [LISTING_TYPE] }],
    patient: { reference: patient },
    managingOrganization: { reference: unit },
    period: { start, ...(end ? { end } : {}) },
  };
  expectStatus(await t.request('PUT', `EpisodeOfCare/${id}`, { body }), 201);
}

/** The Swedish date `n` days from today. */
export const today = (n = 0): string => addDays(stockholmDate(new Date()), n);

/** The listing notices of the outbox about a patient, as [code, recipient]. */
export async function notices(t: TestApp, patient: string): Promise<[string, string][]> {
  const res = expectStatus(await t.request('GET', `CommunicationRequest?subject=${patient}&category=${NOTICE}|&_count=100`), 200);
  return (res.body.entry ?? []).map((e: any) => [e.resource.category[0].coding[0].code, e.resource.recipient[0].reference]);
}

/** The listings of a patient as [unit, status], sorted by unit then status. */
export async function listingsOf(t: TestApp, patient: string): Promise<[string, string][]> {
  const res = expectStatus(await t.request('GET', `EpisodeOfCare?patient=${patient}&type=${LISTING_TYPE.system}|${LISTING_TYPE.code}&_sort=_lastUpdated&_count=100`), 200);
  const pairs: [string, string][] = (res.body.entry ?? []).map((e: any) => [e.resource.managingOrganization.reference, e.resource.status]);
  return pairs.sort((a, b) => a.join().localeCompare(b.join()));
}
