/**
 * Listing under concurrency: 50 citizens racing for the last place at a capped unit get it once;
 * racing into a queue keeps first-come order; two changes at once for one citizen are serialised
 * against the 12-month rule; a freed place travels along a chain of full units in one transaction.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/test-app.js';
import { expectStatus, list, listingApp, listingsOf, parameters, pastListing, person, personnummer, today } from './listing-fixtures.js';

let t: TestApp;
const CITIZENS = 50;
const tokens: string[] = [];

/** A unit of Region Kronoberg that takes listings, with `cap` places. */
async function unit(id: string, cap: number): Promise<void> {
  const org = { resourceType: 'Organization', id, active: true, name: `Vårdcentralen ${id}`, partOf: { reference: 'Organization/region-kronoberg' } };
  const service = {
    resourceType: 'HealthcareService',
    id: `listning-${id}`,
    active: true,
    providedBy: { reference: `Organization/${id}` },
    type: [{ coding: [{ system: 'https://lots.example/fhir/CodeSystem/service-type', code: 'listning' }] }],
    extension: [{ url: 'https://lots.example/fhir/StructureDefinition/listing-settings', extension: [{ url: 'open', valueBoolean: true }, { url: 'cap', valueInteger: cap }] }],
  };
  expectStatus(await t.request('PUT', `Organization/${id}`, { body: org }), 201);
  expectStatus(await t.request('PUT', `HealthcareService/listning-${id}`, { body: service }), 201);
}

beforeAll(async () => {
  t = await listingApp();
  const entry = Array.from({ length: CITIZENS }, (_, i) => ({
    resource: {
      resourceType: 'Patient',
      id: `racer-${i}`,
      identifier: [{ system: 'http://electronichealth.se/identifier/personnummer', value: personnummer('19', '800101', i + 1) }],
      address: [{ use: 'home', city: 'Växjö', country: 'SE', district: 'Kronobergs län' }],
    },
    request: { method: 'PUT', url: `Patient/racer-${i}` },
  }));
  expectStatus(await t.request('POST', '', { body: { resourceType: 'Bundle', type: 'transaction', entry } }), 200);
  for (let i = 0; i < CITIZENS; i++) tokens.push(await t.citizenToken(personnummer('19', '800101', i + 1)));
}, 180_000);
afterAll(() => t?.close());

const count = async (query: string) => (await t.request('GET', `EpisodeOfCare?${query}&_summary=count`)).body.total;

describe('the last place', () => {
  it(`goes to exactly one of ${CITIZENS} citizens listing at the same moment; the others get 409`, async () => {
    await unit('vc-race', 1);
    const answers = await Promise.all(tokens.map((token, i) => list(t, token, `Patient/racer-${i}`, { unit: 'Organization/vc-race' })));
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(CITIZENS - 1);
    expect(await count('organization=Organization/vc-race&status=active')).toBe(1);
  });

  it('puts everyone who asked for the queue in it, each once, and hands the freed place to the first', async () => {
    await unit('vc-queue', 1);
    const racers = tokens.slice(0, 20);
    const answers = await Promise.all(racers.map((token, i) => list(t, token, `Patient/racer-${i}`, { unit: 'Organization/vc-queue', queue: true })));
    const listed = answers.filter((a) => a.body.status === 'active');
    const queued = answers.filter((a) => a.body.status === 'waitlist');
    expect(answers.every((a) => a.status === 201)).toBe(true);
    expect(listed).toHaveLength(1);
    expect(queued).toHaveLength(19);
    expect(await count('organization=Organization/vc-queue&status=waitlist')).toBe(19);
    const first = queued.map((a) => a.body).sort((a, b) => Date.parse(a.period.start) - Date.parse(b.period.start) || (a.id < b.id ? -1 : 1))[0];
    expectStatus(await t.request('POST', `EpisodeOfCare/${listed[0]!.body.id}/$end-listing`, { body: parameters() }), 200);
    expect((await t.request('GET', `EpisodeOfCare/${first.id}`)).body.status).toBe('active');
    expect(await count('organization=Organization/vc-queue&status=waitlist')).toBe(18);
  });
});

describe('two changes at once for one citizen', () => {
  it('are serialised: with one change left in 12 months, one is made and the other is refused', async () => {
    await person(t, 'twice', personnummer('19', '810101', 1));
    await pastListing(t, 'twice-a', 'Patient/twice', 'Organization/vc-ljungby', 'finished', '2015-01-01', today(-40));
    await pastListing(t, 'twice-b', 'Patient/twice', 'Organization/vc-teleborg', 'active', today(-40));
    const token = await t.citizenToken(personnummer('19', '810101', 1));
    await unit('vc-free-1', 100);
    await unit('vc-free-2', 100);
    const [a, b] = await Promise.all([list(t, token, 'Patient/twice', { unit: 'Organization/vc-free-1' }), list(t, token, 'Patient/twice', { unit: 'Organization/vc-free-2' })]);
    expect([a.status, b.status].sort()).toEqual([201, 422]);
    expect((await listingsOf(t, 'Patient/twice')).filter(([, s]) => s === 'active')).toHaveLength(1);
  });
});

describe('a chain of full units', () => {
  it('moves a freed place along every queue it frees, in one transaction', async () => {
    // A and B are full. p1 (listed at B) waits for A; p2 (listed at C) waits for B.
    await unit('vc-chain-a', 1);
    await unit('vc-chain-b', 1);
    await unit('vc-chain-c', 10);
    for (const id of ['c0', 'c1', 'c2']) await person(t, id, personnummer('19', '820202', Number(id.slice(1)) + 1));
    await pastListing(t, 'c0-a', 'Patient/c0', 'Organization/vc-chain-a', 'active', '2020-01-01');
    await pastListing(t, 'c1-b', 'Patient/c1', 'Organization/vc-chain-b', 'active', '2020-01-01');
    await pastListing(t, 'c2-c', 'Patient/c2', 'Organization/vc-chain-c', 'active', '2020-01-01');
    const token = (n: number) => t.citizenToken(personnummer('19', '820202', n + 1));
    expectStatus(await list(t, await token(1), 'Patient/c1', { unit: 'Organization/vc-chain-a', queue: true }), 201);
    expectStatus(await list(t, await token(2), 'Patient/c2', { unit: 'Organization/vc-chain-b', queue: true }), 201);
    // c0 leaves A: c1 gets A, which frees B for c2, which frees a place at C.
    expectStatus(await t.request('POST', 'EpisodeOfCare/c0-a/$end-listing', { body: parameters(), token: await token(0) }), 200);
    expect(await listingsOf(t, 'Patient/c1')).toEqual([
      ['Organization/vc-chain-a', 'active'],
      ['Organization/vc-chain-b', 'finished'],
    ]);
    expect(await listingsOf(t, 'Patient/c2')).toEqual([
      ['Organization/vc-chain-b', 'active'],
      ['Organization/vc-chain-c', 'finished'],
    ]);
  });
});
