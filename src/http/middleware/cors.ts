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

/**
 * The CORS middleware for the configured origins, or undefined when CORS is off. A request without an
 * `Origin` header is not a cross-origin browser request and passes straight on: Hono's cors middleware
 * touches the response before the handler runs, which makes every answer a full web Response (about a
 * tenth of a read's CPU). With a list of origins such answers still say `Vary: Origin`, so a cache
 * never hands one to a browser of another origin.
 */
export function corsMiddleware(origins: '*' | 'off' | string[]): MiddlewareHandler | undefined {
  if (origins === 'off') return undefined;
  const browsers = corsFor(origins);
  return (c, next) => {
    if (c.req.header('origin') !== undefined) return browsers(c, next);
    if (origins !== '*') c.header('Vary', 'Origin');
    return next();
  };
}

function corsFor(origins: '*' | string[]): MiddlewareHandler {
  return cors({
    origin: origins,
    allowMethods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowHeaders: ALLOW_HEADERS,
    exposeHeaders: EXPOSE_HEADERS,
    maxAge: 600,
  });
}
