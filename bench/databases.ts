/**
 * The bench's databases. PGlite: folders under bench/.data/. A PostgreSQL server: `lots_bench` (kept
 * between runs, so the seed is reused) and `lots_bench_import` (made anew for each import), created on
 * the server that DATABASE_URL names, whatever database that URL itself names.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { createPgliteDb } from '../src/store/db/pglite.js';
import { ROOT, type DbEnv } from './server.js';

export const DATA_DIR = join(ROOT, 'bench', '.data');
export const BENCH_DB = 'lots_bench';
export const IMPORT_DB = 'lots_bench_import';

/** The URL of database `name` on the server of `url`. */
export function onServer(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function admin<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: onServer(url, 'postgres') });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Creates `name` on the server when it is missing; returns its URL. */
export async function ensureDatabase(url: string, name: string): Promise<string> {
  await admin(url, async (c) => {
    const found = await c.query('select 1 from pg_database where datname = $1', [name]);
    if (found.rowCount === 0) await c.query(`create database "${name}"`);
  });
  return onServer(url, name);
}

/** Drops and creates `name`: an empty database. */
export async function freshDatabase(url: string, name: string): Promise<string> {
  await admin(url, async (c) => {
    await c.query(`drop database if exists "${name}" with (force)`);
    await c.query(`create database "${name}"`);
  });
  return onServer(url, name);
}

export async function benchDb(databaseUrl: string | undefined): Promise<DbEnv> {
  if (databaseUrl) return { DATABASE_URL: await ensureDatabase(databaseUrl, BENCH_DB) };
  mkdirSync(DATA_DIR, { recursive: true }); // Lots makes its data folder, not the folders above it
  return { LOTS_DATA_DIR: join(DATA_DIR, 'pglite') };
}

export async function importDb(databaseUrl: string | undefined): Promise<DbEnv> {
  if (databaseUrl) return { DATABASE_URL: await freshDatabase(databaseUrl, IMPORT_DB) };
  const dir = join(DATA_DIR, 'import-pglite');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(DATA_DIR, { recursive: true });
  return { LOTS_DATA_DIR: dir };
}

/**
 * Gathers planner statistics and the visibility map (index-only scans), as autovacuum would on a server
 * where it is on and Lots' own statistics keeper does after enough writes; here at once, so the figures
 * do not depend on when that ran. PGlite: only while Lots is stopped (one process holds the folder).
 */
export async function analyze(db: DbEnv): Promise<void> {
  if (db.DATABASE_URL) {
    const client = new pg.Client({ connectionString: db.DATABASE_URL });
    await client.connect();
    await client.query('vacuum (analyze)').finally(() => client.end());
    return;
  }
  const lite = await createPgliteDb(db.LOTS_DATA_DIR);
  await lite.exec('vacuum (analyze)').finally(() => lite.close());
}

/** Whether the server runs autovacuum (undefined on PGlite, which has none). */
export async function autovacuumOn(db: DbEnv): Promise<boolean | undefined> {
  if (!db.DATABASE_URL) return undefined;
  const client = new pg.Client({ connectionString: db.DATABASE_URL });
  await client.connect();
  const r = await client.query<{ autovacuum: string }>('show autovacuum').finally(() => client.end());
  return r.rows[0]?.autovacuum === 'on';
}
