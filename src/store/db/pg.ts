/**
 * @module store/db/pg
 * The node-postgres adapter: a connection pool; a transaction holds one client from BEGIN to COMMIT.
 */
import pg from 'pg';
import { createHash } from 'node:crypto';
import { underSavepoint, type Db, type QueryOptions } from './db.js';

// Keep timestamps and bigints as text: FHIR instants carry their own format, and ids must not lose digits.
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary'): (v: string) => unknown {
    if (oid === 20 || oid === 1184 || oid === 1114 || oid === 1082) return (v: string) => v;
    return pg.types.getTypeParser(oid, format) as (v: string) => unknown;
  },
};

const names = new Map<string, string>();
// Each connection keeps every statement prepared on it; past this many shapes, new ones run unnamed.
const MAX_PREPARED = 256;

/** A named (prepared) statement when asked: the name is derived from the text, so each shape is one. */
function config(text: string, values: readonly unknown[] | undefined, options: QueryOptions | undefined): pg.QueryConfig {
  if (!options?.prepare) return { text, values: values as unknown[] };
  let name = names.get(text);
  if (!name) {
    if (names.size >= MAX_PREPARED) return { text, values: values as unknown[] };
    name = `lots_${createHash('sha1').update(text).digest('hex').slice(0, 16)}`;
    names.set(text, name);
  }
  return { name, text, values: values as unknown[] };
}

/** The name under which `text` runs as a prepared statement, if it does (for tests that EXPLAIN it). */
export function preparedName(text: string): string | undefined {
  return names.get(text);
}

export function createPgDb(url: string, poolSize = 10): Db {
  // A bounded wait for a connection: while Postgres is away a request fails (503) instead of hanging.
  const pool = new pg.Pool({ connectionString: url, max: poolSize, types, connectionTimeoutMillis: 5_000 });
  // An idle client that loses its connection must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  return poolDb(pool);
}

function poolDb(pool: pg.Pool): Db {
  const listeners = new Set<Listener>();
  const listen: Db['listen'] = async (channel, onNotify) => {
    const l = await listener(pool.options, channel, onNotify);
    listeners.add(l);
    return async () => {
      listeners.delete(l);
      await l.stop();
    };
  };
  return {
    driver: 'pg',
    async query(text, values, options) {
      return (await pool.query(config(text, values, options))).rows;
    },
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn(clientDb(client, listen));
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    savepoint(fn) {
      return this.transaction(fn);
    },
    async exec(sql) {
      await pool.query(sql);
    },
    listen,
    async close() {
      await Promise.all([...listeners].map((l) => l.stop()));
      await pool.end();
    },
  };
}

interface Listener {
  stop(): Promise<void>;
}

/**
 * LISTEN needs a connection of its own for as long as it listens (a pooled one would be handed to
 * others). When it is lost (Postgres restarted), it connects again after a second, for as long as it runs.
 */
async function listener(options: pg.PoolConfig, channel: string, onNotify: () => void): Promise<Listener> {
  let stopped = false;
  let client: pg.Client | undefined;
  let retry: NodeJS.Timeout | undefined;
  const connect = async (): Promise<void> => {
    const c = new pg.Client({ connectionString: options.connectionString, types, connectionTimeoutMillis: 5_000 });
    c.on('notification', (m) => m.channel === channel && onNotify());
    c.on('error', () => again());
    await c.connect();
    await c.query(`listen ${pg.escapeIdentifier(channel)}`);
    client = c;
  };
  const again = () => {
    client?.end().catch(() => undefined);
    client = undefined;
    if (stopped || retry) return;
    retry = setTimeout(() => {
      retry = undefined;
      if (!stopped) connect().catch(again);
    }, 1000);
    retry.unref();
  };
  await connect();
  return {
    async stop() {
      stopped = true;
      if (retry) clearTimeout(retry);
      await client?.end().catch(() => undefined);
    },
  };
}

function clientDb(client: pg.PoolClient, listen: Db['listen']): Db {
  const self: Db = {
    driver: 'pg',
    async query(text, values, options) {
      return (await client.query(config(text, values, options))).rows;
    },
    transaction: (fn) => fn(self),
    savepoint: (fn) => underSavepoint(self, fn),
    async exec(sql) {
      await client.query(sql);
    },
    listen,
    async close() {
      /* the owning pool closes */
    },
  };
  return self;
}
