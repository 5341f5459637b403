/**
 * Search at volume: 10,000 Patients and 100,000 Observations loaded with set-based SQL (exactly the rows
 * the write path writes, checked below), then the searches a patient view makes, checked for the right
 * rows, for a plan that uses indexes only (on a PostgreSQL server, where the planner sees real volumes),
 * and timed (median, printed for the record, not asserted).
 *
 * On PGlite (no LOTS_TEST_DATABASE_URL) the same checks run on 200 Patients unless LOTS_PLAN_FULL=1,
 * since loading the full set into WASM Postgres takes half a minute.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExtractor } from '../../src/fhir/search/extract.js';
import { parseSearch } from '../../src/fhir/search/parse.js';
import { normalizeString } from '../../src/fhir/search/values/normalize.js';
import { compileSearch } from '../../src/store/search/compile.js';
import { CODES, FAMILIES, GIVENS, LOINC, PNR, bulkLoad, extractedRows, patientId, storedRows } from '../support/bulk-load.js';
import { planNodes as nodesOf, type PlanNode } from '../support/plan.js';
import { entryRefs, linkUrl, search } from '../support/search.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

const onServer = !!process.env.LOTS_TEST_DATABASE_URL;
const full = onServer || process.env.LOTS_PLAN_FULL === '1';
const PATIENTS = full ? 10_000 : 200;
const PER_PATIENT = 10;

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
  const started = performance.now();
  await bulkLoad(t.deps.db, { patients: PATIENTS, perPatient: PER_PATIENT });
  console.log(`[search-plan] ${t.driver}: loaded ${PATIENTS} Patients and ${PATIENTS * PER_PATIENT} Observations in ${Math.round(performance.now() - started)} ms`);
}, 300_000);
afterAll(() => t.close());

/** The generation rules of bulkLoad, restated: Observation of patient g in round k. */
const obsId = (g: number, k: number) => `bulk-o${k * PATIENTS + g}`;
const obsCode = (k: number) => CODES[k % CODES.length]!.code;

function compiled(type: string, query: string) {
  const sreq = parseSearch([type], new URLSearchParams(query), {
    registry: t.deps.fhir.searchParams,
    resourceTypes: t.deps.fhir.resourceTypes,
    strict: true,
    baseUrl: t.deps.config.baseUrl,
    defaultCount: 20,
    maxCount: 1000,
  });
  return compileSearch(sreq);
}

async function planNodes(type: string, query: string): Promise<PlanNode[]> {
  const q = compiled(type, query);
  return nodesOf(await t.deps.db.query<{ 'QUERY PLAN': unknown }>(`explain (format json) ${q.text}`, q.values));
}

/** Median time of `runs` searches of `path` over HTTP; each must return the same page as the first. */
async function medianMs(path: string, runs = 40): Promise<number> {
  const firstPage = entryRefs((await search(t, path)).body);
  for (let i = 0; i < 4; i++) await search(t, path);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    const res = await search(t, path);
    times.push(performance.now() - start);
    expect(entryRefs(res.body)).toEqual(firstPage);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(runs / 2)]!;
}

const PATIENT_VIEW = (g: number) => `Observation?subject=Patient/${patientId(g)}&code=${LOINC}|8867-4&_sort=-date&_count=10`;

describe('the loaded data', () => {
  it('has exactly the index rows the write path would write for the same resources', async () => {
    const extract = createExtractor(t.deps.fhir.searchParams, { baseUrl: t.deps.config.baseUrl });
    const samples: [string, string][] = [
      ['Patient', patientId(1)],
      ['Patient', patientId(PATIENTS)],
      ['Patient', patientId(Math.floor(PATIENTS / 3))],
      ...[0, 2, 3, 4, 9].map((k) => ['Observation', obsId(7, k)] as [string, string]),
    ];
    for (const [type, id] of samples) {
      const res = await t.request('GET', `${type}/${id}`);
      expect(res.status).toBe(200);
      expect(await storedRows(t.deps.db, type, id), `${type}/${id}`).toEqual(extractedRows(extract(res.body)));
    }
  });
});

