/**
 * Every search is planned for its own values. A prepared statement that Postgres has run five times may
 * switch to a *generic* plan, made without the values: for a patient's chart that plan can start from
 * the `code` index and check every heart rate of every patient, so the chart slows down as the region
 * measures more. This test runs each search shape many times with unselective and selective values,
 * through the app, on an app with one database connection, and then asks that very connection for the
 * plan of what the app executed (`EXPLAIN EXECUTE` of the prepared statement if the app prepared it,
 * else `EXPLAIN` with the values bound, as an unnamed statement is planned): the selective search must
 * start from its selective index.
 *
 * On the Postgres server with 10,000 Patients / 100,000 Observations plus 4,000 heart rates of two busy
 * patients; on PGlite (a single connection, statements never named) 300 Patients.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { preparedName } from '../../src/store/db/pg.js';
import { LOINC, PNR, bulkLoad, patientId } from '../support/bulk-load.js';
import { planNodes } from '../support/plan.js';
import { search } from '../support/search.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

const onServer = !!process.env.LOTS_TEST_DATABASE_URL;
const PATIENTS = onServer ? 10_000 : 300;
const BUSY = { patients: 2, perPatient: onServer ? 10_000 : 500, prefix: 'busy' };

let t: TestApp;
/** The statements the app ran, in order (text and values), recorded around the real database. */
let ran: { text: string; values: readonly unknown[] }[] = [];

beforeAll(async () => {
  t = await createTestApp({}, { poolSize: 1 });
  await bulkLoad(t.deps.db, { patients: PATIENTS, perPatient: 10 });
  await bulkLoad(t.deps.db, BUSY);
  const query = t.deps.db.query.bind(t.deps.db);
  t.deps.db.query = (text, values, options) => {
    ran.push({ text, values: values ?? [] });
    return query(text, values, options);
  };
}, 600_000);
afterAll(() => t.close());

interface Plan {
  /** The indexes the plan reads, outermost first. */
  indexes: string[];
  /** Each node with its index, for messages. */
  nodes: string[];
  /** Conditions that still hold a parameter (`$3`): the plan was made without the values. */
  unbound: string[];
}

/** A value as an SQL literal, for EXECUTE (a utility statement takes no bound parameters). */
function literal(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'number') return String(v);
  if (Array.isArray(v)) return literal(`{${v.map((x) => `"${String(x).replace(/["\\]/g, '\\$&')}"`).join(',')}}`);
  return `'${String(v).replace(/'/g, "''")}'`;
}

/** The plan the database uses for the page query of the last search the app ran (not its includes). */
async function planOfLastSearch(): Promise<Plan> {
  const page = ran.find((s) => s.text.startsWith('select r.rid'));
  if (!page) throw new Error('the app ran no search statement');
  const name = preparedName(page.text);
  const explain = name
    ? await t.deps.db.query<{ 'QUERY PLAN': unknown }>(`explain (format json) execute ${name}(${page.values.map(literal).join(', ')})`)
    : await t.deps.db.query<{ 'QUERY PLAN': unknown }>(`explain (format json) ${page.text}`, page.values);
  const nodes = planNodes(explain);
  const conditions = nodes.flatMap((n) => Object.entries(n).filter(([k, v]) => /Cond|Filter/.test(k) && typeof v === 'string').map(([, v]) => v as string));
  return {
    indexes: nodes.flatMap((n) => (n['Index Name'] ? [n['Index Name']] : [])),
    nodes: nodes.map((n) => `${n['Node Type']}${n['Index Name'] ? ` ${n['Index Name']}` : ''}`),
    unbound: conditions.filter((c) => /\$\d/.test(c)),
  };
}

/** Runs `paths` in turn `rounds` times over HTTP (each answers 200), then `selective` once. */
async function runShape(paths: string[], selective: string, rounds = 4): Promise<void> {
  for (let r = 0; r < rounds; r++) {
    for (const p of paths) expect((await search(t, p)).status).toBe(200);
  }
  ran = [];
  const res = await search(t, selective);
  expect(res.status).toBe(200);
}

const heartRates = (patient: string) => `Observation?subject=Patient/${patient}&code=${LOINC}|8867-4&_count=10`;

describe('a search shape run many times is still planned for its values', () => {
  it('a patient view (subject and code) starts from the subject', async () => {
    const busy = [patientId(1, 'busy'), patientId(2, 'busy')];
    await runShape([...busy.map(heartRates), heartRates(patientId(7)), `Observation?subject=Patient/${patientId(8)}&code=${LOINC}|9279-1&_count=10`], heartRates(patientId(42)));
    const { indexes, nodes, unbound } = await planOfLastSearch();
    expect(unbound).toEqual([]);
    expect(indexes, nodes.join(' > ')).toContain('idx_reference_target_rid');
    expect(indexes, nodes.join(' > ')).not.toContain('idx_token_code_rid');
  });

  it('a chain (subject.identifier) starts from the identifier', async () => {
    const chain = (pnr: string) => `Observation?subject:Patient.identifier=${PNR}|${pnr}&code=${LOINC}|8867-4&_count=10`;
    // Unselective: a personnummer shared by the busy patients' many rows, then an unknown one.
    await runShape([chain('190000000001'), chain('190000000002'), chain('190000000009')], chain(`19${String(42).padStart(10, '0')}`));
    const { indexes, nodes, unbound } = await planOfLastSearch();
    expect(unbound).toEqual([]);
    expect(indexes, nodes.join(' > ')).toContain('idx_token_code_rid');
    expect(nodes.filter((n) => n.startsWith('Seq Scan')), nodes.join(' > ')).toEqual([]);
  });

  it('_has (patients with a heart rate of a value) starts from the identifier it is combined with', async () => {
    const has = (pnr: string) => `Patient?identifier=${PNR}|${pnr}&_has:Observation:subject:code=${LOINC}|8867-4`;
    await runShape([has('190000000001'), has('190000000002'), has('190000000007')], has(`19${String(42).padStart(10, '0')}`));
    const { indexes, nodes, unbound } = await planOfLastSearch();
    expect(unbound).toEqual([]);
    expect(indexes[0] ?? '', nodes.join(' > ')).toMatch(/idx_token_code|idx_reference/);
    expect(nodes.filter((n) => n.startsWith('Seq Scan')), nodes.join(' > ')).toEqual([]);
  });

  it('_include (a patient view with its Patient) is planned from the subject', async () => {
    const inc = (patient: string) => `${heartRates(patient)}&_include=Observation:subject`;
    await runShape([inc(patientId(1, 'busy')), inc(patientId(2, 'busy')), inc(patientId(9))], inc(patientId(42)));
    const { indexes, nodes, unbound } = await planOfLastSearch();
    expect(unbound).toEqual([]);
    expect(indexes, nodes.join(' > ')).toContain('idx_reference_target_rid');
    expect(indexes, nodes.join(' > ')).not.toContain('idx_token_code_rid');
  });
});
