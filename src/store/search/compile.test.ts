import { describe, expect, it } from 'vitest';
import { baseSearchParameters, loadDefinitions } from '../../fhir/definitions.js';
import { parseSearch } from '../../fhir/search/parse.js';
import { createSearchRegistry } from '../../fhir/search/registry.js';
import { compileCount, compileSearch, type CompileOptions } from './compile.js';
import { compileInclude, compileRevinclude } from './include.js';

const { resourceTypes, resourceTypeSet } = loadDefinitions();
const registry = createSearchRegistry(baseSearchParameters(), resourceTypes);

function parse(type: string | string[], query: string) {
  return parseSearch(Array.isArray(type) ? type : [type], new URLSearchParams(query), {
    registry,
    resourceTypes: resourceTypeSet,
    strict: true,
    baseUrl: 'http://localhost:8080/fhir',
    defaultCount: 20,
    maxCount: 1000,
  });
}

const compile = (type: string | string[], query: string, opts?: CompileOptions) => compileSearch(parse(type, query), opts);

/** Every placeholder in `text` has a value and every value a placeholder. */
function expectPlaceholdersMatch(q: { text: string; values: unknown[] }) {
  const used = new Set([...q.text.matchAll(/\$(\d+)/g)].map((m) => Number(m[1])));
  expect([...used].sort((a, b) => a - b)).toEqual(q.values.map((_, n) => n + 1));
}

