/**
 * @module store/statistics
 * Keeps the planner's statistics fresh. Search plans depend on them (without them Postgres estimates one
 * row and picks nested loops that are hundreds of times slower), PGlite has no autovacuum, and a server
 * may run with autovacuum off. So Lots runs VACUUM (ANALYZE) itself: at start when a table has never
 * been analysed, and in the background after enough writes (a tenth of the rows, at least 1,000). The
 * vacuum keeps the visibility map that lets a search's page be found on indexes alone (search/compile.ts)
 * and frees the old versions updates leave; SKIP_LOCKED lets another Lots process's run go first.
 */
import type { Logger } from '../log.js';
import type { Db } from './db/db.js';
import { INDEX_TABLES } from './write-sql.js';

const TABLES = ['resource', 'resource_history', ...INDEX_TABLES];
const MIN_WRITES = 1000;

export interface Statistics {
  /** Counts written resources towards the next ANALYZE. */
  noteWrites(n: number): void;
  /** ANALYZE now when a table was never analysed or enough was written; returns whether it ran. */
  refresh(force?: boolean): Promise<boolean>;
  start(intervalMs?: number): void;
  stop(): Promise<void>;
}

export function createStatistics(db: Db, log: Logger): Statistics {
  let pending = 0;
  let rowsAtLastAnalyze = 0;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();

  async function neverAnalysed(): Promise<boolean> {
    // reltuples is -1 until the first ANALYZE (PostgreSQL 14+); an empty table needs none.
    const rows = await db.query<{ n: number }>(
      `select count(*)::int as n from pg_class c where c.relname = any($1::text[]) and c.reltuples < 0 and exists (select 1 from resource limit 1)`,
      [TABLES],
    );
    return (rows[0]?.n ?? 0) > 0;
  }

  async function refresh(force = false): Promise<boolean> {
    if (!force && pending < Math.max(MIN_WRITES, rowsAtLastAnalyze / 10) && !(await neverAnalysed())) return false;
    const started = performance.now();
    pending = 0;
    for (const t of TABLES) await db.exec(`vacuum (analyze, skip_locked) ${t}`);
    const [row] = await db.query<{ n: number }>(`select coalesce(reltuples, 0)::float8 as n from pg_class where relname = 'resource'`);
    rowsAtLastAnalyze = Math.max(0, row?.n ?? 0);
    log.debug('statistics refreshed', { ms: Math.round(performance.now() - started), resources: rowsAtLastAnalyze });
    return true;
  }

  return {
    noteWrites(n) {
      pending += n;
    },
    refresh,
    start(intervalMs = 10_000) {
      const tick = () => {
        running = running.then(() => refresh()).catch((err: unknown) => log.warn('ANALYZE failed', { error: err instanceof Error ? err.message : String(err) }));
      };
      timer = setInterval(tick, intervalMs);
      timer.unref();
      tick();
    },
    async stop() {
      if (timer) clearInterval(timer);
      await running;
    },
  };
}
