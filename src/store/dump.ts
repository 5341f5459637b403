/**
 * @module store/dump
 * `lots dump` / `lots restore`: a portable, plain-SQL copy of a Lots database. The file holds the
 * migrations the database had, then one `insert` per row (each row as JSON, so every column type
 * round-trips the same way on PGlite and on a PostgreSQL server), then the identity counters. Any
 * PostgreSQL 16 loads it into an empty database with `psql -1 -f`; `lots restore` loads it on either
 * driver. Every data statement is one line, which lets the restore run it in batches.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Db, Queryable } from './db/db.js';
import { loadMigrations } from './db/migrate.js';

const HEADER = '-- Lots dump, format 1';
const DATA = '-- data';
const END = '-- end';
const BATCH = 500;

export interface DumpSummary {
  tables: number;
  rows: number;
}

/** Writes the dump of `db` to `write`, in one read-only snapshot. */
export async function dumpDatabase(db: Db, write: (text: string) => Promise<void>): Promise<DumpSummary> {
  return db.transaction(async (tx) => {
    await tx.exec('set transaction isolation level repeatable read, read only');
    const applied = new Set((await tx.query<{ version: number }>('select version from schema_migration')).map((r) => Number(r.version)));
    const migrations = (await loadMigrations()).filter((m) => applied.has(m.version));
    await write(`${HEADER}\n-- Load into an empty PostgreSQL database: psql -1 -v ON_ERROR_STOP=1 -f THIS_FILE\nset client_min_messages = warning;\n`);
    await write('create table schema_migration (version integer primary key, name text not null, applied_at timestamptz not null default now());\n');
    for (const m of migrations) await write(`-- migration ${m.name}\n${m.sql.trim()}\n;\n`);
    await write(`${DATA}\n`);
    const tables = await userTables(tx);
    // The rows are copies: triggers (the subscriptions outbox on `resource`) must not fire again for them.
    for (const t of tables) await write(`alter table ${checkedName(t.name)} disable trigger user;\n`);
    let rows = 0;
    for (const t of tables) rows += await dumpTable(tx, t, write);
    for (const t of tables.filter((x) => x.identity)) {
      await write(`select setval(pg_get_serial_sequence('${t.name}', '${t.identity}'), coalesce((select max(${t.identity}) from ${t.name}), 1), (select count(*) > 0 from ${t.name}));\n`);
    }
    for (const t of tables) await write(`alter table ${checkedName(t.name)} enable trigger user;\n`);
    await write(`${END}\n`);
    return { tables: tables.length, rows };
  });
}

interface Table {
  name: string;
  /** The identity column, whose values are kept (`overriding system value`) and whose counter is reset. */
  identity?: string;
}

async function userTables(db: Queryable): Promise<Table[]> {
  const rows = await db.query<{ name: string; identity: string | null }>(
    `select t.table_name as name,
            (select c.column_name from information_schema.columns c
              where c.table_schema = t.table_schema and c.table_name = t.table_name and c.is_identity = 'YES' limit 1) as identity
       from information_schema.tables t
      where t.table_schema = current_schema() and t.table_type = 'BASE TABLE'
      order by t.table_name`,
  );
  return rows.map((r) => ({ name: r.name, ...(r.identity ? { identity: r.identity } : {}) }));
}

/** Table names come from the catalogue, not from input; they are plain identifiers. */
function checkedName(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`unexpected table name ${JSON.stringify(name)}`);
  return name;
}

async function dumpTable(tx: Db, table: Table, write: (text: string) => Promise<void>): Promise<number> {
  const name = checkedName(table.name);
  const overriding = table.identity ? ' overriding system value' : '';
  // A cursor, so a large table is never held in memory at once.
  await tx.exec(`declare lots_dump cursor for select quote_literal(row_to_json(r)::text) as line from ${name} r`);
  let n = 0;
  for (;;) {
    const batch = await tx.query<{ line: string }>(`fetch ${BATCH} from lots_dump`);
    if (!batch.length) break;
    await write(batch.map((b) => `insert into ${name}${overriding} select * from json_populate_record(null::${name}, ${b.line});\n`).join(''));
    n += batch.length;
  }
  await tx.exec('close lots_dump');
  return n;
}

/** Thrown when the file is not a Lots dump or the target is not empty. */
export class RestoreError extends Error {}

/** Loads a dump file into `db`, which must hold no Lots schema yet; all or nothing. */
export async function restoreDatabase(db: Db, file: string): Promise<{ rows: number }> {
  const existing = await db.query<{ n: number }>(
    "select count(*)::int as n from information_schema.tables where table_schema = current_schema() and table_name in ('schema_migration', 'resource')",
  );
  if ((existing[0]?.n ?? 0) > 0) throw new RestoreError('the target database is not empty: restore into a new LOTS_DATA_DIR (or an empty PostgreSQL database)');
  return db.transaction(async (tx) => {
    // Made right before the loop: lines read while nothing iterates yet would be lost.
    const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
    let part: 'header' | 'schema' | 'data' | 'end' = 'header';
    let schema = '';
    let batch: string[] = [];
    let rows = 0;
    try {
      const flush = async () => {
        if (batch.length) await tx.exec(batch.join('\n'));
        rows += batch.filter((l) => l.startsWith('insert ')).length;
        batch = [];
      };
      for await (const line of lines) {
        if (part === 'header') {
          if (line !== HEADER) throw new RestoreError(`${file} is not a Lots dump (its first line is not "${HEADER}")`);
          part = 'schema';
        } else if (part === 'schema') {
          if (line === DATA) {
            await tx.exec(schema);
            part = 'data';
          } else schema += `${line}\n`;
        } else if (part === 'data') {
          if (line === END) {
            await flush();
            part = 'end';
          } else if (line.trim()) {
            batch.push(line);
            if (batch.length >= BATCH) await flush();
          }
        }
      }
    } finally {
      lines.close();
    }
    if (part !== 'end') throw new RestoreError(`${file} is cut short (no "${END}" line): nothing was restored`);
    return { rows };
  });
}
