/**
 * @module store/reindex
 * SearchParameters created at run time (`POST /fhir/SearchParameter`) take effect without a restart:
 * new writes index them at once, and existing resources are reindexed in the background, batch by
 * batch (each its own transaction, claimed with FOR UPDATE SKIP LOCKED, so any server may continue the
 * work and none blocks writers). Until a job is done its parameter reports `pending`, which a search
 * shows as a warning. Every server polls the job table, so all of them learn new parameters; a NOTIFY
 * on each change makes the others (LOTS_WORKERS, other hosts) look at once instead of at the next poll.
 */
import type { SearchParameter } from '@medplum/fhirtypes';
import type { IndexEntries } from '../fhir/search/index-entries.js';
import type { SearchRegistry } from '../fhir/search/registry.js';
import type { Logger } from '../log.js';
import type { Db, Queryable } from './db/db.js';
import { INDEX_TABLES, indexRowsInsertSql } from './write-sql.js';

export interface Reindexer {
  /** Loads run-time SearchParameters into the registry and applies finished/pending states. */
  sync(): Promise<void>;
  /** Runs one batch of the oldest unfinished job; false when there is nothing to do. */
  step(): Promise<boolean>;
  /** Works until every job is done (for tests and the CLI). */
  drain(): Promise<void>;
  start(): void;
  stop(): Promise<void>;
}

export interface ReindexOptions {
  db: Db;
  registry: SearchRegistry;
  indexer: (resource: import('@medplum/fhirtypes').Resource) => IndexEntries;
  log: Logger;
  batchSize?: number;
  intervalMs?: number;
}

interface JobRow {
  url: string;
  types: string[];
  after_rid: string;
  done: boolean;
}

/** Where a change of run-time SearchParameters is announced (sent on commit of the change). */
const CHANNEL = 'lots_search_parameters';
const announce = (db: Queryable) => db.query('select pg_notify($1, $2)', [CHANNEL, '']);

/** Records a job for each SearchParameter written (called in the write's transaction). */
export async function recordReindexJobs(db: Queryable, params: readonly SearchParameter[], types: (sp: SearchParameter) => string[]): Promise<void> {
  for (const sp of params) {
    if (!sp.url || !sp.code || sp.status === 'retired') continue;
    await db.query(
      `insert into reindex_job (url, types) values ($1, $2::text[])
       on conflict (url) do update set types = excluded.types, after_rid = 0, done = false, updated_at = now()`,
      [sp.url, types(sp)],
    );
  }
  if (params.length) await announce(db);
}

export function createReindexer(o: ReindexOptions): Reindexer {
  const batchSize = o.batchSize ?? 500;
  const known = new Map<string, string>();
  let timer: NodeJS.Timeout | undefined;
  let unlisten: Promise<(() => Promise<void>) | undefined> = Promise.resolve(undefined);
  let running: Promise<unknown> = Promise.resolve();

  async function sync(): Promise<void> {
    const rows = await o.db.query<{ url: string; done: boolean; content: string; version_id: number }>(
      `select j.url, j.done, r.content, r.version_id from reindex_job j
       join idx_uri u on u.resource_type = 'SearchParameter' and u.param = 'url' and u.value = j.url
       join resource r on r.rid = u.rid and not r.deleted`,
    );
    for (const row of rows) {
      const key = `${row.version_id}|${row.done}`;
      if (known.get(row.url) === key) continue;
      known.set(row.url, key);
      const sp = JSON.parse(row.content) as SearchParameter;
      o.registry.add(sp, row.done ? 'active' : 'pending');
    }
  }

  async function step(): Promise<boolean> {
    await sync();
    return o.db.transaction(async (tx) => {
      const [job] = await tx.query<JobRow>('select url, types, after_rid::text as after_rid, done from reindex_job where not done order by created_at limit 1 for update skip locked');
      if (!job) return false;
      const sp = await currentParam(tx, job.url);
      const rows = sp
        ? await tx.query<{ rid: string; resource_type: string; content: string }>(
            'select r.rid::text as rid, r.resource_type, r.content from resource r where r.resource_type = any($1::text[]) and not r.deleted and r.rid > $2::bigint order by r.rid limit $3',
            [job.types, job.after_rid, batchSize],
          )
        : [];
      if (sp && rows.length) await reindexRows(tx, sp.code!, rows);
      const last = rows[rows.length - 1];
      const done = !sp || rows.length < batchSize;
      await tx.query('update reindex_job set after_rid = $2::bigint, done = $3, updated_at = now() where url = $1', [job.url, last?.rid ?? job.after_rid, done]);
      if (done) {
        await announce(tx);
        o.registry.setStatus(job.url, 'active');
        o.log.info('search parameter indexed', { url: job.url });
      }
      return true;
    });
  }

  async function reindexRows(tx: Queryable, code: string, rows: { rid: string; resource_type: string; content: string }[]): Promise<void> {
    const params = [code, `${code}:of-type`, `${code}:identifier`];
    const rids = rows.map((r) => r.rid);
    await tx.query(`with ${INDEX_TABLES.map((t, n) => `d${n} as (delete from ${t} where rid = any($1::bigint[]) and param = any($2::text[]))`).join(', ')} select 1`, [rids, params]);
    const entries = rows.map((r) => ({ rid: r.rid, resourceType: r.resource_type, entries: only(o.indexer(JSON.parse(r.content)), params) }));
    const q = indexRowsInsertSql(entries);
    if (q) await tx.query(q.text, q.values);
  }

  const drain = async () => {
    while (await step()) {
      /* next batch */
    }
  };

  return {
    sync,
    step,
    drain,
    start() {
      const tick = () => {
        running = running.then(() => drain()).catch((err: unknown) => o.log.error('reindex failed; will retry', { error: err instanceof Error ? err.message : String(err) }));
      };
      timer = setInterval(tick, o.intervalMs ?? 1000);
      timer.unref();
      tick();
      // Without LISTEN (it failed), the poll above still brings every change, only later.
      unlisten = o.db.listen(CHANNEL, tick).catch((err: unknown) => {
        o.log.warn('search parameter changes are only polled', { error: err instanceof Error ? err.message : String(err) });
        return undefined;
      });
    },
    async stop() {
      if (timer) clearInterval(timer);
      await (await unlisten)?.();
      await running;
    },
  };
}

async function currentParam(db: Queryable, url: string): Promise<SearchParameter | undefined> {
  const rows = await db.query<{ content: string }>(
    `select r.content from idx_uri u join resource r on r.rid = u.rid and not r.deleted
     where u.resource_type = 'SearchParameter' and u.param = 'url' and u.value = $1 limit 1`,
    [url],
  );
  return rows[0] ? (JSON.parse(rows[0].content) as SearchParameter) : undefined;
}

/** The entries of the given params only. */
function only(e: IndexEntries, params: readonly string[]): IndexEntries {
  const keep = <T extends { param: string }>(list: T[]) => list.filter((x) => params.includes(x.param));
  return {
    token: keep(e.token),
    string: keep(e.string),
    reference: keep(e.reference),
    date: keep(e.date),
    number: keep(e.number),
    quantity: keep(e.quantity),
    uri: keep(e.uri),
    composite: keep(e.composite),
    compartments: e.compartments,
  };
}