describe('compileSearch binds every value and never writes one into the text', () => {
  it.each([
    ['string', 'Patient', "name=%C3%96berg' or 1=1 --"],
    ['string :exact', 'Patient', "name:exact=O'Brien"],
    ['string :contains', 'Patient', 'name:contains=100%25_x'],
    ['token system|code', 'Patient', 'identifier=http://electronichealth.se/identifier/personnummer|191212121212'],
    ['token :of-type', 'Patient', 'identifier:of-type=http://terminology.hl7.org/CodeSystem/v2-0203|MR|secret-mrn'],
    ['reference', 'Observation', 'subject=Patient/secret-id-1'],
    ['reference :identifier', 'Observation', 'subject:identifier=urn:x|secret-value'],
    ['chain', 'Task', 'patient.identifier=http://electronichealth.se/identifier/personnummer|191212121212'],
    ['_has', 'Patient', '_has:Observation:subject:code=secret-code'],
    ['date', 'Patient', 'birthdate=ge1950-09-07'],
    ['quantity', 'Observation', 'value-quantity=5.4|http://unitsofmeasure.org|mg'],
    ['composite', 'Observation', 'component-code-value-quantity=http://loinc.org|8480-6$gt130'],
    ['uri :below', 'ValueSet', 'url:below=http://secret.example/vs'],
    ['_id', 'Patient', '_id=secret-id-2'],
    ['_content', 'Patient', '_content=secret-word'],
    ['near', 'Location', 'near=56.123456|14.654321|12.5|km'],
  ])('%s', (_what, type, query) => {
    const q = compile(type, query);
    expectPlaceholdersMatch(q);
    for (const [, raw] of new URLSearchParams(query)) {
      for (const piece of raw.split(/[|$]/).filter((p) => p.length > 3)) expect(q.text).not.toContain(piece);
    }
    for (const secret of ['secret', '191212121212', 'Brien', 'Öberg', '1950', 'unitsofmeasure', '56.123456', '14.654321', '12.5']) expect(q.text).not.toContain(secret);
    // The only literals are the compiler's own constants.
    for (const [literal] of q.text.matchAll(/'[^']*'/g)) expect(["'simple'", "'text'", "'div'", "'1 millisecond'", "'position'", "'latitude'", "'longitude'"]).toContain(literal);
  });
});

describe('the shape of the SQL', () => {
  it('is one statement: the page of rids found on the index tables by EXISTS, one past the page, then only those rows read', () => {
    const q = compile('Patient', 'family=oberg&gender=male&_count=10');
    expect(q.text).toMatch(/^select r\.rid::text as rid, r\.resource_type, r\.id, r\.content, r\.compartments from resource r where r\.rid in \(select p\.rid from resource p where /);
    expect(q.text.match(/exists \(select 1 from idx_string i0 where i0\.rid = p\.rid and i0\.resource_type = \$1 /g)).toHaveLength(1);
    expect(q.text.match(/exists \(select 1 from idx_token i0 /g)).toHaveLength(1);
    expect(q.text).toMatch(/order by p\.rid limit \$\d+\) order by r\.rid$/);
    expect(q.values[0]).toBe('Patient');
    expect(q.values.at(-1)).toBe(11);
    expect(q.values).toContain('oberg%');
    expect(q.values).toContain('male');
  });

  it('with _sort, reads the rows with their sort keys and pages on them', () => {
    const q = compile('Patient', 'family=oberg&_sort=birthdate&_count=10');
    expect(q.text).toMatch(/^select r\.rid::text as rid, .* from resource r cross join lateral .* where r\.resource_type = \$1 and not r\.deleted and exists \(select 1 from idx_string i0 where i0\.rid = r\.rid/);
    expect(q.text).toMatch(/order by s0\.v asc nulls last, r\.rid limit \$\d+$/);
  });

  it('a cursor without _sort continues after the last rid, inside the page query', () => {
    const q = compileSearch(parse('Patient', 'family=a'), { cursor: { keys: [], rid: '42' } });
    expect(q.text).toMatch(/and p\.rid > \$\d+::bigint order by p\.rid limit/);
    expect(q.values).toContain('42');
    expectPlaceholdersMatch(q);
  });

  it('folds string values and escapes LIKE wildcards in them', () => {
    expect(compile('Patient', 'name=%C3%96BERG').values).toContain('oberg%');
    expect(compile('Patient', 'name:contains=a_b%25').values).toContain('%a\\_b\\%%');
  });

  it('names the resource type in every index subquery, so the (type, param, value) indexes can drive', () => {
    const q = compile('Observation', 'subject=Patient/1&code=http://loinc.org|8867-4&date=ge2023');
    const subqueries = [...q.text.matchAll(/from idx_\w+ (i\d) where (\1)\.rid = p\.rid and \1\.resource_type = \$1 /g)];
    expect(subqueries).toHaveLength(3);
  });

  it('a multi-type search compares index rows with the resource type column', () => {
    const q = compile(['Patient', 'Practitioner'], 'name=anna');
    expect(q.text).toContain('p.resource_type = any($1::text[])');
    expect(q.text).toContain('i0.resource_type = p.resource_type');
  });

  it('a chain to one target type is an EXISTS; to several, an IN over a UNION ALL', () => {
    const one = compile('Observation', 'subject:Patient.name=anna');
    expect(one.text).toMatch(/exists \(select 1 from idx_reference i0 join resource r1 .* exists \(select 1 from idx_string i1 where i1\.rid = r1\.rid/);
    expect(one.text).not.toContain('union all');
    const several = compile('Observation', 'subject.name=anna');
    expect(several.text).toMatch(/p\.rid in \(select i0\.rid from idx_reference i0 .* union all select i0\.rid /);
  });

  it(':not and :missing=true are NOT EXISTS', () => {
    expect(compile('Patient', 'gender:not=male').text).toContain('not exists (select 1 from idx_token');
    expect(compile('Patient', 'birthdate:missing=true').text).toContain('not (exists (select 1 from idx_date');
  });

  it('_sort adds the sort keys as columns, and the cursor continues after them', () => {
    const req = parse('Patient', 'family=a&_sort=-birthdate,family');
    const q = compileSearch(req, { cursor: { keys: ['1950-01-02 00:00:00+00', 'andersson'], rid: '42' } });
    expect(q.text).toContain('max(k.high)');
    expect(q.text).toContain('min(k.norm)');
    expect(q.text).toMatch(/as s0, .* as s1 from resource r/);
    expect(q.text).toMatch(/order by .* desc nulls last, .* asc nulls last, r\.rid limit/);
    expect(q.values).toEqual(expect.arrayContaining(['1950-01-02 00:00:00+00', 'andersson', '42']));
    expectPlaceholdersMatch(q);
  });

  it('near filters on the distance from the point and, without _sort, orders by it, nearest first', () => {
    const q = compile('Location', 'near=56.8777|14.8091|2|[mi_i]');
    expectPlaceholdersMatch(q);
    expect(q.text).toMatch(/asin\(least\(1, sqrt\(.*\) <= \$\d+::float8/);
    expect(q.values).toContain(2 * 1.609344);
    expect(q.text).toMatch(/as s0 from resource r where .* order by \(2 \* .*\) asc, r\.rid limit/);
    const sorted = compile('Location', 'near=56.8777|14.8091|10&_sort=-_lastUpdated');
    expect(sorted.text).toContain('order by r.last_updated desc, r.rid');
    const page = compileSearch(parse('Location', 'near=56.8777|14.8091|10'), { cursor: { keys: ['3.25'], rid: '42' } });
    expect(page.text).toMatch(/> \$\d+::float8/);
    expect(page.values).toContain('3.25');
  });

  it('ap on dates is relative to the `now` given, so the same request compiles the same way', () => {
    const now = new Date('2024-01-01T00:00:00Z');
    const a = compile('Patient', 'birthdate=ap2023', { now });
    const b = compile('Patient', 'birthdate=ap2023', { now });
    expect(a).toEqual(b);
    // 2023 widened by 10% of each end's distance from now: its start moves back 36.5 days, its end (now) stays.
    expect(a.values).toContain('2022-11-25T12:00:00.000Z');
    expect(a.values).toContain('2024-01-01T00:00:00.000Z');
  });

  it('the count has the same conditions and no paging', () => {
    const q = compileCount(parse('Patient', 'family=a&_count=5'));
    expect(q.text).toMatch(/^select count\(\*\)::int as n from resource r where /);
    expect(q.text).not.toContain('limit');
    expectPlaceholdersMatch(q);
  });

  it('a policy predicate is ANDed in and binds its own values', () => {
    const q = compileSearch(parse('Observation', 'code=1'), { policy: (b, r) => `${r}.compartments @> array[${b.bind('Patient/7')}]::text[]` });
    expect(q.text).toMatch(/and \(p\.compartments @> array\[\$\d+\]::text\[\]\)/);
    expect(q.values).toContain('Patient/7');
    expectPlaceholdersMatch(q);
  });
});

describe('include queries', () => {
  const rows = [{ rid: '1', resourceType: 'Observation', id: 'o1' }];
  it('_include selects the targets of the rows, binding rids and the rule', () => {
    const q = compileInclude({ sourceType: 'Observation', param: 'subject', iterate: false }, rows, 1001);
    expect(q.values).toEqual([['1'], 'Observation', 'subject', 1001]);
    expectPlaceholdersMatch(q);
  });
  it('_revinclude selects the referrers of the rows', () => {
    const q = compileRevinclude({ sourceType: 'Observation', param: 'subject', targetType: 'Patient', iterate: false }, [{ rid: '2', resourceType: 'Patient', id: 'p1' }], 1001);
    expect(q.values).toEqual([['Patient'], ['p1'], 'Observation', 'subject', 'Patient', 1001]);
    expectPlaceholdersMatch(q);
  });
});
