/**
 * The physical limit: the SQL each operation reduces to, run raw on the same database. Reads select
 * the content by id; creates run Lots' own insert (`bulkInsertSql`, one row with the index entries of
 * the real extractor); searches run what Lots' parser and compiler make of the same parameters.
 */
import { randomUUID } from 'node:crypto';
import type { Resource } from '@medplum/fhirtypes';
import pg from 'pg';
import { baseSearchParameters, loadDefinitions } from '../src/fhir/definitions.js';
import { createExtractor } from '../src/fhir/search/extract.js';
import { parseSearch } from '../src/fhir/search/parse.js';
import { createSearchRegistry } from '../src/fhir/search/registry.js';
import { DEFAULT_COUNT, MAX_COUNT } from '../src/http/fhir/paging.js';
import { createPgliteDb } from '../src/store/db/pglite.js';
import { compileSearch } from '../src/store/search/compile.js';
import { bulkInsertSql } from '../src/store/write-sql.js';
import { patient, observation, pick } from './fixtures.js';
import { timeLoop, type LoopResult } from './stats.js';

export interface Statement {
  text: string;
  values: unknown[];
}

export interface RawDb {
  /** How many statements run at once: the pool size, or 1 on PGlite's single connection. */
  concurrency: number;
  query(s: Statement): Promise<unknown>;
  close(): Promise<void>;
}

export function pgRawDb(url: string, connections: number): RawDb {
  const pool = new pg.Pool({ connectionString: url, max: connections });
  pool.on('error', () => undefined);
  return { concurrency: connections, query: (s) => pool.query(s.text, s.values), close: () => pool.end() };
}

export async function pgliteRawDb(dataDir: string): Promise<RawDb> {
  const db = await createPgliteDb(dataDir);
  return { concurrency: 1, query: (s) => db.query(s.text, s.values), close: () => db.close() };
}

/** Makes a new statement for each call; the keys are the operations' keys. */
export type RawStatements = Record<string, () => Statement>;

export interface RawInputs {
  patientIds: readonly string[];
  baseUrl: string;
  observationSearch: () => [string, string][];
  patientSearch: () => [string, string][];
}

export function rawStatements(inputs: RawInputs): RawStatements {
  const { resourceTypes, resourceTypeSet } = loadDefinitions();
  const registry = createSearchRegistry(baseSearchParameters(), resourceTypes);
  const extract = createExtractor(registry, { baseUrl: inputs.baseUrl });
  const parseOptions = { registry, resourceTypes: resourceTypeSet, strict: true, baseUrl: inputs.baseUrl, defaultCount: DEFAULT_COUNT, maxCount: MAX_COUNT };
  // Compiled ahead of the timing, so only the SQL is timed; the loop cycles through them.
  const searches = (type: string, params: () => [string, string][]) => {
    const list = Array.from({ length: 500 }, () => compileSearch(parseSearch([type], params(), parseOptions)));
    let n = 0;
    return () => list[n++ % list.length]!;
  };
  return {
    read: () => ({ text: `select content from resource where resource_type = 'Patient' and id = $1`, values: [pick(inputs.patientIds)] }),
    'create-patient': insertOf(patient('load'), extract),
    'create-observation': insertOf(observation('load', `Patient/${pick(inputs.patientIds)}`), extract),
    'search-observation': searches('Observation', inputs.observationSearch),
    'search-patient': searches('Patient', inputs.patientSearch),
  };
}

/** The insert of one new resource like `template` (a fresh id each time) with its index rows. */
function insertOf(template: Record<string, unknown>, extract: (r: Resource) => ReturnType<ReturnType<typeof createExtractor>>): () => Statement {
  const ID = '00000000-0000-4000-8000-000000000000';
  const resource = { ...template, id: ID } as unknown as Resource;
  const entries = extract(resource);
  const lastUpdated = new Date().toISOString();
  const { resourceType, meta, ...rest } = template as { resourceType: string; meta: object };
  const json = JSON.stringify({ resourceType, id: ID, meta: { ...meta, versionId: '1', lastUpdated }, ...rest });
  return () => {
    const id = randomUUID();
    return bulkInsertSql([{ resourceType, id, versionId: 1, lastUpdated: new Date().toISOString(), json: json.replace(ID, id), entries }]);
  };
}

export async function timeRaw(db: RawDb, make: () => Statement, seconds: number): Promise<LoopResult> {
  return timeLoop(seconds, db.concurrency, () => db.query(make()));
}
