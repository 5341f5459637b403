/**
 * @module http/fhir-endpoint
 * The Hono side of the FHIR API: turns an HTTP request into a FhirRequest (negotiation, body limits,
 * parsing), hands it to the router, and renders the FhirResponse (Prefer, _pretty, HEAD, 304).
 */
import type { Context } from 'hono';
import { mustRedact, redactJson } from '../auth/redact.js';
import { errors, information } from '../fhir/error.js';
import { checkJsonLimits, checkJsonTextDepth } from '../fhir/json-limits.js';
import { bodyKind, responseMediaType } from './negotiate.js';
import type { Router } from './fhir/routes.js';
import type { FhirContext, FhirRequest, FhirResponse, Method } from './fhir/types.js';

const METHODS = new Set<Method>(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']);

export async function toFhirRequest(c: Context, basePath: string): Promise<FhirRequest> {
  const method = c.req.method.toUpperCase() as Method;
  if (!METHODS.has(method)) throw errors.methodNotAllowed(`${c.req.method} is not a FHIR interaction`);
  const url = new URL(c.req.url);
  const path = url.pathname.slice(basePath.length);
  const segments = path.split('/').filter((s) => s !== '').map(decodeSegment);
  const query = url.searchParams;
  const req: FhirRequest = { method, segments, query, headers: {} };
  const h = req.headers;
  for (const [name, key] of [
    ['if-match', 'ifMatch'],
    ['if-none-match', 'ifNoneMatch'],
    ['if-none-exist', 'ifNoneExist'],
    ['if-modified-since', 'ifModifiedSince'],
    ['prefer', 'prefer'],
    ['last-event-id', 'lastEventId'],
    ['accept', 'accept'],
  ] as const) {
    const v = c.req.header(name);
    if (v) h[key] = v;
  }
  if (method === 'POST' || method === 'PUT' || method === 'PATCH') await readBody(c, req);
  return req;
}

function decodeSegment(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw errors.badRequest(`The URL path segment "${s}" is not valid percent-encoding`);
  }
}

async function readBody(c: Context, req: FhirRequest): Promise<void> {
  const contentType = c.req.header('content-type');
  const text = await c.req.text();
  if (text.trim() === '') return;
  const kind = bodyKind(contentType);
  req.contentType = contentType?.split(';')[0]!.trim().toLowerCase() ?? 'application/fhir+json';
  if (kind === 'form') {
    req.body = new URLSearchParams(text);
    return;
  }
  // Depth is checked on the text first: parsing a body nested millions deep blocks the process for seconds.
  checkJsonTextDepth(text);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw errors.badRequest(`The body is not valid JSON: ${(err as Error).message}`);
  }
  req.body = checkJsonLimits(parsed);
}

export async function handleFhir(c: Context, ctx: FhirContext, router: Router): Promise<Response> {
  const accept = c.req.header('accept');
  // A stream's client asks for text/event-stream, a chart's for image/svg+xml, a contact card's
  // (a browser's) for text/html (GET only); their errors are still answered as FHIR JSON, and a GET
  // that cannot answer in SVG or HTML is 406 below.
  const picture = c.req.method === 'GET' && (accept?.includes('image/svg+xml') === true || accept?.includes('text/html') === true);
  const mediaType = responseMediaType(c.req.query('_format') ?? null, accept?.includes('text/event-stream') || picture ? undefined : accept);
  const req = await toFhirRequest(c, ctx.config.basePath);
  const res = await router.handle(ctx, req);
  if (picture && !res.stream && res.status < 300) responseMediaType(null, accept);
  // LOTS_AUDIT_READS=sync: no answer leaves before the AuditEvents of what it shows are stored.
  if (ctx.config.auditReads === 'sync') await ctx.audit.flush(true);
  if (mustRedact(ctx.principal)) {
    if (res.raw !== undefined) res.raw = redactJson(res.raw);
    else if (res.resource !== undefined) res.raw = redactJson(JSON.stringify(res.resource));
  }
  return render(c, req, res, mediaType);
}

export function render(c: Context, req: FhirRequest, res: FhirResponse, mediaType: string): Response {
  const headers: Record<string, string> = { ...res.headers };
  if (res.stream) return c.body(res.stream, res.status as 200, headers);
  let body = bodyText(req, res);
  if (res.status === 304 || req.method === 'HEAD') body = undefined;
  if (body !== undefined) {
    headers['Content-Type'] = `${mediaType}; charset=utf-8`;
    // Known here for free; the request log reports it.
    headers['Content-Length'] = String(Buffer.byteLength(body));
  }
  return body === undefined ? c.body(null, res.status as 200, headers) : c.body(body, res.status as 200, headers);
}

function bodyText(req: FhirRequest, res: FhirResponse): string | undefined {
  if (res.preferApplies) {
    const ret = /return=([a-zA-Z]+)/.exec(req.headers.prefer ?? '')?.[1];
    if (ret === 'minimal') return undefined;
    if (ret === 'OperationOutcome') return JSON.stringify(information(`${req.method} succeeded (${res.status})`));
  }
  const pretty = req.query.get('_pretty') === 'true';
  if (res.raw !== undefined) return pretty ? JSON.stringify(JSON.parse(res.raw), null, 2) : res.raw;
  if (res.resource !== undefined) return JSON.stringify(res.resource, null, pretty ? 2 : undefined);
  return undefined;
}
