/**
 * The catalogue as IHE mCSD (ITI-90) clients search it (docs/catalogue.md): `Location?near` against
 * distances computed here by an independent formula, nearest first with the location-distance
 * extension, paging in distance order, bad values refused; `_include`/`_revinclude` between units,
 * places and services; `_history?_since` for directory sync.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/test-app.js';
import { expectStatus, listingApp } from './listing-fixtures.js';

let t: TestApp;
beforeAll(async () => {
  t = await listingApp();
}, 120_000);
afterAll(() => t?.close());

const VAXJO = { lat: 56.8777, lon: 14.8091 };
const SEEDED: Record<string, [number, number]> = {
  'loc-vc-centrum': [56.8777, 14.8091],
  'loc-vc-teleborg': [56.853, 14.816],
  'loc-vc-ljungby': [56.8332, 13.9408],
  'loc-vc-varnamo': [57.186, 14.04],
  'loc-rad-1177': [56.89, 14.82],
};

/** Spherical law of cosines (not the server's haversine), with the same mean radius. */
function cosineKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const r = Math.PI / 180;
  const c = Math.sin(lat1 * r) * Math.sin(lat2 * r) + Math.cos(lat1 * r) * Math.cos(lat2 * r) * Math.cos((lon2 - lon1) * r);
  return 6371.0088 * Math.acos(Math.min(1, c));
}

const fromVaxjo = Object.entries(SEEDED)
  .map(([id, [lat, lon]]) => [id, cosineKm(VAXJO.lat, VAXJO.lon, lat, lon)] as const)
  .sort((a, b) => a[1] - b[1]);

describe('Location?near', () => {
  it('finds the Locations within the distance, nearest first, each with its distance', async () => {
    const res = expectStatus(await t.request('GET', `Location?near=${VAXJO.lat}|${VAXJO.lon}|55|km`), 200);
    const expected = fromVaxjo.filter(([, km]) => km <= 55);
    expect(expected.length).toBeGreaterThan(2);
    expect(expected.length).toBeLessThan(Object.keys(SEEDED).length);
    expect(res.body.entry.map((e: any) => e.resource.id)).toEqual(expected.map(([id]) => id));
    for (const [i, [, km]] of expected.entries()) {
      const ext = res.body.entry[i].search.extension;
      expect(ext[0].url).toBe('http://hl7.org/fhir/StructureDefinition/location-distance');
      expect(ext[0].valueDistance).toMatchObject({ unit: 'km', system: 'http://unitsofmeasure.org', code: 'km' });
      expect(ext[0].valueDistance.value).toBeCloseTo(km, 2);
    }
  });

  it('takes metres and international miles', async () => {
    const metres = expectStatus(await t.request('GET', `Location?near=${VAXJO.lat}|${VAXJO.lon}|3000|m`), 200);
    expect(metres.body.entry.map((e: any) => e.resource.id)).toEqual(fromVaxjo.filter(([, km]) => km <= 3).map(([id]) => id));
    const miles = expectStatus(await t.request('GET', `Location?near=${VAXJO.lat}|${VAXJO.lon}|34|[mi_i]`), 200);
    expect(miles.body.entry.map((e: any) => e.resource.id)).toEqual(fromVaxjo.filter(([, km]) => km <= 34 * 1.609344).map(([id]) => id));
  });

  it('pages in distance order', async () => {
    const seen: string[] = [];
    let url: string | undefined = `Location?near=${VAXJO.lat}|${VAXJO.lon}|500|km&_count=2`;
    while (url) {
      const page: any = expectStatus(await t.request('GET', url), 200).body;
      seen.push(...(page.entry ?? []).map((e: any) => e.resource.id));
      url = page.link.find((l: any) => l.relation === 'next')?.url;
    }
    expect(seen).toEqual(fromVaxjo.map(([id]) => id));
  });

  it('combines with other parameters and with _include of the managing unit', async () => {
    const res = expectStatus(await t.request('GET', `Location?near=${VAXJO.lat}|${VAXJO.lon}|10&organization=Organization/vc-teleborg&_include=Location:organization`), 200);
    expect(res.body.entry.map((e: any) => [e.resource.resourceType, e.resource.id, e.search.mode])).toEqual([
      ['Location', 'loc-vc-teleborg', 'match'],
      ['Organization', 'vc-teleborg', 'include'],
    ]);
  });

  it('refuses a malformed point or unknown units with 400 naming near', async () => {
    for (const bad of ['abc|14', '56.8', '95|14|1|km', '56|14|-1|km', '56|14|1|furlong', '56|14|1|km|x']) {
      const res = expectStatus(await t.request('GET', `Location?near=${encodeURIComponent(bad)}`), 400);
      expect(res.body.issue[0]).toMatchObject({ code: 'invalid', expression: ['near'] });
    }
  });
});

describe('mCSD directory searches', () => {
  it('revincludes a unit’s places, services and roles, and syncs by _history?_since', async () => {
    const res = expectStatus(
      await t.request('GET', 'Organization?_id=vc-centrum&_revinclude=Location:organization&_revinclude=HealthcareService:organization&_revinclude=PractitionerRole:organization'),
      200,
    );
    const got = res.body.entry.map((e: any) => `${e.resource.resourceType}/${e.resource.id}`).sort();
    expect(got).toEqual(['HealthcareService/listning-vc-centrum', 'Location/loc-vc-centrum', 'Organization/vc-centrum', 'PractitionerRole/anna-lind-vc-centrum', 'PractitionerRole/erik-berg-vc-centrum']);
    const since = new Date().toISOString();
    const org = (await t.request('GET', 'Organization/vc-ljungby')).body;
    expectStatus(await t.request('PUT', 'Organization/vc-ljungby', { body: { ...org, telecom: [{ system: 'phone', value: '0372-58 50 01', use: 'work' }] } }), 200);
    const history = expectStatus(await t.request('GET', `Organization/_history?_since=${encodeURIComponent(since)}`), 200);
    expect(history.body.entry.map((e: any) => e.resource.id)).toEqual(['vc-ljungby']);
  });
});
