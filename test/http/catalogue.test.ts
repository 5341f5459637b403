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
  t = await listingApp(['10-region.json', '20-cases.json', '30-booking.json', '80-catalogue.json', '81-listing-operations.json', '82-listing-demo.json']);
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
    expect(got).toEqual(['HealthcareService/arenden-vc-centrum', 'HealthcareService/bokning-vc-centrum', 'HealthcareService/listning-vc-centrum', 'Location/loc-vc-centrum', 'Organization/vc-centrum', 'PractitionerRole/anna-lind-vc-centrum', 'PractitionerRole/erik-berg-vc-centrum']);
    const since = new Date().toISOString();
    const org = (await t.request('GET', 'Organization/vc-ljungby')).body;
    expectStatus(await t.request('PUT', 'Organization/vc-ljungby', { body: { ...org, telecom: [{ system: 'phone', value: '0372-58 50 01', use: 'work' }] } }), 200);
    const history = expectStatus(await t.request('GET', `Organization/_history?_since=${encodeURIComponent(since)}`), 200);
    expect(history.body.entry.map((e: any) => e.resource.id)).toEqual(['vc-ljungby']);
  });
});

describe('Organization/$contact-card', () => {
  it('is a document: a Composition with the card’s parts, then the unit, its place and its services', async () => {
    const citizen = await t.citizenToken('191212121212');
    const res = expectStatus(await t.request('GET', 'Organization/vc-centrum/$contact-card?date=2026-12-24', { token: citizen }), 200);
    expect(res.body).toMatchObject({ resourceType: 'Bundle', type: 'document' });
    const [composition, ...rest] = res.body.entry.map((e: any) => e.resource);
    expect(composition).toMatchObject({ resourceType: 'Composition', status: 'final', subject: { reference: 'Organization/vc-centrum' } });
    const section = (code: string) => composition.section.find((s: any) => s.code.text === code).text.div as string;
    expect(section('address')).toContain('Besöksadress: Storgatan 1, 351 85 Växjö');
    expect(section('address')).toContain('Postadress: Box 1223, 351 85 Växjö');
    expect(section('phone')).toContain('0470-58 70 00');
    expect(section('today')).toContain('torsdag 2026-12-24: Stängt (Julafton)');
    expect(section('week')).toContain('måndag 2026-12-21: 08:00–17:00');
    expect(section('week')).toContain('fredag 2026-12-25: Stängt (Juldagen)');
    expect(section('e-services')).toContain('Rådgivning och hjälp');
    expect(section('e-services')).toContain('Boka tid online: Besök på mottagningen');
    // vc-centrum is full (cap 4) and Tolvan waits.
    expect(section('e-services')).toContain('Listning: fullt (listningstak 4); ställ dig i kön (1 väntar)');
    expect(rest.map((r: any) => `${r.resourceType}/${r.id}`)).toEqual(expect.arrayContaining(['Organization/vc-centrum', 'Location/loc-vc-centrum', 'HealthcareService/listning-vc-centrum']));
  });

  it('applies the unit’s own closures, and says when listing is open', async () => {
    const res = expectStatus(await t.request('GET', 'Organization/vc-centrum/$contact-card?date=2026-12-29'), 200);
    const week = res.body.entry[0].resource.section.find((s: any) => s.code.text === 'week').text.div;
    expect(week).toContain('tisdag 2026-12-29: Stängt (Stängt för utbildning)');
    const ljungby = expectStatus(await t.request('GET', 'Organization/vc-ljungby/$contact-card'), 200);
    expect(ljungby.body.entry[0].resource.section.find((s: any) => s.code.text === 'e-services').text.div).toContain('Listning: öppen för nya listningar');
  });

  it('is an HTML page with Accept: text/html', async () => {
    const res = await t.request('GET', 'Organization/vc-centrum/$contact-card?date=2026-12-24', { headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.text).toContain('<h1>Vårdcentralen Centrum, Växjö</h1>');
    expect(res.text).toContain('torsdag 2026-12-24: Stängt (Julafton)');
  });

  it('is 404 for an unknown unit and 400 for a bad date, as FHIR JSON even to a browser', async () => {
    const missing = await t.request('GET', 'Organization/nope/$contact-card', { headers: { accept: 'text/html' } });
    expect(missing.status).toBe(404);
    expect(missing.body.issue[0].code).toBe('not-found');
    const bad = expectStatus(await t.request('GET', 'Organization/vc-centrum/$contact-card?date=2026-02-30'), 400);
    expect(bad.body.issue[0]).toMatchObject({ code: 'invalid', expression: ['date'] });
  });
});

describe('Organization/$find-units (Verksamhetskatalogen)', () => {
  const find = async (text: string) => {
    const res = expectStatus(await t.request('GET', `Organization/$find-units?text=${encodeURIComponent(text)}`), 200);
    return res.body.entry?.map((e: any) => e.resource.id) ?? [];
  };

  it('finds units by municipality with accents ignored, never the regions', async () => {
    expect(await find('vaxjo')).toEqual(['rad-1177', 'vc-centrum', 'vc-teleborg']);
    expect(await find('VÄXJÖ')).toEqual(await find('vaxjo'));
    expect(await find('varnamo')).toEqual(['vc-varnamo']);
  });

  it('finds units by name, by postcode with or without its space, and by service', async () => {
    expect(await find('teleborg')).toEqual(['vc-teleborg']);
    expect(await find('341 30')).toEqual(['vc-ljungby']);
    expect(await find('34130')).toEqual(['vc-ljungby']);
    expect(await find('provtagning')).toEqual(['vc-ljungby']);
    expect(await find('tidbokning')).toEqual(['vc-centrum', 'vc-teleborg', 'vc-ljungby'].sort((a, b) => a.localeCompare(b)));
    expect(await find('radgivning')).toEqual(['rad-1177', 'vc-centrum', 'vc-teleborg', 'vc-ljungby'].sort((a, b) => a.localeCompare(b)));
  });

  it('needs every word to match', async () => {
    expect(await find('vaxjo teleborg')).toEqual(['vc-teleborg']);
    expect(await find('ljungby teleborg')).toEqual([]);
  });

  it('refuses a missing or empty text with 400 naming it', async () => {
    expect(expectStatus(await t.request('GET', 'Organization/$find-units'), 400).body.issue[0].expression).toEqual(['text']);
    expect(expectStatus(await t.request('GET', 'Organization/$find-units?text=%20'), 400).body.issue[0].expression).toEqual(['text']);
  });
});
