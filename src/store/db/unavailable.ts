/**
 * @module store/db/unavailable
 * Tells a database that is away (restarting, unreachable, out of connections) from a failed
 * statement: the first is worth a retry, so the HTTP layer answers 503 with Retry-After instead of 500.
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