describe('a patient view: Observation?subject=Patient/X&code=http://loinc.org|8867-4&_sort=-date&_count=10', () => {
  it('returns that patient\'s heart rates, latest first', async () => {
    const g = Math.min(42, PATIENTS);
    const rounds = Array.from({ length: PER_PATIENT }, (_, k) => k).filter((k) => obsCode(k) === '8867-4');
    expect(rounds.length).toBeGreaterThan(1);
    // Later rounds have later effective times.
    const expected = rounds.reverse().map((k) => `Observation/${obsId(g, k)}`);
    const res = await search(t, PATIENT_VIEW(g));
    expect(entryRefs(res.body)).toEqual(expected);
    const dates = res.body.entry.map((e: { resource: { effectiveDateTime: string } }) => e.resource.effectiveDateTime);
    expect([...dates].sort().reverse()).toEqual(dates);
    for (const e of res.body.entry) expect(e.resource.subject.reference).toBe(`Patient/${patientId(g)}`);
  });

  // Only a server has the volumes (and statistics) that make the planner's choice mean something.
  if (onServer) it('is planned with index scans only, no Seq Scan', async () => {
    const nodes = await planNodes('Observation', PATIENT_VIEW(42).split('?')[1]!);
    const types = nodes.map((n) => `${n['Node Type']}${n['Relation Name'] ? ` on ${n['Relation Name']}` : ''}`);
    expect(types.filter((n) => n.startsWith('Seq Scan')), types.join(', ')).toEqual([]);
    expect(types.some((n) => /Index (Only )?Scan/.test(n))).toBe(true);
    const q = compiled('Observation', PATIENT_VIEW(42).split('?')[1]!);
    const analyzed = await t.deps.db.query<{ 'QUERY PLAN': string }>(`explain (analyze, costs off) ${q.text}`, q.values);
    console.log(`[search-plan] ${t.driver} plan:\n${analyzed.map((r) => r['QUERY PLAN']).join('\n')}`);
  });
});

describe('Patient?name=<prefix>', () => {
  const expectedCount = (prefix: string) => {
    let n = 0;
    for (let i = 0; i < PATIENTS; i++) {
      const family = FAMILIES[i % FAMILIES.length]!;
      const given = GIVENS[Math.floor(i / FAMILIES.length) % GIVENS.length]!;
      if ([family, given, `${given} ${family}`].some((s) => normalizeString(s).startsWith(prefix))) n++;
    }
    return n;
  };

  it.each(['sjob', 'anders', 'hakans', 'lind'])('name=%s finds exactly the patients with a name part starting so', async (prefix) => {
    const res = await search(t, `Patient?name=${prefix}&_total=accurate&_count=1000`);
    expect(res.body.total).toBe(expectedCount(prefix));
    expect(res.body.total).toBeGreaterThan(0);
    for (const e of res.body.entry ?? []) {
      const name = e.resource.name[0];
      const parts = [name.family, ...name.given, `${name.given[0]} ${name.family}`].map(normalizeString);
      expect(parts.some((p: string) => p.startsWith(prefix)), JSON.stringify(name)).toBe(true);
    }
  });

  if (onServer) it('is planned with index scans only, no Seq Scan, for a selective prefix', async () => {
    const nodes = await planNodes('Patient', 'name=sjob');
    expect(nodes.filter((n) => n['Node Type'] === 'Seq Scan').map((n) => n['Relation Name'])).toEqual([]);
  });

  it('finds a patient by personnummer', async () => {
    const g = Math.min(4242, PATIENTS);
    const res = await search(t, `Patient?identifier=${PNR}|19${String(g).padStart(10, '0')}`);
    expect(entryRefs(res.body)).toEqual([`Patient/${patientId(g)}`]);
  });
});

describe('_count at volume', () => {
  it('returns at most 1,000 per page, and the next page continues', async () => {
    const res = await search(t, 'Observation?_count=5000');
    expect(res.body.entry).toHaveLength(1000);
    const next = await search(t, linkUrl(res.body, 'next')!);
    expect(next.body.entry).toHaveLength(1000);
    const first = new Set(entryRefs(res.body));
    expect(entryRefs(next.body).some((r) => first.has(r))).toBe(false);
  });
});

describe('timings (printed, not asserted)', () => {
  it('repeats each search with the same page, and prints the median time', async () => {
    const lines: string[] = [];
    for (const path of [PATIENT_VIEW(Math.min(42, PATIENTS)), 'Patient?name=sjob', 'Patient?name=anders', `Patient?identifier=${PNR}|190000000042`]) {
      lines.push(`${(await medianMs(path)).toFixed(2)} ms  ${path}`);
    }
    console.log(`[search-plan] ${t.driver}, ${PATIENTS} Patients / ${PATIENTS * PER_PATIENT} Observations, median of 40:\n${lines.join('\n')}`);
  }, 120_000);
});
