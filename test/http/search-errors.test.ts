/**
 * Searches that are wrong (https://hl7.org/fhir/R4/search.html#errors): malformed values and unknown
 * modifiers are a 400 naming the parameter; unknown parameters are a 400 under `Prefer: handling=strict`
 * and, under lenient handling (the default), ignored, reported in an OperationOutcome entry
 * (search.mode `outcome`) and left out of `self`. Values are data: SQL in them finds nothing and breaks nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linkUrl, matchLabels, search, seed } from '../support/search.js';
import { BASE, createTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
let refs: Map<string, string>;
const STRICT = { prefer: 'handling=strict' };

beforeAll(async () => {
  t = await createTestApp();
  refs = await seed(t, {
    oberg: { resourceType: 'Patient', name: [{ family: 'Öberg', given: ['Sven'] }], birthDate: '1950-09-07', gender: 'male' },
    lind: { resourceType: 'Patient', name: [{ family: 'Lind' }], gender: 'female' },
    pulse: { resourceType: 'Observation', status: 'final', code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] }, valueQuantity: { value: 72, code: '/min', system: 'http://unitsofmeasure.org' } },
  });
});
afterAll(() => t.close());

describe('malformed values and modifiers: 400 under either handling', () => {
  it.each([
    ['a date that is not one', 'Patient?birthdate=notadate', /birthdate/],
    ['an impossible date', 'Patient?birthdate=2023-02-30', /birthdate/],
    ['a prefix without a value', 'Patient?birthdate=ge', /birthdate/],
    ['_lastUpdated that is not a date', 'Patient?_lastUpdated=yesterday', /_lastUpdated/],
    ['_count that is not a number', 'Patient?_count=abc', /_count/],
    ['a negative _count', 'Patient?_count=-1', /_count/],
    ['a quantity that is not a number', 'Observation?value-quantity=abc', /value-quantity/],
    ['a quantity with too many parts', 'Observation?value-quantity=5|a|b|c', /value-quantity/],
    ['a number that is not one', 'ChargeItem?factor-override=1.5.3', /factor-override/],
    ['a composite without its $', 'Observation?component-code-value-quantity=8480-6', /component-code-value-quantity/],
    ['an unknown modifier', 'Patient?name:sounds-like=oberg', /:sounds-like/],
    ['a modifier of another type', 'Patient?gender:exact=male', /:exact/],
    [':missing that is not true or false', 'Patient?name:missing=maybe', /missing/],
    ['of-type without three parts', 'Patient?identifier:of-type=MR|123', /of-type/],
    ['_total of an unknown kind', 'Patient?_total=some', /_total/],
    ['_summary of an unknown kind', 'Patient?_summary=maybe', /_summary/],
    ['_sort by a parameter that does not exist', 'Patient?_sort=shoe-size', /shoe-size/],
    ['_include that is not Type:param', 'Patient?_include=organization', /_include/],
    ['_has without a parameter', 'Patient?_has:Observation:subject=8867-4', /_has/],
    ['_has of an unknown type', 'Patient?_has:Nonsense:subject:code=1', /Nonsense/],
    ['a reference that is not one', 'Observation?subject=not a reference!', /subject/],
    ['a chain on a parameter that is not a reference', 'Patient?gender.name=x', /gender/],
  ])('%s: %s', async (_what, query, diagnostics) => {
    for (const headers of [{}, STRICT]) {
      const res = await t.request('GET', query, { headers });
      expect(res.status, JSON.stringify(headers)).toBe(400);
      expect(res.body.resourceType).toBe('OperationOutcome');
      expect(res.body.issue[0].severity).toBe('error');
      expect(res.body.issue[0].diagnostics).toMatch(diagnostics);
    }
  });

  it('while well-formed values of the same parameters are fine', async () => {
    for (const query of ['ChargeItem?factor-override=1.5', 'Patient?birthdate=ge2023-02-28', 'Observation?value-quantity=5||kg', 'Patient?_count=0']) {
      expect((await t.request('GET', query)).status, query).toBe(200);
    }
  });
});

describe('unknown parameters', () => {
  it.each([
    ['an unknown parameter', 'Patient?shoe-size=42&family=oberg', 'shoe-size'],
    ['a parameter of another type', 'Patient?code=8867-4&family=oberg', 'code'],
    ['an unknown chained parameter', 'Patient?organization.shoe=1&family=oberg', 'organization.shoe'],
    ['an unknown parameter with a modifier', 'Patient?shoe:exact=1&family=oberg', 'shoe:exact'],
  ])('%s: 400 when strict', async (_what, query, name) => {
    const res = await t.request('GET', query, { headers: STRICT });
    expect(res.status).toBe(400);
    expect(res.body.issue[0].expression).toEqual([name]);
  });

  it.each([
    ['an unknown parameter', 'Patient?shoe-size=42&family=oberg', 'shoe-size'],
    ['a parameter of another type', 'Patient?code=8867-4&family=oberg', 'code'],
    ['an unknown chained parameter', 'Patient?organization.shoe=1&family=oberg', 'organization.shoe'],
  ])('%s: ignored when lenient, reported in an outcome entry and left out of self', async (_what, query, name) => {
    for (const headers of [undefined, { prefer: 'handling=lenient' }]) {
      const res = await search(t, query, headers);
      const matches = res.body.entry.filter((e: { search: { mode: string } }) => e.search.mode === 'match');
      expect(matches.map((e: { resource: { id: string } }) => `Patient/${e.resource.id}`)).toEqual([refs.get('oberg')]);
      const outcome = res.body.entry.find((e: { search: { mode: string } }) => e.search.mode === 'outcome');
      expect(outcome.resource.resourceType).toBe('OperationOutcome');
      expect(outcome.resource.issue[0].severity).toBe('warning');
      expect(outcome.resource.issue[0].expression).toEqual([name]);
      expect(linkUrl(res.body, 'self')).toBe(`${BASE}/Patient?family=oberg`);
      expect(res.body.total).toBe(1);
    }
  });

  it('a search of only unknown parameters finds everything, and says so', async () => {
    const res = await search(t, 'Patient?shoe-size=42');
    expect(res.body.total).toBe(2);
    expect(linkUrl(res.body, 'self')).toBe(`${BASE}/Patient`);
    expect(res.body.entry.some((e: { search: { mode: string } }) => e.search.mode === 'outcome')).toBe(true);
  });

  it('the ignored parameter stays ignored on the next page', async () => {
    const res = await search(t, 'Patient?shoe-size=42&_count=1');
    const page2 = await search(t, linkUrl(res.body, 'next')!);
    expect(page2.body.entry.filter((e: { search: { mode: string } }) => e.search.mode === 'match')).toHaveLength(1);
  });
});

describe('values are data', () => {
  it.each([
    ["name=' or 1=1 --", `Patient?name=${encodeURIComponent("' or 1=1 --")}`],
    ['name with a semicolon and a drop', `Patient?name=${encodeURIComponent("x'); drop table resource; --")}`],
    ['_id', `Patient?_id=${encodeURIComponent("1' OR '1'='1")}`],
    ['identifier', `Patient?identifier=${encodeURIComponent("a|b' or ''='")}`],
    ['token code with a quote', `Observation?code=${encodeURIComponent("8867-4' or code like '%")}`],
    [':contains with wildcards', `Patient?name:contains=${encodeURIComponent("%' or '' = '")}`],
    [':exact with a backslash', `Patient?name:exact=${encodeURIComponent('\\\\')}`],
    ['uri :above', `ValueSet?url:above=${encodeURIComponent("http://x' or 1=1 --")}`],
    ['_content with tsquery syntax', `Patient?_content=${encodeURIComponent("!!! & | ( :* ')")}`],
    ['_text with quotes', `Patient?_text=${encodeURIComponent('"unclosed')}`],
    ['a reference to a quoted id', `Observation?subject=${encodeURIComponent('Patient/x-y.z')}`],
    ['a very long value', `Patient?name=${'a'.repeat(10_000)}`],
    ['a chain', `Observation?subject:Patient.name=${encodeURIComponent("' or 1=1 --")}`],
  ])('%s finds nothing and causes no error', async (_what, query) => {
    const res = await search(t, query);
    expect(res.body.total).toBe(0);
  });

  it('a NUL character is a 400, not a database error', async () => {
    for (const query of ['Patient?name=a%00b', 'Patient?identifier=a%00', 'Observation?subject=Patient/a%00']) {
      const res = await t.request('GET', query);
      expect(res.status, query).toBe(400);
    }
  });

  it('the tables are still there and still searchable', async () => {
    expect(await matchLabels(t, refs, 'Patient?name=oberg')).toEqual(['oberg']);
    expect(await matchLabels(t, refs, 'Patient')).toEqual(['lind', 'oberg']);
  });
});
