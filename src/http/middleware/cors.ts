/**
 * @module http/middleware/cors
 * Cross-origin access for browser apps (SMART apps, clinicians' web tools), per the Fetch standard
 * (https://fetch.spec.whatwg.org/#http-cors-protocol) and FHIR's advice to support CORS
 * (https://hl7.org/fhir/R4/security.html#cors). Mounted before authentication: a preflight carries no
 * token. No credentials mode: Lots uses bearer tokens, never cookies.
 */
import type { MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';

/** The request headers a FHIR client sends: auth, content negotiation, Prefer, the conditional ones. */
const ALLOW_HEADERS = [
  'Authorization', 'Content-Type', 'Accept', 'Prefer', 'If-Match', 'If-None-Match', 'If-None-Exist', 'If-Modified-Since',
  'X-Request-Id', 'Last-Event-ID',
];
/** The response headers a browser script may read: where a create went, versions, the request id. */
const EXPOSE_HEADERS = ['Location', 'Content-Location', 'ETag', 'Last-Modified', 'X-Request-Id', 'WWW-Authenticate'];

/** The CORS middleware for the configured origins, or undefined when CORS is off. */
export function corsMiddleware(origins: '*' | 'off' | string[]): MiddlewareHandler | undefined {
  if (origins === 'off') return undefined;
  return cors({
    origin: origins,
    allowMethods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowHeaders: ALLOW_HEADERS,
    exposeHeaders: EXPOSE_HEADERS,
    maxAge: 600,
  });
}
