/**
 * @module store/db/migrate
 * Applies the numbered `.sql` files in `migrations/` in order, each once, under a Postgres advisory lock
 * so that several servers starting together do not race.
 */
import { readdir, readFile } from 'node:fs/promises';
import type { Db } from './db.js';

const MIGRATIONS_DIR = new URL('./migrations/', import.meta.url);
// An arbitrary constant shared by every Lots process: "LOTS" in ASCII.
const LOCK_KEY = 0x4c4f5453;

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export async function loadMigrations(): Promise<Migration[]> {
  const files = (await readdir(MIGRATIONS_DIR)).filter((f) => /^\d{4}_.+\.sql$/.test(f)).sort();
  return Promise.all(
    files.map(async (file) => ({
      version: Number(file.slice(0, 4)),
      name: file.replace(/\.sql$/, ''),
      sql: await readFile(new URL(file, MIGRATIONS_DIR), 'utf8'),
    })),
  );
}

/** Applies the pending migrations; returns the names of those it applied. */
export async function migrate(db: Db): Promise<string[]> {
  const migrations = await loadMigrations();
  return db.transaction(async (tx) => {
    // Transaction-scoped, so the lock is released even if this process dies mid-way.
    await tx.query('select pg_advisory_xact_lock($1)', [LOCK_KEY]);
    await tx.exec(
      'create table if not exists schema_migration (version integer primary key, name text not null, applied_at timestamptz not null default now())',
    );
    const done = new Set((await tx.query<{ version: number }>('select version from schema_migration')).map((r) => r.version));
    const applied: string[] = [];
    for (const m of migrations) {
      if (done.has(m.version)) continue;
      await tx.exec(m.sql);
      await tx.query('insert into schema_migration (version, name) values ($1, $2)', [m.version, m.name]);
      applied.push(m.name);
    }
    return applied;
  });
}

/** True when every migration this code knows has been applied. */
export async function isMigrated(db: Db): Promise<boolean> {
  const migrations = await loadMigrations();
  const rows = await db.query<{ n: string }>(
    "select count(*)::text as n from schema_migration where version = any($1::int[])",
    [migrations.map((m) => m.version)],
  );
  return Number(rows[0]?.n) === migrations.length;
}
