/**
 * @module http/fhir/bundle-entry
 * Turns a Bundle entry's request into a FhirRequest, and a FhirResponse back into a response entry,
 * so batch and transaction entries run through the same interactions as HTTP requests.
 */
import type { Binary, BundleEntry } from '@medplum/fhirtypes';
import { errors } from '../../fhir/error.js';
import { checkJsonLimits, checkJsonTextDepth } from '../../fhir/json-limits.js';
import type { EntryParts } from '../../fhir/bundle.js';
import type { FhirContext, FhirRequest, FhirResponse, Method } from './types.js';

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']);

export function entryRequest(ctx: FhirContext, entry: BundleEntry, prefer: string | undefined): FhirRequest {
  const r = entry.request;
  if (!r?.method || !r.url) throw errors.badRequest('The entry has no request.method and request.url');
  if (!METHODS.has(r.method)) throw errors.badRequest(`request.method ${r.method} is not supported`);
  let url = r.url;
  if (url.startsWith(ctx.config.baseUrl + '/')) url = url.slice(ctx.config.baseUrl.length + 1);
  if (/^[a-z]+:\/\//.test(url)) throw errors.badRequest(`request.url ${r.url} is not on this server`);
  const [path = '', query = ''] = url.replace(/^\//, '').split(/\?(.*)/s);
  const req: FhirRequest = {
    method: r.method as Method,
    segments: path.split('/').filter(Boolean).map(decodeEntrySegment),
    query: new URLSearchParams(query),
    headers: {},
  };
  if (r.ifMatch) req.headers.ifMatch = r.ifMatch;
  if (r.ifNoneMatch) req.headers.ifNoneMatch = r.ifNoneMatch;
  if (r.ifNoneExist) req.headers.ifNoneExist = r.ifNoneExist;
  if (r.ifModifiedSince) req.headers.ifModifiedSince = r.ifModifiedSince;
  if (prefer) req.headers.prefer = prefer;
  if (entry.resource && (r.method === 'POST' || r.method === 'PUT' || r.method === 'PATCH')) setBody(req, entry.resource);
  return req;
}

function decodeEntrySegment(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw errors.badRequest(`request.url has a path segment that is not valid percent-encoding: ${s}`);
  }
}

/** A PATCH entry carries a JSON Patch as a Binary, or a FHIRPath Patch as Parameters. */
function setBody(req: FhirRequest, resource: NonNullable<BundleEntry['resource']>): void {
  if (req.method === 'PATCH' && resource.resourceType === 'Binary') {
    const bin = resource as Binary;
    const text = Buffer.from(bin.data ?? '', 'base64').toString('utf8');
    checkJsonTextDepth(text);
    try {
      req.body = JSON.parse(text);
    } catch {
      throw errors.badRequest('The PATCH entry\'s Binary does not hold a JSON Patch document');
    }
    checkJsonLimits(req.body);
    req.contentType = 'application/json-patch+json';
    return;
  }
  req.body = structuredClone(resource);
  req.contentType = 'application/fhir+json';
}

const REASONS: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  204: 'No Content',
  304: 'Not Modified',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  410: 'Gone',
  412: 'Precondition Failed',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  500: 'Internal Server Error',
};

export const statusLine = (status: number): string => `${status} ${REASONS[status] ?? ''}`.trim();

/** The response entry for an entry's FhirResponse (the resource unless Prefer says otherwise). */
export function responseEntry(ctx: FhirContext, res: FhirResponse, prefer: string | undefined): EntryParts {
  const h = res.headers ?? {};
  const response: NonNullable<EntryParts['response']> = { status: statusLine(res.status) };
  if (h.Location) response.location = h.Location.startsWith(ctx.config.baseUrl + '/') ? h.Location.slice(ctx.config.baseUrl.length + 1) : h.Location;
  if (h.ETag) response.etag = h.ETag;
  if (h['Last-Modified']) response.lastModified = new Date(h['Last-Modified']).toISOString();
  const parts: EntryParts = { response };
  const minimal = /return=minimal/.test(prefer ?? '');
  const isOutcome = res.resource?.resourceType === 'OperationOutcome';
  if (isOutcome) response.outcome = res.resource as NonNullable<typeof response.outcome>;
  else if (!minimal && res.raw !== undefined) parts.raw = res.raw;
  else if (!minimal && res.resource) parts.resource = res.resource;
  if (parts.raw || parts.resource) {
    const id = h.Location ? h.Location.replace(/\/_history\/.*$/, '') : idOf(parts);
    if (id) parts.fullUrl = id.startsWith('http') ? id : `${ctx.config.baseUrl}/${id}`;
  }
  return parts;
}

function idOf(p: EntryParts): string | undefined {
  const r = p.resource ?? (p.raw ? (JSON.parse(p.raw) as { resourceType?: string; id?: string; type?: string }) : undefined);
  if (!r?.id || !r.resourceType || r.resourceType === 'Bundle') return undefined;
  return `${r.resourceType}/${r.id}`;
}
