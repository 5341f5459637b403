/**
 * @module http/error
 * The one place where failures become HTTP answers: a FhirError keeps its status and issues; anything
 * else is a 500 whose OperationOutcome reveals nothing of the internals (the log gets the stack).
 */
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { errors, FhirError } from '../fhir/error.js';
import type { Logger } from '../log.js';

export function toFhirError(err: unknown, log: Logger, requestId?: string): FhirError {
  if (err instanceof FhirError) return err;
  if (err instanceof HTTPException) {
    if (err.status === 413) return errors.tooLarge('The request body is larger than this server accepts');
    return new FhirError(err.status, { code: err.status >= 500 ? 'exception' : 'invalid', diagnostics: err.message || 'Request failed' });
  }
  log.error('unexpected error', { requestId, error: err instanceof Error ? err.stack : String(err) });
  return errors.internal(`An unexpected error occurred on the server${requestId ? ` (request ${requestId})` : ''}`);
}

export function errorResponse(c: Context, err: FhirError, mediaType = 'application/fhir+json'): Response {
  const body = JSON.stringify(err.toOutcome());
  const headers: Record<string, string> = { 'Content-Type': `${mediaType}; charset=utf-8`, 'Content-Length': String(Buffer.byteLength(body)), ...err.headers };
  return c.body(body, err.status as 400, headers);
}
