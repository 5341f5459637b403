/**
 * @module store/db/pglite
 * The PGlite adapter: Postgres compiled to WASM, in-process, data in a folder (or in memory for tests).
 * PGlite has a single connection; its own mutex makes a transaction exclusive.
 */
import { PGlite, types as pgliteTypes, type Transaction } from '@electric-sql/pglite';
import { lockDataDir } from './data-dir-lock.js';
import { underSavepoint, type Db } from './db.js';

const asText = (v: string): string => v;
// Same conventions as the pg adapter: timestamps and bigints stay text.
const parsers = {
  [pgliteTypes.INT8]: asText,
  [pgliteTypes.TIMESTAMPTZ]: asText,
  [pgliteTypes.TIMESTAMP]: asText,
  [pgliteTypes.DATE]: asText,
};

/**
 * Opens PGlite in `dataDir`, or in memory when `dataDir` is undefined. A data directory is locked for
 * this process until `close` (`command` names the holder in the refusal others get).
 */
export async function createPgliteDb(dataDir?: string, command = 'lots'): Promise<Db> {
  const lock = dataDir === undefined ? undefined : lockDataDir(dataDir, command);
  let pg: PGlite;
  try {
    pg = await PGlite.create(dataDir, { parsers });
  } catch (err) {
    lock?.release();
    throw err;
  }
  // One process owns the data, so only its own notifications arrive; they keep the seam the same as pg's.
  const listen: Db['listen'] = async (channel, onNotify) => pg.listen(channel, () => onNotify());
  return {
    driver: 'pglite',
    async query(text, values) {
      return (await pg.query(text, values as unknown[])).rows as never[];
    },
    transaction: (fn) => pg.transaction((tx) => fn(txDb(tx, listen))),
    savepoint: (fn) => pg.transaction((tx) => fn(txDb(tx, listen))),
    async exec(sql) {
      await pg.exec(sql);
    },
    listen,
    async close() {
      try {
        await pg.close();
      } finally {
        lock?.release();
      }
    },
  };
}

function txDb(tx: Transaction, listen: Db['listen']): Db {
  const self: Db = {
    driver: 'pglite',
    async query(text, values) {
      return (await tx.query(text, values as unknown[])).rows as never[];
    },
    transaction: (fn) => fn(self),
    savepoint: (fn) => underSavepoint(self, fn),
    async exec(sql) {
      await tx.exec(sql);
    },
    listen,
    async close() {
      /* the owning instance closes */
    },
  };
  return self;
}
