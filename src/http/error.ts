/**
 * @module http/error
 * The one place where failures become HTTP answers: a FhirError keeps its status and issues; anything
 * else is a 500 whose OperationOutcome reveals nothing of the internals (the log gets the stack).
 */
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { errors, FhirError } from '../fhir/error.js';
import type { Logger } from '../log.js';

/** Seconds a client should wait before retrying while the database is away. */
const DATABASE_RETRY_AFTER = '5';

/**
 * `unavailable` tells a database that is away (store/db/db.ts `isDatabaseUnavailable`, given by the
 * composition root): that is a 503 with Retry-After, worth a retry, not a 500.
 */
export function toFhirError(err: unknown, log: Logger, requestId?: string, unavailable: (err: unknown) => boolean = () => false): FhirError {
  if (err instanceof FhirError) return err;
  if (err instanceof HTTPException) {
    if (err.status === 413) return errors.tooLarge('The request body is larger than this server accepts');
    return new FhirError(err.status, { code: err.status >= 500 ? 'exception' : 'invalid', diagnostics: err.message || 'Request failed' });
  }
  if (unavailable(err)) {
    log.warn('database unavailable', { requestId, error: err instanceof Error ? err.message : String(err) });
    return new FhirError(503, { code: 'transient', diagnostics: 'The database is not reachable just now; retry shortly' }, { 'Retry-After': DATABASE_RETRY_AFTER });
  }
  log.error('unexpected error', { requestId, error: err instanceof Error ? err.stack : String(err) });
  return errors.internal(`An unexpected error occurred on the server${requestId ? ` (request ${requestId})` : ''}`);
}

export function errorResponse(c: Context, err: FhirError, mediaType = 'application/fhir+json'): Response {
  const body = JSON.stringify(err.toOutcome());
  const headers: Record<string, string> = { 'Content-Type': `${mediaType}; charset=utf-8`, 'Content-Length': String(Buffer.byteLength(body)), ...err.headers };
  return c.body(body, err.status as 400, headers);
}
