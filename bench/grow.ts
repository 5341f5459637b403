/**
 * Growth: the searches are driven again after other patients' data has grown, because a search whose
 * plan does not follow its values (a generic plan of a prepared statement) is fast on the seed and
 * slows down as the region measures more. Writes `count` heart-rate Observations of 100 each for other
 * patients with set-based SQL (the same rows the write path writes: test/support/bulk-load.ts checks
 * that), and removes them again at the end so the seed stays reusable.
 */
import { bulkLoad } from '../test/support/bulk-load.js';
import type { Db } from '../src/store/db/db.js';
import { createPgDb } from '../src/store/db/pg.js';
import { createPgliteDb } from '../src/store/db/pglite.js';
import { INDEX_TABLES } from '../src/store/write-sql.js';
import type { DbEnv } from './server.js';

const PREFIX = 'bench-grow';
const PER_PATIENT = 100;

async function open(env: DbEnv): Promise<Db> {
  return env.DATABASE_URL ? createPgDb(env.DATABASE_URL, 1) : await createPgliteDb(env.LOTS_DATA_DIR);
}

/** Adds `count` heart rates of other patients. PGlite: only while Lots is stopped. */
export async function grow(env: DbEnv, count: number): Promise<void> {
  const db = await open(env);
  try {
    await ungrowOn(db);
    await bulkLoad(db, { patients: Math.max(1, Math.round(count / PER_PATIENT)), perPatient: PER_PATIENT, prefix: PREFIX, heartRatesOnly: true });
  } finally {
    await db.close();
  }
}

/** Removes what `grow` added. PGlite: only while Lots is stopped. */
export async function ungrow(env: DbEnv): Promise<void> {
  const db = await open(env);
  try {
    await ungrowOn(db);
  } finally {
    await db.close();
  }
}

async function ungrowOn(db: Db): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query(`create temporary table grown on commit drop as select rid from resource where id like '${PREFIX}-%'`);
    for (const table of INDEX_TABLES) {
      await tx.query(`delete from ${table} where rid in (select rid from grown)`);
    }
    await tx.query(`delete from resource where rid in (select rid from grown)`);
  });
}
