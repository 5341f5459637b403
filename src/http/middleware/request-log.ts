/**
 * @module http/middleware/request-log
 * One JSON line per request at `info`: method, route pattern, status, bytes, milliseconds, request id
 * and client id. Never the query string, an id from the path, a header value or a body: a personnummer
 * must not reach a log. Also gives every request an id (the caller's `X-Request-Id` when it is a
 * plain token, else a new UUID), echoed in the response and named in a 500's OperationOutcome.
 */
import { randomUUID } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { Logger } from '../../log.js';
import { fhirRoutePattern } from './route-pattern.js';

declare module 'hono' {
  interface ContextVariableMap {
    requestId: string;
  }
}

/** A caller's id is kept only if it cannot smuggle anything into a log line or a header. */
const REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

export function requestLog(log: Logger, basePath: string): MiddlewareHandler {
  return async function requestLog(c, next) {
    const started = performance.now();
    const given = c.req.header('x-request-id');
    const requestId = given && REQUEST_ID.test(given) ? given : randomUUID();
    c.set('requestId', requestId);
    // Set before the answer exists, so it is part of it as it is made: setting a header on a finished
    // answer copies it into a full web Response.
    c.header('X-Request-Id', requestId);
    try {
      await next();
    } finally {
      if (!c.res.headers.has('x-request-id')) c.res.headers.set('X-Request-Id', requestId);
      const length = c.res.headers.get('content-length');
      log.info('request', {
        method: c.req.method,
        route: route(c.req.path, c.req.routePath, basePath),
        status: c.res.status,
        ...(length !== null ? { bytes: Number(length) } : c.res.body === null ? { bytes: 0 } : {}),
        ms: Math.round((performance.now() - started) * 10) / 10,
        requestId,
        ...(c.get('fhir') ? { clientId: c.get('fhir').principal.clientId } : {}),
      });
    }
  };
}

/** The FHIR route without ids; Lots' other routes by their registered pattern; nothing else verbatim. */
function route(path: string, routePath: string, basePath: string): string {
  const fhir = fhirRoutePattern(path, basePath);
  if (fhir !== undefined) return fhir;
  return routePath === '*' || routePath === '/*' ? '(no route)' : routePath;
}
