/**
 * String search (https://hl7.org/fhir/R4/search.html#string): starts-with by default, case- and
 * accent-insensitive; `:exact`; `:contains`; HumanName and Address match on any of their parts; `:missing`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allBut, matchLabels, seed } from '../support/search.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
let refs: Map<string, string>;

beforeAll(async () => {
  t = await createTestApp();
  refs = await seed(t, {
    oberg: {
      resourceType: 'Patient',
      name: [{ family: 'Öberg', given: ['Sven', 'Erik'], prefix: ['Dr.'], suffix: ['Jr'], text: 'Dr. Sven Erik Öberg Jr' }],
      address: [{ line: ['Storgatan 1'], city: 'Göteborg', district: 'Västra Götaland', postalCode: '411 01', country: 'SE' }],
    },
    oberstein: { resourceType: 'Patient', name: [{ family: 'Oberstein', given: ['Anna'] }] },
    lindqvist: {
      resourceType: 'Patient',
      name: [{ family: 'Lindqvist', given: ['Åsa'] }, { use: 'maiden', family: 'Ærøskøbing' }],
      address: [{ line: ['Lilla torget 3'], city: 'Malmö', postalCode: '211 34', country: 'Sverige' }],
    },
    smith: { resourceType: 'Patient', name: [{ family: 'Smith-Jones', given: ['John'] }], address: [{ text: '1 Main Street, Springfield' }] },
    textOnly: { resourceType: 'Patient', name: [{ text: 'Kalle Anka' }] },
    nameless: { resourceType: 'Patient', gender: 'unknown', address: [{ city: 'Uppsala' }] },
    // Decomposed Ö (O + combining diaeresis), as some keyboards and systems send it.
    decomposed: { resourceType: 'Patient', name: [{ family: 'O\u0308hman' }] },
    region: { resourceType: 'Organization', name: 'Region Västra Götaland', alias: ['VGR'] },
    clinic: { resourceType: 'Organization', name: 'Vårdcentralen Öster' },
  });
});
afterAll(() => t.close());

const patientsBut = (...except: string[]) => allBut(refs, 'Patient', ...except);

describe('default: starts-with, ignoring case and accents', () => {
  it.each([
    ['Patient?name=oberg', ['oberg']],
    ['Patient?name=ober', ['oberg', 'oberstein']],
    ['Patient?name=OBER', ['oberg', 'oberstein']],
    ['Patient?name=Öberg', ['oberg']],
    ['Patient?name=öBERG', ['oberg']],
    ['Patient?name=O%CC%88berg', ['oberg']],
    ['Patient?name=ohman', ['decomposed']],
    ['Patient?name=Öhman', ['decomposed']],
    ['Patient?name=berg', []],
    ['Patient?name=obergx', []],
    ['Patient?name=asa', ['lindqvist']],
    ['Patient?name=aeroskobing', ['lindqvist']],
    ['Patient?family=oberg', ['oberg']],
    ['Patient?family=sven', []],
    ['Patient?given=sven', ['oberg']],
    ['Patient?given=oberg', []],
    ['Patient?given=e', ['oberg']],
    ['Organization?name=region vastra', ['region']],
    ['Organization?name=vardcentralen ost', ['clinic']],
    ['Organization?name=vgr', ['region']],
    ['Organization?phonetic=vgr', []],
  ])('%s', async (query, expected) => {
    expect(await matchLabels(t, refs, query)).toEqual(expected);
  });
});

describe('HumanName: any part', () => {
  it.each([
    ['family', 'Patient?name=oberg', ['oberg']],
    ['first given', 'Patient?name=sven', ['oberg']],
    ['second given', 'Patient?name=erik', ['oberg']],
    ['prefix', 'Patient?name=dr.', ['oberg']],
    ['suffix', 'Patient?name=jr', ['oberg']],
    ['text', 'Patient?name=dr. sven erik', ['oberg']],
    ['text-only name', 'Patient?name=kalle', ['textOnly']],
    ['given and family together', 'Patient?name=john smith', ['smith']],
    ['a second name', 'Patient?name=aero', ['lindqvist']],
    ['hyphenated family', 'Patient?name=smith-j', ['smith']],
  ])('%s: %s', async (_what, query, expected) => {
    expect(await matchLabels(t, refs, query)).toEqual(expected);
  });
});

describe('Address: any part', () => {
  it.each([
    ['line', 'Patient?address=storgatan', ['oberg']],
    ['city', 'Patient?address=goteborg', ['oberg']],
    ['district', 'Patient?address=vastra', ['oberg']],
    ['postal code', 'Patient?address=411', ['oberg']],
    ['country', 'Patient?address=sverige', ['lindqvist']],
    ['text', 'Patient?address=1 main', ['smith']],
    ['city with accent', 'Patient?address=MALMO', ['lindqvist']],
    ['address-city only looks at the city', 'Patient?address-city=storgatan', []],
    ['address-city', 'Patient?address-city=göte', ['oberg']],
    ['address-postalcode', 'Patient?address-postalcode=211', ['lindqvist']],
    ['address-country', 'Patient?address-country=se', ['oberg']],
  ])('%s: %s', async (_what, query, expected) => {
    expect(await matchLabels(t, refs, query)).toEqual(expected);
  });
});

describe(':contains', () => {
  it.each([
    ['Patient?name:contains=berg', ['oberg']],
    ['Patient?name:contains=BERG', ['oberg']],
    ['Patient?name:contains=ÖBE', ['oberg', 'oberstein']],
    ['Patient?name:contains=ÖBERG', ['oberg']],
    ['Patient?name:contains=jones', ['smith']],
    ['Patient?name:contains=ER', ['lindqvist', 'oberg', 'oberstein']],
    ['Patient?address:contains=gatan', ['oberg']],
    ['Patient?family:contains=qvisx', []],
    ['Patient?family:contains=qvis', ['lindqvist']],
  ])('%s', async (query, expected) => {
    expect(await matchLabels(t, refs, query)).toEqual(expected);
  });
});

describe(':exact', () => {
  it.each([
    ['Patient?name:exact=Öberg', ['oberg']],
    ['Patient?family:exact=Öberg', ['oberg']],
    ['Patient?name:exact=öberg', []],
    ['Patient?name:exact=Oberg', []],
    ['Patient?name:exact=Öber', []],
    ['Patient?given:exact=Sven', ['oberg']],
    ['Patient?given:exact=Åsa', ['lindqvist']],
    ['Patient?given:exact=Asa', []],
    ['Organization?name:exact=Region Västra Götaland', ['region']],
    ['Organization?name:exact=Region Västra', []],
  ])('%s', async (query, expected) => {
    expect(await matchLabels(t, refs, query)).toEqual(expected);
  });
});

describe(':missing', () => {
  it('name:missing=true finds the patient without a name', async () => {
    expect(await matchLabels(t, refs, 'Patient?name:missing=true')).toEqual(['nameless']);
  });
  it('name:missing=false finds every patient with a name', async () => {
    expect(await matchLabels(t, refs, 'Patient?name:missing=false')).toEqual(patientsBut('nameless'));
  });
  it('address:missing=true finds those without an address', async () => {
    expect(await matchLabels(t, refs, 'Patient?address:missing=true')).toEqual(['decomposed', 'oberstein', 'textOnly']);
  });
  it('family:missing=true counts a text-only name as missing a family', async () => {
    expect(await matchLabels(t, refs, 'Patient?family:missing=true')).toEqual(['nameless', 'textOnly']);
  });
});

describe('values are data, never patterns', () => {
  it.each([
    ['an underscore is not a wildcard', 'Patient?name=ob_rg', []],
    ['a percent sign is not a wildcard', 'Patient?name=%25', []],
    ['a percent sign inside :contains', 'Patient?name:contains=b%25g', []],
    ['a backslash', 'Patient?name=ober%5C', []],
  ])('%s: %s', async (_what, query, expected) => {
    expect(await matchLabels(t, refs, query)).toEqual(expected);
  });

  it('comma-separated values are ORed, repeated parameters ANDed', async () => {
    expect(await matchLabels(t, refs, 'Patient?name=oberg,lindqvist')).toEqual(['lindqvist', 'oberg']);
    expect(await matchLabels(t, refs, 'Patient?name=sven&name=oberg')).toEqual(['oberg']);
    expect(await matchLabels(t, refs, 'Patient?name=sven&name=anna')).toEqual([]);
  });

  it('an escaped comma is part of the value', async () => {
    const more = await seed(t, { comma: { resourceType: 'Organization', name: 'Kirurgi, avdelning 3' } });
    expect(await matchLabels(t, more, 'Organization?name=kirurgi\\,%20avd')).toEqual(['comma']);
    expect(await matchLabels(t, more, 'Organization?name=kirurgi,avd')).toEqual(['comma']);
    expect(await matchLabels(t, more, 'Organization?name=kirurgi\\,x')).toEqual([]);
  });
});
