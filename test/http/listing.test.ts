/**
 * Listing at a vårdcentral (docs/listing.md): one listing at a time, the 12-month rule on its
 * boundaries, caps and the waiting list with handoff, who may list whom, folkbokföring, newborns,
 * out-of-county confirm and reject, and that a citizen cannot write a listing around the rules.
 * The demo catalogue: vc-centrum is full (cap 4, four listed; Anna Lind's cap 1 is full too),
 * vc-teleborg has a cap of 1500, vc-ljungby none, vc-varnamo belongs to Region Jönköpings län.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMonths } from '../../src/domain/listing/rules.js';
import type { TestApp } from '../support/test-app.js';
import { expectStatus, list, listingApp, listingsOf, notices, parameters, pastListing, person, personnummer, PNR, today } from './listing-fixtures.js';

let t: TestApp;
beforeAll(async () => {
  t = await listingApp();
}, 120_000);
afterAll(() => t?.close());

const POSITIONS: Record<string, [number, number]> = { 'vc-centrum': [56.8777, 14.8091], 'vc-teleborg': [56.853, 14.816], 'vc-ljungby': [56.8332, 13.9408], 'vc-varnamo': [57.186, 14.04] };
const cosineKm = ([lat1, lon1]: [number, number], [lat2, lon2]: [number, number]) => {
  const r = Math.PI / 180;
  return 6371.0088 * Math.acos(Math.sin(lat1 * r) * Math.sin(lat2 * r) + Math.cos(lat1 * r) * Math.cos(lat2 * r) * Math.cos((lon2 - lon1) * r));
};
const issueCodes = (res: { body: any }) => res.body.issue.map((i: any) => i.code);

describe('changing unit', () => {
  it('lists the citizen at the new unit, ends the old listing in the same step and tells the old unit', async () => {
    await person(t, 'byte-1', personnummer('19', '700101', 11));
    await pastListing(t, 'byte-1-old', 'Patient/byte-1', 'Organization/vc-ljungby', 'active', '2020-01-01');
    const token = await t.citizenToken(personnummer('19', '700101', 11));
    const res = expectStatus(await list(t, token, 'Patient/byte-1', { unit: 'Organization/vc-teleborg', practitioner: 'PractitionerRole/karin-holm-vc-teleborg' }), 201);
    expect(res.body).toMatchObject({ status: 'active', managingOrganization: { reference: 'Organization/vc-teleborg' }, careManager: { reference: 'Practitioner/karin-holm' } });
    expect(res.headers.get('location')).toContain(`/EpisodeOfCare/${res.body.id}/_history/1`);
    expect(await listingsOf(t, 'Patient/byte-1')).toEqual([
      ['Organization/vc-ljungby', 'finished'],
      ['Organization/vc-teleborg', 'active'],
    ]);
    expect(await notices(t, 'Patient/byte-1')).toEqual([['listed-elsewhere', 'Organization/vc-ljungby']]);
  });

  it('answers 200 and changes nothing when the citizen is already listed there', async () => {
    const token = await t.citizenToken(PNR.sven);
    const res = expectStatus(await list(t, token, 'Patient/sven-oberg', { unit: 'Organization/vc-centrum' }), 200);
    expect(res.body.id).toBe('listing-sven-oberg');
    expect(res.body.meta.versionId).toBe('1');
  });
});

describe('at most two changes in 12 months', () => {
  async function twoChanges(id: string, n: number, olderChange: string): Promise<string> {
    const pnr = personnummer('19', '800202', n);
    await person(t, id, pnr);
    await pastListing(t, `${id}-a`, `Patient/${id}`, 'Organization/vc-ljungby', 'finished', '2015-01-01', olderChange);
    await pastListing(t, `${id}-b`, `Patient/${id}`, 'Organization/vc-teleborg', 'finished', olderChange, today(-5));
    await pastListing(t, `${id}-c`, `Patient/${id}`, 'Organization/vc-ljungby', 'active', today(-5));
    return t.citizenToken(pnr);
  }

  it('refuses a third change with 422 naming the date from which it is allowed', async () => {
    const older = today(-100);
    const token = await twoChanges('tolv-1', 21, older);
    const res = expectStatus(await list(t, token, 'Patient/tolv-1', { unit: 'Organization/vc-teleborg' }), 422);
    expect(issueCodes(res)).toEqual(['business-rule']);
    expect(res.body.issue[0].diagnostics).toContain(`from ${addMonths(older, 12)}`);
    expect(await listingsOf(t, 'Patient/tolv-1')).toContainEqual(['Organization/vc-ljungby', 'active']);
  });

  it('allows it on the day the older change is 12 months old, not the day before', async () => {
    const onTheDay = await twoChanges('tolv-2', 22, addMonths(today(), -12));
    expectStatus(await list(t, onTheDay, 'Patient/tolv-2', { unit: 'Organization/vc-teleborg' }), 201);
    const dayBefore = await twoChanges('tolv-3', 23, addMonths(today(1), -12));
    const res = expectStatus(await list(t, dayBefore, 'Patient/tolv-3', { unit: 'Organization/vc-teleborg' }), 422);
    expect(res.body.issue[0].diagnostics).toContain(`from ${today(1)}`);
  });

  it('lets staff of the unit list with a special reason, and keeps the reason', async () => {
    await twoChanges('tolv-4', 24, today(-30));
    const staff = await t.staffToken('SE2321000065-P000000000203', ['vc-teleborg'], ['arendehanterare']);
    const without = expectStatus(await list(t, staff, 'Patient/tolv-4', { unit: 'Organization/vc-teleborg' }), 422);
    expect(without.body.issue[0].expression).toEqual(['reason']);
    const res = expectStatus(await list(t, staff, 'Patient/tolv-4', { unit: 'Organization/vc-teleborg', reason: 'Flyttat till Teleborg efter skilsmässa' }), 201);
    expect(res.body.extension).toEqual([{ url: 'https://lots.example/fhir/StructureDefinition/listing-reason', valueString: 'Flyttat till Teleborg efter skilsmässa' }]);
    const elsewhere = expectStatus(await list(t, staff, 'Patient/tolv-4', { unit: 'Organization/vc-ljungby', reason: 'x' }), 403);
    expect(issueCodes(elsewhere)).toEqual(['forbidden']);
  });
});

describe('caps and the waiting list', () => {
  it('answers 409 at a full unit, offering the queue and the nearest units with room', async () => {
    await person(t, 'full-1', personnummer('19', '900303', 31));
    const token = await t.citizenToken(personnummer('19', '900303', 31));
    const res = expectStatus(await list(t, token, 'Patient/full-1', { unit: 'Organization/vc-centrum' }), 409);
    expect(issueCodes(res)).toEqual(['conflict', 'informational', 'informational', 'informational']);
    expect(res.body.issue[0].diagnostics).toContain('queue=true');
    // Nearest first, by the spherical law of cosines on the seeded positions (not the server's haversine).
    const offered = res.body.issue.slice(1).map((i: any) => i.diagnostics.match(/\(Organization\/([a-z-]+)\)/)[1]);
    const byDistance = ['vc-teleborg', 'vc-ljungby', 'vc-varnamo'].map((u) => [u, cosineKm(POSITIONS['vc-centrum']!, POSITIONS[u]!)] as const).sort((a, b) => a[1] - b[1]);
    expect(offered).toEqual(byDistance.map(([u]) => u));
    for (const [i, [, km]] of byDistance.entries()) expect(res.body.issue[i + 1].diagnostics).toContain(`${km.toFixed(1)} km`);
    expect(await listingsOf(t, 'Patient/full-1')).toEqual([]);
  });

  it('answers 409 when the chosen doctor is full, though the unit has room', async () => {
    const role = { resourceType: 'PractitionerRole', id: 'karin-holm-vc-ljungby', active: true, practitioner: { reference: 'Practitioner/karin-holm' }, organization: { reference: 'Organization/vc-ljungby' }, extension: [{ url: 'https://lots.example/fhir/StructureDefinition/fast-lakarkontakt', extension: [{ url: 'accepting', valueBoolean: true }, { url: 'cap', valueInteger: 1 }] }] };
    expectStatus(await t.request('PUT', 'PractitionerRole/karin-holm-vc-ljungby', { body: role }), 201);
    for (const n of [32, 33]) await person(t, `doc-${n}`, personnummer('19', '900303', n));
    const first = await t.citizenToken(personnummer('19', '900303', 32));
    expectStatus(await list(t, first, 'Patient/doc-32', { unit: 'Organization/vc-ljungby', practitioner: 'PractitionerRole/karin-holm-vc-ljungby' }), 201);
    const second = await t.citizenToken(personnummer('19', '900303', 33));
    const res = expectStatus(await list(t, second, 'Patient/doc-33', { unit: 'Organization/vc-ljungby', practitioner: 'PractitionerRole/karin-holm-vc-ljungby' }), 409);
    expect(issueCodes(res)).toEqual(['conflict']);
    expect(res.body.issue[0].diagnostics).toContain('fast läkarkontakt');
    // Without a doctor the unit (no cap) takes them.
    expectStatus(await list(t, second, 'Patient/doc-33', { unit: 'Organization/vc-ljungby' }), 201);
  });

  it('queues with queue=true, and gives a freed place to the first in the queue, who is told', async () => {
    const ids = ['queue-1', 'queue-2'];
    for (const [i, id] of ids.entries()) {
      await person(t, id, personnummer('19', '900404', 41 + i));
      await pastListing(t, `${id}-old`, `Patient/${id}`, 'Organization/vc-ljungby', 'active', '2020-01-01');
      const token = await t.citizenToken(personnummer('19', '900404', 41 + i));
      const res = expectStatus(await list(t, token, `Patient/${id}`, { unit: 'Organization/vc-centrum', queue: true }), 201);
      expect(res.body.status).toBe('waitlist');
    }
    // Sven leaves vc-centrum for Ljungby: his place goes to queue-1 (first come), not queue-2.
    const sven = await t.citizenToken(PNR.sven);
    expectStatus(await list(t, sven, 'Patient/sven-oberg', { unit: 'Organization/vc-ljungby' }), 201);
    expect(await listingsOf(t, 'Patient/queue-1')).toEqual([
      ['Organization/vc-centrum', 'active'],
      ['Organization/vc-ljungby', 'finished'],
    ]);
    expect(await listingsOf(t, 'Patient/queue-2')).toEqual([
      ['Organization/vc-centrum', 'waitlist'],
      ['Organization/vc-ljungby', 'active'],
    ]);
    expect(await notices(t, 'Patient/queue-1')).toEqual(expect.arrayContaining([['queue-place', 'Patient/queue-1'], ['listed-elsewhere', 'Organization/vc-ljungby']]));
    // $end-listing by queue-1 frees the place again: queue-2 gets it.
    const q1 = await t.citizenToken(personnummer('19', '900404', 41));
    const active = (await t.request('GET', 'EpisodeOfCare?patient=Patient/queue-1&status=active')).body.entry[0].resource.id;
    expectStatus(await t.request('POST', `EpisodeOfCare/${active}/$end-listing`, { body: parameters(), token: q1 }), 200);
    expect(await listingsOf(t, 'Patient/queue-2')).toEqual([
      ['Organization/vc-centrum', 'active'],
      ['Organization/vc-ljungby', 'finished'],
    ]);
  });
});

describe('who may list whom', () => {
  it('lets a guardian list a child under 13, not one of 13', async () => {
    const lisa = await t.citizenToken(PNR.lisa);
    expectStatus(await list(t, lisa, 'Patient/olle-andersson', { unit: 'Organization/vc-ljungby' }), 201);
    const res = expectStatus(await list(t, lisa, 'Patient/maja-andersson', { unit: 'Organization/vc-ljungby' }), 403);
    expect(issueCodes(res)).toEqual(['forbidden']);
    expect(res.body.issue[0].diagnostics).toContain('under 13');
  });

  it('refuses a unit that does not take listings and a doctor of another unit, naming the parameter', async () => {
    const tolvan = await t.citizenToken(PNR.tolvan);
    const unit = expectStatus(await list(t, tolvan, 'Patient/tolvan', { unit: 'Organization/rad-1177' }), 422);
    expect(unit.body.issue[0]).toMatchObject({ code: 'business-rule', expression: ['unit'] });
    const doctor = expectStatus(await list(t, tolvan, 'Patient/tolvan', { unit: 'Organization/vc-ljungby', practitioner: 'PractitionerRole/karin-holm-vc-teleborg' }), 422);
    expect(doctor.body.issue[0]).toMatchObject({ code: 'business-rule', expression: ['practitioner'] });
    const nurse = expectStatus(await list(t, tolvan, 'Patient/tolvan', { unit: 'Organization/vc-centrum', practitioner: 'PractitionerRole/erik-berg-vc-centrum' }), 422);
    expect(nurse.body.issue[0].expression).toEqual(['practitioner']);
  });

  it('refuses bad parameters with 400', async () => {
    const res = expectStatus(await t.request('POST', 'EpisodeOfCare/$list', { body: parameters({ name: 'patient', valueReference: { reference: 'Organization/x' } }) }), 400);
    expect(res.body.issue[0]).toMatchObject({ code: 'invalid', expression: ['patient.reference'] });
    const noUnit = expectStatus(await list(t, undefined, 'Patient/tolvan'), 400);
    expect(noUnit.body.issue[0].expression).toEqual(['unit']);
    expectStatus(await list(t, undefined, 'Patient/nobody', { unit: 'Organization/vc-ljungby' }), 404);
  });

  it('needs folkbokföring unless staff list with a reason; a protected identity counts as folkbokförd', async () => {
    await person(t, 'abroad', personnummer('19', '750505', 51), { address: [{ use: 'home', city: 'Oslo', country: 'NO' }] });
    const own = await t.citizenToken(personnummer('19', '750505', 51));
    const res = expectStatus(await list(t, own, 'Patient/abroad', { unit: 'Organization/vc-ljungby' }), 422);
    expect(res.body.issue[0]).toMatchObject({ code: 'business-rule', expression: ['patient'] });
    const staff = await t.staffToken('SE2321000065-P000000000999', ['vc-ljungby'], ['arendehanterare']);
    expectStatus(await list(t, staff, 'Patient/abroad', { unit: 'Organization/vc-ljungby', reason: 'Gränsarbetare, bor i Norge' }), 201);
    const security = [{ system: 'http://hl7.se/fhir/ig/base/CodeSystem/SecurityLabel', code: 'skyddadFolkbokforing' }];
    await person(t, 'hidden', personnummer('19', '750505', 52), { address: undefined, meta: { security } });
    expectStatus(await list(t, await t.citizenToken(personnummer('19', '750505', 52)), 'Patient/hidden', { unit: 'Organization/vc-ljungby' }), 201);
  });

  it('does not let a citizen write a listing directly', async () => {
    const tolvan = await t.citizenToken(PNR.tolvan);
    const body = { resourceType: 'EpisodeOfCare', status: 'active', type: [{ coding: [{ system: 'https://lots.example/fhir/CodeSystem/episode-type', code: 'listning' }] }], patient: { reference: 'Patient/tolvan' }, managingOrganization: { reference: 'Organization/vc-centrum' } };
    const res = expectStatus(await t.request('POST', 'EpisodeOfCare', { body, token: tolvan }), 403);
    expect(issueCodes(res)).toEqual(['forbidden']);
    expectStatus(await t.request('PUT', 'EpisodeOfCare/listing-tolvan', { body: { ...body, id: 'listing-tolvan' }, token: tolvan }), 403);
  });
});

describe('newborns', () => {
  it('are listed where the mother is listed, whatever the cap, when no unit is named', async () => {
    const born = today(-20);
    const pnr = personnummer('20', born.slice(2).replaceAll('-', ''), 61);
    await person(t, 'baby', pnr, { birthDate: born });
    const mother = { resourceType: 'RelatedPerson', id: 'lisa-for-baby', active: true, patient: { reference: 'Patient/baby' }, identifier: [{ system: 'http://electronichealth.se/identifier/personnummer', value: PNR.lisa }], relationship: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-RoleCode', code: 'MTH' }] }] };
    expectStatus(await t.request('PUT', 'RelatedPerson/lisa-for-baby', { body: mother }), 201);
    const lisa = await t.citizenToken(PNR.lisa);
    // Lisa is listed at vc-centrum, which is full.
    const res = expectStatus(await list(t, lisa, 'Patient/baby'), 201);
    expect(res.body.managingOrganization.reference).toBe('Organization/vc-centrum');
  });
});

describe('out of county', () => {
  async function jonkopingToken(client = 'region-jonkoping') {
    return t.deps.tokens.issue({ sub: client, scope: 'system/*.*', client_id: client, lots_kind: 'system' }, 3600);
  }

  it('is planned until the other region confirms; then the old listing ends', async () => {
    await person(t, 'ooc-1', personnummer('19', '660606', 71));
    await pastListing(t, 'ooc-1-old', 'Patient/ooc-1', 'Organization/vc-ljungby', 'active', '2020-01-01');
    const token = await t.citizenToken(personnummer('19', '660606', 71));
    const planned = expectStatus(await list(t, token, 'Patient/ooc-1', { unit: 'Organization/vc-varnamo' }), 202);
    expect(planned.body.status).toBe('planned');
    expect(await notices(t, 'Patient/ooc-1')).toEqual([['listing-request', 'Organization/region-jonkoping']]);
    expect(await listingsOf(t, 'Patient/ooc-1')).toContainEqual(['Organization/vc-ljungby', 'active']);

    const confirm = (token: string, decision = 'confirmed') => t.request('POST', `EpisodeOfCare/${planned.body.id}/$confirm-listing`, { body: parameters({ name: 'decision', valueCode: decision }), token });
    expect(issueCodes(expectStatus(await confirm(await jonkopingToken('region-kronoberg')), 403))).toEqual(['forbidden']);
    expectStatus(await confirm(token), 403);
    const done = expectStatus(await confirm(await jonkopingToken()), 200);
    expect(done.body.status).toBe('active');
    expect(await listingsOf(t, 'Patient/ooc-1')).toEqual([
      ['Organization/vc-ljungby', 'finished'],
      ['Organization/vc-varnamo', 'active'],
    ]);
    expect(issueCodes(expectStatus(await confirm(await jonkopingToken()), 409))).toEqual(['conflict']);
  });

  it('stays where it was when the other region rejects it', async () => {
    await person(t, 'ooc-2', personnummer('19', '660606', 72));
    await pastListing(t, 'ooc-2-old', 'Patient/ooc-2', 'Organization/vc-ljungby', 'active', '2020-01-01');
    const token = await t.citizenToken(personnummer('19', '660606', 72));
    const planned = expectStatus(await list(t, token, 'Patient/ooc-2', { unit: 'Organization/vc-varnamo' }), 202);
    const body = parameters({ name: 'decision', valueCode: 'rejected' }, { name: 'reason', valueString: 'Listningstak nått' });
    const res = expectStatus(await t.request('POST', `EpisodeOfCare/${planned.body.id}/$confirm-listing`, { body, token: await jonkopingToken() }), 200);
    expect(res.body.status).toBe('cancelled');
    expect(await listingsOf(t, 'Patient/ooc-2')).toEqual([
      ['Organization/vc-ljungby', 'active'],
      ['Organization/vc-varnamo', 'cancelled'],
    ]);
    expect(await notices(t, 'Patient/ooc-2')).toContainEqual(['listing-rejected', 'Patient/ooc-2']);
  });
});
