/**
 * What a search returns (https://hl7.org/fhir/R4/search.html, http.html#search): comma = OR and
 * repetition = AND; `_include` / `_revinclude` (`:iterate`, `*`); system and compartment search;
 * `POST _search`; the searchset Bundle (fullUrl, search.mode, links, total); paging that neither
 * repeats nor skips rows while others write, with page tokens that carry no search values; `_sort`,
 * `_count`, `_total`, `_summary`, `_elements`, `_text`, `_content`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entryRefs, linkUrl, matchLabels, search, seed } from '../support/search.js';
import { BASE, createTestApp, type TestApp, type TestResponse } from '../support/test-app.js';

const PNR = 'http://electronichealth.se/identifier/personnummer';
const LOINC = 'http://loinc.org';
const SUBSETTED = { system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue', code: 'SUBSETTED' };

let t: TestApp;
let refs: Map<string, string>;
let mid: string;
const ref = (label: string) => refs.get(label)!;
const id = (label: string) => ref(label).split('/')[1]!;
const labelsOf = (res: TestResponse, mode = 'match') => {
  const byRef = new Map([...refs].map(([l, r]) => [r, l]));
  return entryRefs(res.body, mode).map((r) => byRef.get(r) ?? r);
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const obs = (code: string, extra: Record<string, unknown> = {}) => ({
  resourceType: 'Observation',
  status: 'final',
  code: { coding: [{ system: LOINC, code }] },
  ...extra,
});
const pager = (n: number) => ({
  resourceType: 'Patient',
  name: [{ family: 'Pager', given: [`G${String(n).padStart(2, '0')}`] }],
  birthDate: `1990-01-${String((n % 28) + 1).padStart(2, '0')}`,
});

const flowPatient = (given: string, birthDate: string) => ({ resourceType: 'Patient', name: [{ family: 'Flow', given: [given] }], birthDate });

beforeAll(async () => {
  t = await createTestApp();
  const first = await seed(t, {
    region: { resourceType: 'Organization', name: 'Region Lots' },
    doctor: { resourceType: 'Practitioner', name: [{ family: 'Läkare' }] },
  });
  const people = await seed(t, {
    anna: {
      resourceType: 'Patient',
      name: [{ family: 'Andersson', given: ['Anna'] }],
      identifier: [{ system: PNR, value: '191212121212' }],
      managingOrganization: { reference: first.get('region') },
      generalPractitioner: [{ reference: first.get('doctor') }],
      maritalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-MaritalStatus', code: 'M' }] },
      text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">Anna har diabetes typ 2</div>' },
      address: [{ line: ['Storgatan 1'], city: 'Borås' }],
      gender: 'female',
    },
    bertil: { resourceType: 'Patient', name: [{ family: 'Berg', given: ['Bertil'] }], identifier: [{ system: PNR, value: '195009072553' }], gender: 'male' },
  });
  const visits = await seed(t, {
    visit: { resourceType: 'Encounter', status: 'finished', class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' }, subject: { reference: people.get('anna') } },
  });
  const leaf = await seed(t, { obsLeaf: obs('2708-6', { subject: { reference: people.get('anna') } }) });
  const middle = await seed(t, { obsMiddle: obs('8480-6', { subject: { reference: people.get('bertil') }, hasMember: [{ reference: leaf.get('obsLeaf') }] }) });
  const top = await seed(t, {
    obsTop: obs('85354-9', {
      subject: { reference: people.get('anna') },
      encounter: { reference: visits.get('visit') },
      performer: [{ reference: first.get('doctor') }],
      hasMember: [{ reference: middle.get('obsMiddle') }],
    }),
  });
  const sorters = await seed(t, {
    sAndersson: { resourceType: 'Patient', identifier: [{ system: 'urn:sort', value: '1' }], name: [{ family: 'Andersson' }], birthDate: '1980-01-01', gender: 'female' },
    sBerg: { resourceType: 'Patient', identifier: [{ system: 'urn:sort', value: '2' }], name: [{ family: 'berg' }], birthDate: '1970-01-01', gender: 'other' },
    sOberg90: { resourceType: 'Patient', identifier: [{ system: 'urn:sort', value: '3' }], name: [{ family: 'Öberg' }], birthDate: '1990-01-01', gender: 'male' },
    sOberg60: { resourceType: 'Patient', identifier: [{ system: 'urn:sort', value: '4' }], name: [{ family: 'Öberg' }], birthDate: '1960-01-01', gender: 'female' },
    sZetterberg: { resourceType: 'Patient', identifier: [{ system: 'urn:sort', value: '5' }], name: [{ family: 'Zetterberg' }], gender: 'male' },
  });
  const pagers = await seed(t, Object.fromEntries(Array.from({ length: 25 }, (_, n) => [`pager${n}`, pager(n)])));
  const flow = await seed(t, Object.fromEntries(Array.from({ length: 10 }, (_, n) => [`flow${n}`, flowPatient(`F${n}`, `1995-02-${String(n + 10)}`)])));
  mid = new Date().toISOString();
  await sleep(10);
  const later = await seed(t, {
    latePatient: { resourceType: 'Patient', name: [{ family: 'Sent' }] },
    lateOrg: { resourceType: 'Organization', name: 'Sen organisation' },
  });
  const laterObs = await seed(t, { lateObs: obs('8867-4', { subject: { reference: later.get('latePatient') } }) });
  refs = new Map([...first, ...people, ...visits, ...leaf, ...middle, ...top, ...sorters, ...pagers, ...flow, ...later, ...laterObs]);
});
afterAll(() => t.close());

describe('the searchset Bundle', () => {
  it('has fullUrl, search.mode and resource for each match, and a total', async () => {
    const res = await search(t, `Patient?_id=${id('anna')}`);
    expect(res.body.total).toBe(1);
    expect(res.body.entry).toHaveLength(1);
    const [entry] = res.body.entry;
    expect(entry.fullUrl).toBe(`${BASE}/${ref('anna')}`);
    expect(entry.search).toEqual({ mode: 'match' });
    expect(entry.resource.name[0].family).toBe('Andersson');
    expect(res.headers.get('content-type')).toMatch(/^application\/fhir\+json/);
  });

  it('is an empty searchset with total 0 when nothing matches', async () => {
    const res = await search(t, 'Patient?family=nobody-has-this-name');
    expect(res.body.total).toBe(0);
    expect(res.body.entry).toBeUndefined();
    expect(linkUrl(res.body, 'next')).toBeUndefined();
  });

  it('comma is OR, repetition is AND', async () => {
    expect(await matchLabels(t, refs, 'Patient?family=andersson,berg&gender=female')).toEqual(['anna', 'sAndersson']);
    expect(await matchLabels(t, refs, 'Patient?family=andersson,berg&gender=female,male')).toEqual(['anna', 'bertil', 'sAndersson']);
    expect(await matchLabels(t, refs, 'Patient?family=andersson&family=berg')).toEqual([]);
    expect(await matchLabels(t, refs, `Patient?identifier=${PNR}|&identifier=195009072553`)).toEqual(['bertil']);
  });
});

describe('_include and _revinclude', () => {
  const run = async (query: string) => {
    const res = await search(t, query);
    return { match: labelsOf(res).sort(), include: labelsOf(res, 'include').sort(), res };
  };

  it('_include adds the referenced resource with search.mode include', async () => {
    const { match, include, res } = await run(`Observation?_id=${id('obsTop')}&_include=Observation:subject`);
    expect(match).toEqual(['obsTop']);
    expect(include).toEqual(['anna']);
    const included = res.body.entry.find((e: { search: { mode: string } }) => e.search.mode === 'include');
    expect(included.fullUrl).toBe(`${BASE}/${ref('anna')}`);
    expect(res.body.total).toBe(1);
  });

  it.each([
    ['several _include', () => `Observation?_id=${id('obsTop')}&_include=Observation:subject&_include=Observation:performer`, ['anna', 'doctor']],
    ['_include with a target type', () => `Observation?_id=${id('obsTop')}&_include=Observation:performer:Practitioner`, ['doctor']],
    ['_include with a target type that does not match', () => `Observation?_id=${id('obsTop')}&_include=Observation:performer:Organization`, []],
    ['_include=Observation:*', () => `Observation?_id=${id('obsTop')}&_include=Observation:*`, ['anna', 'doctor', 'obsMiddle', 'visit']],
    ['_include=*', () => `Observation?_id=${id('obsTop')}&_include=*`, ['anna', 'doctor', 'obsMiddle', 'visit']],
    ['_include does not iterate', () => `Observation?_id=${id('obsTop')}&_include=Observation:has-member`, ['obsMiddle']],
    ['_include:iterate follows the chain', () => `Observation?_id=${id('obsTop')}&_include:iterate=Observation:has-member`, ['obsLeaf', 'obsMiddle']],
    ['_include:iterate across types', () => `Observation?_id=${id('obsTop')}&_include=Observation:subject&_include:iterate=Patient:organization`, ['anna', 'region']],
    ['_include:iterate from included resources', () => `Observation?_id=${id('obsTop')}&_include=Observation:has-member&_include:iterate=Observation:subject`, ['anna', 'bertil', 'obsMiddle']],
    ['_revinclude', () => `Patient?_id=${id('anna')}&_revinclude=Observation:subject`, ['obsLeaf', 'obsTop']],
    ['_revinclude of two types', () => `Patient?_id=${id('anna')}&_revinclude=Observation:subject&_revinclude=Encounter:subject`, ['obsLeaf', 'obsTop', 'visit']],
    ['_revinclude=*', () => `Practitioner?_id=${id('doctor')}&_revinclude=*`, ['anna', 'obsTop']],
    ['_revinclude:iterate', () => `Observation?_id=${id('obsLeaf')}&_revinclude:iterate=Observation:has-member`, ['obsMiddle', 'obsTop']],
    ['_include and _revinclude together', () => `Encounter?_id=${id('visit')}&_include=Encounter:subject&_revinclude=Observation:encounter`, ['anna', 'obsTop']],
  ])('%s', async (_what, query, expected) => {
    expect((await run(query())).include).toEqual(expected);
  });

  it('a resource that is already a match is not included again', async () => {
    const { match, include } = await run(`Observation?_id=${id('obsTop')},${id('obsMiddle')}&_include=Observation:has-member`);
    expect(match).toEqual(['obsMiddle', 'obsTop']);
    expect(include).toEqual(['obsLeaf']);
  });

  it('answers 400 for an _include of a parameter that is not a reference', async () => {
    const res = await t.request('GET', 'Observation?_include=Observation:code');
    expect(res.status).toBe(400);
  });
});

describe('the cap on included resources (LOTS_MAX_INCLUDES)', () => {
  let small: TestApp;
  const patientWith = async (observations: number) => {
    const entry = [
      { fullUrl: 'urn:uuid:p', resource: { resourceType: 'Patient', name: [{ family: 'Capped' }] }, request: { method: 'POST', url: 'Patient' } },
      ...Array.from({ length: observations }, () => ({ resource: obs('8867-4', { subject: { reference: 'urn:uuid:p' } }), request: { method: 'POST', url: 'Observation' } })),
    ];
    const res = await small.request('POST', '', { body: { resourceType: 'Bundle', type: 'transaction', entry } });
    expect(res.status, res.text).toBe(200);
    return res.body.entry[0].response.location.split('/')[1] as string;
  };
  const modes = (res: TestResponse) => (res.body.entry ?? []).map((e: any) => e.search.mode);

  beforeAll(async () => {
    small = await createTestApp({ LOTS_MAX_INCLUDES: '3' });
  });
  afterAll(async () => {
    await small?.close();
  });

  it('returns at most the cap, and says so in an OperationOutcome entry', async () => {
    const patient = await patientWith(5);
    const res = await small.request('GET', `Patient?_id=${patient}&_revinclude=Observation:subject`);
    expect(res.status).toBe(200);
    expect(modes(res)).toEqual(['match', 'include', 'include', 'include', 'outcome']);
    const issue = res.body.entry[4].resource.issue[0];
    expect(issue).toMatchObject({ severity: 'warning', code: 'too-costly' });
    expect(issue.diagnostics).toMatch(/Only 3 of the resources _include\/_revinclude add to this page .* _count/);
  });

  it('says nothing when the included resources fit the cap exactly', async () => {
    const patient = await patientWith(3);
    const res = await small.request('GET', `Patient?_id=${patient}&_revinclude=Observation:subject`);
    expect(modes(res)).toEqual(['match', 'include', 'include', 'include']);
  });
});

describe('system search', () => {
  it('_type with _lastUpdated finds the later resources of those types only', async () => {
    const found = await matchLabels(t, refs, `?_type=Patient,Observation&_lastUpdated=ge${mid}`);
    expect(found).toEqual(['lateObs', 'latePatient']);
    // Without _type, every type: here the later resources, and the AuditEvents the server writes as they are read.
    const all = await matchLabels(t, refs, `?_lastUpdated=ge${mid}`);
    expect(all.filter((r) => !r.startsWith('AuditEvent/'))).toEqual(['lateObs', 'lateOrg', 'latePatient']);
  });

  it('keeps _type in self and across pages', async () => {
    const res = await search(t, `?_type=Patient,Organization&_lastUpdated=ge${mid}&_count=1&_total=accurate`);
    expect(linkUrl(res.body, 'self')).toContain('_type=Patient%2COrganization');
    expect(res.body.total).toBe(2);
    const page2 = await search(t, linkUrl(res.body, 'next')!);
    expect([...labelsOf(res), ...labelsOf(page2)].sort()).toEqual(['lateOrg', 'latePatient']);
    expect(linkUrl(page2.body, 'next')).toBeUndefined();
  });

  it('answers 400 for an unknown type', async () => {
    expect((await t.request('GET', '?_type=Patient,Nonsense')).status).toBe(400);
  });
});

describe('compartment search', () => {
  it.each([
    ['Observations of a patient', () => `Patient/${id('anna')}/Observation`, ['obsLeaf', 'obsTop']],
    ['with a filter', () => `Patient/${id('anna')}/Observation?code=85354-9`, ['obsTop']],
    ['Encounters of a patient', () => `Patient/${id('anna')}/Encounter`, ['visit']],
    ['another patient', () => `Patient/${id('bertil')}/Observation`, ['obsMiddle']],
    ['an unknown patient has an empty compartment', () => 'Patient/unknown-patient/Observation', []],
  ])('%s', async (_what, path, expected) => {
    expect(await matchLabels(t, refs, path())).toEqual(expected);
  });

  it('_include is not limited to the compartment', async () => {
    const res = await search(t, `Patient/${id('anna')}/Observation?_include=Observation:performer`);
    expect(labelsOf(res, 'include')).toEqual(['doctor']);
  });

  it('links stay inside the compartment', async () => {
    const res = await search(t, `Patient/${id('anna')}/Observation?_count=1`);
    expect(linkUrl(res.body, 'self')).toBe(`${BASE}/Patient/${id('anna')}/Observation?_count=1`);
    const next = linkUrl(res.body, 'next')!;
    expect(next.startsWith(`${BASE}/Patient/${id('anna')}/Observation?`)).toBe(true);
    const page2 = await search(t, next);
    expect([...labelsOf(res), ...labelsOf(page2)].sort()).toEqual(['obsLeaf', 'obsTop']);
  });
});

describe('POST _search', () => {
  it('takes the parameters as a form body, and in the URL as well', async () => {
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const res = await t.request('POST', 'Patient/_search', { body: 'family=pager&_count=3&_sort=given&_total=accurate', headers: form });
    expect(res.status).toBe(200);
    expect(res.body.type).toBe('searchset');
    expect(res.body.total).toBe(25);
    expect(res.body.entry.map((e: { resource: { name: { given: string[] }[] } }) => e.resource.name[0]!.given[0])).toEqual(['G00', 'G01', 'G02']);
    const mixed = await t.request('POST', 'Patient/_search?gender=female', { body: `identifier=${encodeURIComponent(`${PNR}|`)}`, headers: form });
    expect(labelsOf(mixed)).toEqual(['anna']);
  });

  it('answers 415 for a JSON body', async () => {
    const res = await t.request('POST', 'Patient/_search', { body: { family: 'pager' } });
    expect(res.status).toBe(415);
  });
});

describe('paging and links', () => {
  it('has first, self and next; previous from page 2; default _count is 20', async () => {
    const page1 = await search(t, 'Patient?family=pager');
    expect(page1.body.entry).toHaveLength(20);
    expect(page1.body.total).toBeUndefined();
    expect(linkUrl(page1.body, 'self')).toBe(`${BASE}/Patient?family=pager`);
    expect(linkUrl(page1.body, 'first')).toMatch(new RegExp(`^${BASE}/Patient\\?`));
    expect(linkUrl(page1.body, 'previous')).toBeUndefined();
    const page2 = await search(t, linkUrl(page1.body, 'next')!);
    expect(page2.body.entry).toHaveLength(5);
    expect(page2.body.total).toBe(25);
    expect(linkUrl(page2.body, 'next')).toBeUndefined();
    const back = await search(t, linkUrl(page2.body, 'previous')!);
    expect(labelsOf(back)).toEqual(labelsOf(page1));
    const first = await search(t, linkUrl(page2.body, 'first')!);
    expect(labelsOf(first)).toEqual(labelsOf(page1));
    const all = [...labelsOf(page1), ...labelsOf(page2)];
    expect(new Set(all).size).toBe(25);
  });

  it('caps _count at 1000 and says so in self', async () => {
    const res = await search(t, 'Patient?family=pager&_count=5000');
    expect(res.body.entry).toHaveLength(25);
    expect(linkUrl(res.body, 'self')).toBe(`${BASE}/Patient?family=pager&_count=1000`);
  });

  it('_count=0 returns only the total', async () => {
    const res = await search(t, 'Patient?family=pager&_count=0');
    expect(res.body.entry).toBeUndefined();
    expect(res.body.total).toBe(25);
  });

  it('page tokens carry no search values: a searched personnummer is not in next, previous or first', async () => {
    const page1 = await search(t, `Patient?identifier=${PNR}|191212121212,${PNR}|195009072553&_count=1`);
    expect(page1.body.entry).toHaveLength(1);
    const page2 = await search(t, linkUrl(page1.body, 'next')!);
    expect(page2.body.entry).toHaveLength(1);
    for (const url of [linkUrl(page1.body, 'next'), linkUrl(page1.body, 'first'), linkUrl(page2.body, 'previous'), linkUrl(page2.body, 'self')]) {
      expect(url).toBeDefined();
      expect(decodeURIComponent(url!)).not.toContain('191212121212');
      expect(decodeURIComponent(url!)).not.toContain('195009072553');
      expect(decodeURIComponent(url!)).not.toContain('identifier');
    }
    expect([...labelsOf(page1), ...labelsOf(page2)].sort()).toEqual(['anna', 'bertil']);
  });

  it('answers 400 for a tampered page token', async () => {
    const page1 = await search(t, 'Patient?family=pager&_count=5');
    const next = linkUrl(page1.body, 'next')!;
    const tampered = next.replace(/_page=(.)/, (_m, c: string) => `_page=${c === 'A' ? 'B' : 'A'}`);
    const res = await t.request('GET', tampered);
    expect(res.status).toBe(400);
    expect(res.body.resourceType).toBe('OperationOutcome');
  });

  it.each([
    ['no _sort', ''],
    ['_sort by birthdate', '&_sort=birthdate'],
    ['_sort by -given', '&_sort=-given'],
    ['_sort by -_lastUpdated', '&_sort=-_lastUpdated'],
  ])('neither repeats nor skips rows while others create: %s', async (_what, sort) => {
    const before = new Set(await matchLabels(t, refs, `Patient?family=flow${sort}&_count=100`));
    expect(before.size).toBeGreaterThanOrEqual(10);
    const seen: string[] = [];
    let res = await search(t, `Patient?family=flow${sort}&_count=3`);
    for (let n = 0; ; n++) {
      seen.push(...labelsOf(res));
      // Someone else creates patients that sort before, between and after the pages (for the first few).
      if (n < 3) await seed(t, {
        a: flowPatient(`A-writer-${n}`, '1900-01-01'),
        m: flowPatient(`M-writer-${n}`, '1995-02-15'),
        z: flowPatient(`Z-writer-${n}`, '2020-01-01'),
      });
      const next = linkUrl(res.body, 'next');
      if (!next) break;
      res = await search(t, next);
    }
    expect(new Set(seen).size).toBe(seen.length);
    for (const label of before) expect(seen).toContain(label);
  });
});

describe('_sort', () => {
  const SORTED = 'Patient?identifier=urn:sort|';
  it.each([
    ['string asc, then date desc', '_sort=family,-birthdate', ['sAndersson', 'sBerg', 'sOberg90', 'sOberg60', 'sZetterberg']],
    ['string desc, then date asc', '_sort=-family,birthdate', ['sZetterberg', 'sOberg60', 'sOberg90', 'sBerg', 'sAndersson']],
    ['date asc, missing last', '_sort=birthdate', ['sOberg60', 'sBerg', 'sAndersson', 'sOberg90', 'sZetterberg']],
    ['date desc, missing last', '_sort=-birthdate', ['sOberg90', 'sAndersson', 'sBerg', 'sOberg60', 'sZetterberg']],
    ['token, then date desc', '_sort=gender,-birthdate', ['sAndersson', 'sOberg60', 'sOberg90', 'sZetterberg', 'sBerg']],
    ['_lastUpdated', '_sort=_lastUpdated', ['sAndersson', 'sBerg', 'sOberg90', 'sOberg60', 'sZetterberg']],
    ['-_lastUpdated', '_sort=-_lastUpdated', ['sZetterberg', 'sOberg60', 'sOberg90', 'sBerg', 'sAndersson']],
  ])('%s: %s', async (_what, sort, expected) => {
    const whole = await search(t, `${SORTED}&${sort}`);
    expect(labelsOf(whole)).toEqual(expected);
    // The same order page by page.
    const paged: string[] = [];
    let res = await search(t, `${SORTED}&${sort}&_count=2`);
    for (;;) {
      paged.push(...labelsOf(res));
      const next = linkUrl(res.body, 'next');
      if (!next) break;
      res = await search(t, next);
    }
    expect(paged).toEqual(expected);
  });

  it('pages through resources that share a missing sort key', async () => {
    const more = await seed(t, {
      dated: { resourceType: 'Patient', name: [{ family: 'Nullsort' }], birthDate: '2001-01-01' },
      undated1: { resourceType: 'Patient', name: [{ family: 'Nullsort' }] },
      undated2: { resourceType: 'Patient', name: [{ family: 'Nullsort' }] },
      undated3: { resourceType: 'Patient', name: [{ family: 'Nullsort' }] },
    });
    for (const sort of ['birthdate', '-birthdate']) {
      const seen: string[] = [];
      let res = await search(t, `Patient?family=nullsort&_sort=${sort}&_count=1`);
      for (;;) {
        seen.push(...entryRefs(res.body));
        const next = linkUrl(res.body, 'next');
        if (!next) break;
        res = await search(t, next);
      }
      expect(seen, sort).toEqual(['dated', 'undated1', 'undated2', 'undated3'].map((l) => more.get(l)));
    }
  });

  it('answers 400 for an unknown sort parameter', async () => {
    const res = await t.request('GET', 'Patient?_sort=shoe-size');
    expect(res.status).toBe(400);
  });
});

describe('_total', () => {
  it('accurate gives the exact total on every page', async () => {
    const res = await search(t, 'Patient?family=pager&_count=10&_total=accurate');
    expect(res.body.total).toBe(25);
    const page2 = await search(t, linkUrl(res.body, 'next')!);
    expect(page2.body.total).toBe(25);
  });

  it('by default, the total is given when it is known without counting: on the last page', async () => {
    const one = await search(t, 'Patient?family=pager&_count=30');
    expect(one.body.total).toBe(25);
    const page1 = await search(t, 'Patient?family=pager&_count=10');
    expect(page1.body.total).toBeUndefined();
    const page2 = await search(t, linkUrl(page1.body, 'next')!);
    expect(page2.body.total).toBeUndefined();
    const page3 = await search(t, linkUrl(page2.body, 'next')!);
    expect(page3.body.entry).toHaveLength(5);
    expect(page3.body.total).toBe(25);
  });

  it('none leaves it out, even when it is known', async () => {
    const res = await search(t, 'Patient?family=pager&_count=100&_total=none');
    expect(res.body.total).toBeUndefined();
    expect(res.body.entry).toHaveLength(25);
  });

  it('estimate gives a number', async () => {
    const res = await search(t, 'Patient?family=pager&_count=2&_total=estimate');
    expect(typeof res.body.total).toBe('number');
    expect(res.body.total).toBeGreaterThanOrEqual(0);
  });
});

describe('_summary and _elements', () => {
  const annaWith = async (param: string) => (await search(t, `Patient?_id=${id('anna')}&${param}`)).body.entry[0].resource;
  const subsetted = (r: { meta?: { tag?: { system: string; code: string }[] } }) =>
    (r.meta?.tag ?? []).some((tag) => tag.system === SUBSETTED.system && tag.code === SUBSETTED.code);

  it('_summary=true keeps the summary elements only', async () => {
    const r = await annaWith('_summary=true');
    expect(r.name[0].family).toBe('Andersson');
    expect(r.identifier).toBeDefined();
    expect(r.maritalStatus).toBeUndefined();
    expect(r.generalPractitioner).toBeUndefined();
    expect(r.text).toBeUndefined();
    expect(subsetted(r)).toBe(true);
  });

  it('_summary=text keeps text, id and meta', async () => {
    const r = await annaWith('_summary=text');
    expect(r.text.div).toContain('diabetes');
    expect(r.id).toBe(id('anna'));
    expect(r.name).toBeUndefined();
    expect(subsetted(r)).toBe(true);
  });

  it('_summary=data drops the text only', async () => {
    const r = await annaWith('_summary=data');
    expect(r.text).toBeUndefined();
    expect(r.maritalStatus).toBeDefined();
    expect(subsetted(r)).toBe(true);
  });

  it('_summary=false is the whole resource', async () => {
    const r = await annaWith('_summary=false');
    expect(r.text).toBeDefined();
    expect(r.maritalStatus).toBeDefined();
    expect(subsetted(r)).toBe(false);
  });

  it('_summary=count gives the total and no entries', async () => {
    const res = await search(t, 'Patient?family=pager&_summary=count');
    expect(res.body.total).toBe(25);
    expect(res.body.entry).toBeUndefined();
  });

  it('_elements keeps the named elements (and id, meta) and marks the resource SUBSETTED', async () => {
    const r = await annaWith('_elements=name,gender');
    expect(Object.keys(r).sort()).toEqual(['gender', 'id', 'meta', 'name', 'resourceType']);
    expect(subsetted(r)).toBe(true);
    const obsTop = (await search(t, `Observation?_id=${id('obsTop')}&_elements=subject`)).body.entry[0].resource;
    // status and code are mandatory in Observation, so they stay.
    expect(Object.keys(obsTop).sort()).toEqual(['code', 'id', 'meta', 'resourceType', 'status', 'subject']);
  });
});

describe('_text and _content', () => {
  it.each([
    ['_text finds words in the narrative', 'Patient?_text=diabetes', ['anna']],
    ['_text does not look outside the narrative', 'Patient?_text=storgatan', []],
    ['_content finds words anywhere in the resource', 'Patient?_content=storgatan', ['anna']],
    ['_content also sees the narrative', 'Patient?_content=diabetes', ['anna']],
    ['_content with two words', 'Patient?_content=Bertil Berg', ['bertil']],
    ['_content is not fooled by JSON keys', 'Patient?_content=family', []],
    ['_text with a word nobody has', 'Patient?_text=astma', []],
  ])('%s: %s', async (_what, query, expected) => {
    expect(await matchLabels(t, refs, query)).toEqual(expected);
  });
});
