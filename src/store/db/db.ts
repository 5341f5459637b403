/**
 * @module store/db/db
 * The seam between Lots and Postgres: two small adapters (node-postgres, PGlite) behind one interface,
 * so the same SQL, migrations and tests run on both.
 */

export interface QueryOptions {
  prepare?: boolean;
}

export type SqlValue = string | number | boolean | null | Date | readonly SqlValue[] | Uint8Array;

export interface Queryable {
  /**
   * Runs one statement with bound parameters (`$1`, `$2`, ...) and returns its rows. `prepare` marks a
   * statement whose text repeats (values are always bound): the server parses it once per connection
   * and, after a few runs, may keep one generic plan for all values. So prepare only statements whose
   * best plan cannot depend on the values (reads by id, writes); never a search. The driver prepares a
   * bounded number of distinct texts and runs the rest unnamed, planned for their values each time.
   */
  query<R = Record<string, unknown>>(text: string, values?: readonly unknown[], options?: QueryOptions): Promise<R[]>;
}

export interface Db extends Queryable {
  readonly driver: 'pg' | 'pglite';
  /**
   * Runs `fn` inside one database transaction: committed when it resolves, rolled back when it throws.
   * Calling `transaction` on the `tx` handle runs inside the same transaction (no nesting).
   */
  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T>;
  /**
   * Inside a transaction: runs `fn` under a SAVEPOINT, so a failure undoes only its own work and the
   * transaction goes on. Outside one it is a transaction of its own.
   */
  savepoint<T>(fn: (tx: Db) => Promise<T>): Promise<T>;
  /** Runs several statements separated by `;` without parameters (migrations). */
  exec(sql: string): Promise<void>;
  /**
   * Calls `onNotify` for every NOTIFY on `channel` (from any process on the database) until the returned
   * function is called or the database closes. Delivery is at most once: a listener that loses its
   * connection listens again, but notifications sent meanwhile are gone, so use it to hurry a poll,
   * never instead of one.
   */
  listen(channel: string, onNotify: () => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

let savepoints = 0;

/** Runs `fn` under a new savepoint on a connection that is inside a transaction. */
export async function underSavepoint<T>(tx: Db, fn: (tx: Db) => Promise<T>): Promise<T> {
  const name = `lots_sp_${++savepoints}`;
  await tx.exec(`savepoint ${name}`);
  try {
    const result = await fn(tx);
    await tx.exec(`release savepoint ${name}`);
    return result;
  } catch (err) {
    await tx.exec(`rollback to savepoint ${name}`);
    throw err;
  }
}

/** The SQLSTATE of a Postgres error, when `err` is one. */
export function sqlState(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

export const SQLSTATE = {
  uniqueViolation: '23505',
  serializationFailure: '40001',
  deadlockDetected: '40P01',
} as const;

/*
 * A database that is away (restarting, unreachable, out of connections) rather than a failed statement:
 * the first is worth a retry, so the HTTP layer answers 503 with Retry-After instead of 500. The composition
 * root hands this to the error mapper (http/error.ts), which knows no database.
 * Codes: https://www.postgresql.org/docs/15/errcodes-appendix.html (class 08, 57P01-57P03, 53300).
 */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
const SERVER_CODES = new Set(['57P01', '57P02', '57P03', '53300']);
// node-postgres reports lost connections and pool timeouts as plain Errors.
const MESSAGES = /Connection terminated|connection timeout|Client has encountered a connection error|Connection closed|timeout exceeded when trying to connect|Cannot use a pool after calling end/i;

export function isDatabaseUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && (SOCKET_CODES.has(code) || SERVER_CODES.has(code) || code.startsWith('08'))) return true;
  if (err instanceof AggregateError) return err.errors.some(isDatabaseUnavailable);
  return MESSAGES.test(err.message);
}
