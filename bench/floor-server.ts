/**
 * The Node floor (issue 25): the least any TypeScript FHIR server on Hono and node-postgres must do, on
 * Lots' own schema and database. Run as its own process by bench/floor.ts, next to Lots in the same run:
 * - GET  /fhir/Patient/:id  reads the stored JSON text by primary key and returns it;
 * - POST /fhir/:type        stores the body as a resource row plus five token index rows in one statement;
 * - GET  /fhir/:type?...    runs the SQL Lots' own compiler makes of the bench's search (compiled once at
 *   start with a marker value; each request swaps in its own value) and wraps the rows in a Bundle.
 * No validation, authentication, access policy or audit: that is the point.
 */
import { randomUUID } from 'node:crypto';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import pg from 'pg';
import { baseSearchParameters, loadDefinitions } from '../src/fhir/definitions.js';
import { emptyIndexEntries, type IndexEntries } from '../src/fhir/search/index-entries.js';
import { parseSearch } from '../src/fhir/search/parse.js';
import { createSearchRegistry } from '../src/fhir/search/registry.js';
import { compileSearch } from '../src/store/search/compile.js';
import { bulkInsertSql } from '../src/store/write-sql.js';

const MARK = 'qqqfloorq';
const FHIR_JSON = { 'content-type': 'application/fhir+json' };

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.LOTS_DB_POOL_SIZE ?? 10) });
pool.on('error', () => undefined);

/** The bench's two searches, compiled once with the marker where the per-request value goes. */
function searchTemplates() {
  const { resourceTypes, resourceTypeSet } = loadDefinitions();
  const registry = createSearchRegistry(baseSearchParameters(), resourceTypes);
  const options = { registry, resourceTypes: resourceTypeSet, strict: true, baseUrl: 'http://floor/fhir', defaultCount: 20, maxCount: 1000 };
  const compile = (type: string, params: [string, string][]) => compileSearch(parseSearch([type], params, options));
  return {
    // The value taken from each request, as Lots' index stores it (ids as is, names lower-cased).
    Observation: { q: compile('Observation', [['subject', `Patient/${MARK}`], ['code', 'http://loinc.org|8867-4'], ['_count', '10']]), from: (u: URLSearchParams) => (u.get('subject') ?? '').replace(/^Patient\//, '') },
    Patient: { q: compile('Patient', [['name', MARK]]), from: (u: URLSearchParams) => (u.get('name') ?? '').toLowerCase() },
  };
}
const templates = searchTemplates();

/** At most five token rows: status, then the codings of `code` and `category`, as a plain server would index. */
function fiveTokens(resource: Record<string, unknown>): IndexEntries {
  const entries = emptyIndexEntries();
  if (typeof resource.status === 'string') entries.token.push({ param: 'status', system: null, code: resource.status, text: null });
  const codings = (c: unknown) => ((c as { coding?: { system?: string; code?: string }[] } | undefined)?.coding ?? []);
  const add = (param: string, list: { system?: string; code?: string }[]) => {
    for (const c of list) if (entries.token.length < 5) entries.token.push({ param, system: c.system ?? null, code: c.code ?? null, text: null });
  };
  add('code', codings(resource.code));
  for (const cat of (resource.category as unknown[] | undefined) ?? []) add('category', codings(cat));
  return entries;
}

const app = new Hono();

app.get('/fhir/Patient/:id', async (c) => {
  const { rows } = await pool.query<{ content: string }>(`select content from resource where resource_type = 'Patient' and id = $1 and not deleted`, [c.req.param('id')]);
  return rows[0] ? c.body(rows[0].content, 200, FHIR_JSON) : c.body(null, 404);
});

app.post('/fhir/:type', async (c) => {
  const type = c.req.param('type');
  const resource = (await c.req.json()) as Record<string, unknown>;
  const id = randomUUID();
  const lastUpdated = new Date().toISOString();
  const json = JSON.stringify({ ...resource, resourceType: type, id, meta: { versionId: '1', lastUpdated } });
  const sql = bulkInsertSql([{ resourceType: type, id, versionId: 1, lastUpdated, json, entries: fiveTokens(resource) }]);
  await pool.query(sql.text, sql.values);
  return c.body(json, 201, { ...FHIR_JSON, location: `/fhir/${type}/${id}/_history/1` });
});

app.get('/fhir/:type', async (c) => {
  const t = templates[c.req.param('type') as keyof typeof templates];
  if (!t) return c.body(null, 404);
  const value = t.from(new URL(c.req.url).searchParams);
  const values = t.q.values.map((v) => (typeof v === 'string' && v.includes(MARK) ? v.replace(MARK, value) : v));
  const { rows } = await pool.query<{ content: string }>(t.q.text, values);
  const entries = rows.map((r) => `{"resource":${r.content}}`).join(',');
  return c.body(`{"resourceType":"Bundle","type":"searchset","entry":[${entries}]}`, 200, FHIR_JSON);
});

app.get('/readyz', (c) => c.text('ok'));

serve({ fetch: app.fetch, port: Number(process.env.PORT), hostname: '127.0.0.1' });
