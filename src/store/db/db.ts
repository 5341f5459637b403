/**
 * @module store/db/db
 * The seam between Lots and Postgres: two small adapters (node-postgres, PGlite) behind one interface,
 * so the same SQL, migrations and tests run on both.
 */

export type SqlValue = string | number | boolean | null | Date | readonly SqlValue[] | Uint8Array;

export interface Queryable {
  /** Runs one statement with bound parameters (`$1`, `$2`, ...) and returns its rows. */
  query<R = Record<string, unknown>>(text: string, values?: readonly unknown[]): Promise<R[]>;
}

export interface Db extends Queryable {
  readonly driver: 'pg' | 'pglite';
  /**
   * Runs `fn` inside one database transaction: committed when it resolves, rolled back when it throws.
   * Calling `transaction` on the `tx` handle runs inside the same transaction (no nesting).
   */
  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T>;
  /** Runs several statements separated by `;` without parameters (migrations). */
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
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
