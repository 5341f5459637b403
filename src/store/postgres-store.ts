/**
 * @module store/postgres-store
 * FhirStore on the Db seam: the current version in `resource`, earlier ones in `resource_history`,
 * index rows in the `idx_*` tables, all written in one transaction.
 */
import type { Resource, SearchParameter } from '@medplum/fhirtypes';
import { errors } from '../fhir/error.js';
import type { IndexEntries } from '../fhir/search/index-entries.js';
import type { Db, Queryable } from './db/db.js';
import { SQLSTATE, sqlState } from './db/db.js';
import type { AccessFilter, FhirStore, HistoryPage, HistoryQuery, PageCursor, StoredVersion } from './store.js';
import { INDEX_TABLES, bulkInsertSql, indexInsertCtes } from './write-sql.js';
import { searchCount, searchIncludes, searchPage } from './search/run.js';
import { loginCells, sharingCount } from './login-stats.js';
import { lastN, observationStats } from './observations.js';
import { Binder } from './search/binder.js';
import type { CompileOptions, Predicate } from './search/compile.js';
import { accessPredicate, arePatientsOfSql } from './search/access-sql.js';

/** Computes what a resource is searchable by; supplied by the search registry. */
export type Indexer = (resource: Resource) => IndexEntries;

const INSTANT = `to_char(last_updated at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
const VERSION_COLUMNS = `resource_type, id, version_id, ${INSTANT} as last_updated, deleted, content`;
/** The same columns from the alias `a`, plus the current row's compartments from `r`. */
const columns = (a: string) =>
  `${a}.resource_type, ${a}.id, ${a}.version_id, to_char(${a}.last_updated at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as last_updated, ${a}.deleted, ${a}.content, r.compartments`;

interface VersionRow {
  resource_type: string;
  id: string;
  version_id: number;
  last_updated: string;
  deleted: boolean;
  content: string | null;
  compartments?: string[];
}

interface CurrentRow extends VersionRow {
  rid: string;
}

const toVersion = (r: VersionRow): StoredVersion => {
  const v: StoredVersion = {
    resourceType: r.resource_type,
    id: r.id,
    versionId: r.version_id,
    lastUpdated: r.last_updated,
    deleted: r.deleted,
  };
  if (r.content !== null) v.json = r.content;
  if (r.compartments) v.compartments = r.compartments;
  return v;
};

/** `and (<policy on r>)`, or nothing. */
const visible = (b: Binder, policy: Predicate | undefined): string => (policy ? ` and (${policy(b, 'r')})` : '');

/** Called in the transaction of every write that stores SearchParameters (to schedule reindexing). */
export type SearchParameterHook = (tx: Queryable, params: SearchParameter[]) => Promise<void>;

export interface StoreHooks {
  /** Called in the transaction of every write that stores SearchParameters (to schedule reindexing). */
  searchParameters?: SearchParameterHook;
  /** Called with the number of resources written (to keep planner statistics fresh). */
  written?: (n: number) => void;
}

export function createPostgresStore(db: Db, indexer: Indexer, hooks: StoreHooks = {}): FhirStore {
  return storeOn(db, indexer, hooks);
}

function storeOn(db: Db, indexer: Indexer, hooks: StoreHooks): FhirStore {
  const hook = hooks.searchParameters;
  const written = hooks.written ?? (() => undefined);
  const searchParameters = async (tx: Queryable, resources: readonly Resource[]) => {
    const params = resources.filter((r): r is SearchParameter => r.resourceType === 'SearchParameter');
    if (hook && params.length) await hook(tx, params);
  };
  const inTransaction = <T>(fn: (tx: Db) => Promise<T>): Promise<T> => db.transaction(fn);

  const store: FhirStore = {
    async read(type, id, access) {
      const policy = accessPredicate(access);
      const b = new Binder();
      const where = `r.resource_type = ${b.bind(type)} and r.id = ${b.bind(id)}${visible(b, policy)}`;
      // Without a policy the text is always the same: prepared once per connection.
      const rows = await db.query<VersionRow>(`select ${columns('r')} from resource r where ${where}`, b.values, { prepare: !policy });
      return rows[0] && toVersion(rows[0]);
    },

    async vread(type, id, versionId, access) {
      const policy = accessPredicate(access);
      const b = new Binder();
      const key = (a: string) => `${a}.resource_type = $1 and ${a}.id = $2 and ${a}.version_id = $3`;
      [type, id, versionId].forEach((v) => b.bind(v));
      const cond = visible(b, policy);
      const rows = await db.query<VersionRow>(
        `select ${columns('r')} from resource r where ${key('r')}${cond}
         union all
         select ${columns('h')} from resource_history h join resource r on r.resource_type = h.resource_type and r.id = h.id where ${key('h')}${cond}`,
        b.values,
      );
      return rows[0] && toVersion(rows[0]);
    },

    async create(resource) {
      const [version] = await store.createMany([resource]);
      return version!;
    },

    async createMany(resources) {
      const now = new Date();
      const versions = resources.map((r) => stamp(r, 1, now));
      if (hook && resources.some((r) => r.resourceType === 'SearchParameter')) {
        await inTransaction(async (tx) => {
          await insertNew(tx, versions, resources.map(indexer));
          await searchParameters(tx, resources);
        });
      } else await insertNew(db, versions, resources.map(indexer));
      written(versions.length);
      return versions;
    },

    async arePatientsOf(patients, of) {
      const b = new Binder();
      const rows = await db.query<{ ok: boolean }>(`select (${arePatientsOfSql(b, patients, of)}) as ok`, b.values);
      return rows[0]?.ok === true;
    },

    async update(resource, options = {}) {
      const type = resource.resourceType;
      const id = requireId(resource);
      try {
        return await inTransaction(async (tx) => {
          const current = await lockCurrent(tx, type, id);
          if (current && options.access && !(await visibleTo(tx, current, options.access))) throw errors.notFound(`${type}/${id} is not known`);
          if (!current) {
            if (options.mustExist) throw errors.notFound(`${type}/${id} does not exist`);
            if (options.ifMatch !== undefined) throw versionConflict(type, id, options.ifMatch, undefined);
            const version = stamp(resource, 1, new Date());
            await insertNew(tx, ...withExtra([version], [indexer(resource)], options.alsoCreate, indexer));
            await searchParameters(tx, [resource]);
            return { version, created: true };
          }
          checkIfMatch(current, options.ifMatch);
          if (current.deleted && options.mustExist) throw errors.gone(`${type}/${id} was deleted`);
          if (!current.deleted && sameContent(current.content, resource)) {
            return { version: toVersion(current), created: false, unchanged: true };
          }
          const version = stamp(resource, current.version_id + 1, after(current.last_updated));
          await replaceCurrent(tx, current, version, indexer(resource));
          await searchParameters(tx, [resource]);
          written(1);
          if (options.alsoCreate?.length) await insertNew(tx, ...withExtra([], [], options.alsoCreate, indexer));
          return { version, created: current.deleted };
        });
      } catch (err) {
        // Two clients creating the same id at once: the loser retries and becomes an update.
        if (sqlState(err) === SQLSTATE.uniqueViolation) return store.update(resource, options);
        throw err;
      }
    },

    async delete(type, id, options = {}) {
      return inTransaction(async (tx) => {
        const current = await lockCurrent(tx, type, id);
        if (current && options.access && !(await visibleTo(tx, current, options.access))) return undefined;
        if (!current) {
          if (options.ifMatch !== undefined) throw versionConflict(type, id, options.ifMatch, undefined);
          return undefined;
        }
        checkIfMatch(current, options.ifMatch);
        if (current.deleted) return undefined;
        const version: StoredVersion = {
          resourceType: type,
          id,
          versionId: current.version_id + 1,
          lastUpdated: after(current.last_updated).toISOString(),
          deleted: true,
        };
        await replaceCurrent(tx, current, version, undefined);
        if (options.alsoCreate?.length) await insertNew(tx, ...withExtra([], [], options.alsoCreate, indexer));
        if (current.compartments) version.compartments = current.compartments;
        return version;
      });
    },

    async history(query, access) {
      return readHistory(db, query, accessPredicate(access));
    },

    search: (req, { access, cursor } = {}) => searchPage(db, req, compileOptions(access, cursor)),
    count: (req, access, estimate = false) => searchCount(db, req, compileOptions(access), estimate),
    includes: (rows, include, revinclude, max, access) => searchIncludes(db, rows, include, revinclude, max, accessPredicate(access)),
    lastN: (query) => lastN(db, query),
    observationStats: (query) => observationStats(db, query),
    loginCells: (query) => loginCells(db, query),
    sharingCount: () => sharingCount(db),

    transaction(fn) {
      return db.transaction((tx) => fn(storeOn(tx, indexer, hooks)));
    },

    savepoint(fn) {
      return db.savepoint((tx) => fn(storeOn(tx, indexer, hooks)));
    },

    async lock(key) {
      await db.query('select pg_advisory_xact_lock(hashtextextended($1, 0))', [key]);
    },
  };
  return store;
}

/** Adds new resources (AuditEvents) to an insert of versions and their index entries. */
function withExtra(versions: StoredVersion[], entries: IndexEntries[], extra: Resource[] | undefined, indexer: Indexer): [StoredVersion[], IndexEntries[]] {
  if (!extra?.length) return [versions, entries];
  const now = new Date();
  return [[...versions, ...extra.map((r) => stamp(r, 1, now))], [...entries, ...extra.map(indexer)]];
}

/** The compiler's options: the access filter as a predicate, and the cursor. */
function compileOptions(access: AccessFilter | undefined, cursor?: PageCursor): CompileOptions {
  const policy = accessPredicate(access);
  return { ...(policy ? { policy } : {}), ...(cursor ? { cursor } : {}) };
}

async function visibleTo(tx: Queryable, current: CurrentRow, access: AccessFilter): Promise<boolean> {
  const policy = accessPredicate(access);
  if (!policy) return true;
  const b = new Binder();
  const rows = await tx.query(`select 1 from resource r where r.rid = ${b.bind(current.rid, 'bigint')} and (${policy(b, 'r')})`, b.values);
  return rows.length > 0;
}

function requireId(resource: Resource): string {
  if (!resource.id) throw errors.badRequest('The resource has no id');
  return resource.id;
}

/** Sets meta.versionId and meta.lastUpdated and serialises, keeping resourceType, id and meta first. */
function stamp(resource: Resource, versionId: number, when: Date): StoredVersion {
  const lastUpdated = when.toISOString();
  const { resourceType, id, meta, ...rest } = resource;
  const content = { resourceType, id, meta: { ...meta, versionId: String(versionId), lastUpdated }, ...rest };
  resource.meta = content.meta;
  return { resourceType, id: id as string, versionId, lastUpdated, deleted: false, json: JSON.stringify(content) };
}

/** A new version's time: now, but never at or before the version it replaces (clock skew across servers). */
function after(previous: string): Date {
  const now = Date.now();
  const prev = Date.parse(previous);
  return new Date(now > prev ? now : prev + 1);
}

/** True when `resource` equals the stored content apart from meta.versionId/lastUpdated. */
function sameContent(stored: string | null, resource: Resource): boolean {
  if (stored === null) return false;
  const { meta: storedMeta, ...storedRest } = JSON.parse(stored) as Resource;
  const { meta, ...rest } = resource;
  const strip = (m: Resource['meta']) => {
    const { versionId: _v, lastUpdated: _l, ...other } = m ?? {};
    return other;
  };
  return canonical(storedRest) === canonical(rest) && canonical(strip(storedMeta)) === canonical(strip(meta));
}

function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}

async function lockCurrent(tx: Queryable, type: string, id: string): Promise<CurrentRow | undefined> {
  const rows = await tx.query<CurrentRow>(
    `select rid::text as rid, ${VERSION_COLUMNS}, compartments from resource where resource_type = $1 and id = $2 for update`,
    [type, id],
  );
  return rows[0];
}

function checkIfMatch(current: CurrentRow, ifMatch: number | undefined): void {
  if (ifMatch !== undefined && ifMatch !== current.version_id) {
    throw versionConflict(current.resource_type, current.id, ifMatch, current.version_id);
  }
}

function versionConflict(type: string, id: string, expected: number, actual: number | undefined) {
  const now = actual === undefined ? 'it does not exist' : `the current version is ${actual}`;
  return errors.preconditionFailed(
    `If-Match expected version ${expected} of ${type}/${id}, but ${now}; read it again and retry`,
  );
}

/** Inserts version 1 of each resource with its index rows, in one statement per chunk. */
async function insertNew(db: Queryable, versions: readonly StoredVersion[], entries: readonly IndexEntries[]): Promise<void> {
  for (let from = 0; from < versions.length; from += BULK_CHUNK) {
    const rows = versions.slice(from, from + BULK_CHUNK).map((v, k) => ({
      resourceType: v.resourceType,
      id: v.id,
      versionId: v.versionId,
      lastUpdated: v.lastUpdated,
      json: v.json!,
      entries: entries[from + k]!,
    }));
    const q = bulkInsertSql(rows);
    // One text per combination of index tables written: a few dozen shapes, each prepared once.
    await db.query(q.text, q.values, { prepare: true });
  }
}

// Large enough that a 5,000-entry bundle is a handful of statements, small enough to bound the
// size of one statement's parameters.
const BULK_CHUNK = 1000;

/** Moves the current version to history and writes `next` (with index rows, none for a delete). */
async function replaceCurrent(tx: Queryable, current: CurrentRow, next: StoredVersion, entries: IndexEntries | undefined): Promise<void> {
  await tx.query(
    `insert into resource_history (resource_type, id, version_id, last_updated, deleted, content)
     select resource_type, id, version_id, last_updated, deleted, content from resource where rid = $1`,
    [current.rid],
  );
  await tx.query(
    `update resource set version_id = $2, last_updated = $3, deleted = $4, content = $5, compartments = $6::text[] where rid = $1`,
    // A delete keeps the compartments, so its history stays visible to the same people.
    [current.rid, next.versionId, next.lastUpdated, next.deleted, next.json ?? null, entries?.compartments ?? current.compartments ?? []],
  );
  await tx.query(`with ${INDEX_TABLES.map((t, n) => `d${n} as (delete from ${t} where rid = $1)`).join(', ')} select 1`, [current.rid]);
  if (!entries) return;
  const values: unknown[] = [current.rid, current.resource_type];
  const ctes = indexInsertCtes(entries, 'r', '$2', values.length + 1);
  if (ctes.length === 0) return;
  for (const c of ctes) values.push(...c.values);
  const sql = [
    'with r as (select $1::bigint as rid)',
    ...ctes.map((c, i) => `, i${i} as (${c.sql})`),
    ' select 1',
  ].join('');
  await tx.query(sql, values);
}

async function readHistory(db: Queryable, q: HistoryQuery, policy?: Predicate): Promise<HistoryPage> {
  const b = new Binder();
  const where = (a: string): string => {
    const w: string[] = [];
    if (q.type) w.push(`${a}.resource_type = ${b.bind(q.type)}`);
    if (q.id) w.push(`${a}.id = ${b.bind(q.id)}`);
    if (q.since) w.push(`${a}.last_updated >= ${b.bind(q.since, 'timestamptz')}`);
    if (q.after) {
      const c = q.after;
      w.push(`(${a}.last_updated, ${a}.resource_type, ${a}.id, ${a}.version_id) < (${b.bind(c.lastUpdated, 'timestamptz')}, ${b.bind(c.resourceType)}, ${b.bind(c.id)}, ${b.bind(c.versionId, 'int')})`);
    }
    if (policy) w.push(`(${policy(b, 'r')})`);
    return w.length ? `where ${w.join(' and ')}` : '';
  };
  const limit = q.count + 1;
  const rows = await db.query<VersionRow>(
    `select * from (
       (select ${columns('r')}, r.last_updated as ts from resource r ${where('r')} order by ts desc, r.resource_type desc, r.id desc limit ${limit})
       union all
       (select ${columns('h')}, h.last_updated as ts from resource_history h join resource r on r.resource_type = h.resource_type and r.id = h.id ${where('h')}
        order by ts desc, h.resource_type desc, h.id desc, h.version_id desc limit ${limit})
     ) v order by ts desc, resource_type desc, id desc, version_id desc limit ${limit}`,
    b.values,
  );
  const entries = rows.slice(0, q.count).map(toVersion);
  const last = entries[entries.length - 1];
  const page: HistoryPage = { entries };
  if (rows.length > q.count && last) {
    page.next = { lastUpdated: last.lastUpdated, resourceType: last.resourceType, id: last.id, versionId: last.versionId };
  }
  return page;
}
