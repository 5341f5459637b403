/**
 * @module http/fhir/search
 * The search interactions, https://hl7.org/fhir/R4/http.html#search: type (GET and POST `_search`),
 * system (`_type`) and Patient compartment. Builds the searchset Bundle: matches, includes, an
 * OperationOutcome entry for ignored parameters, `self` with the parameters used, and `first`, `next`,
 * `previous` links carrying only an opaque page token.
 */
import type { Bundle, Extension, Location, Resource } from '@medplum/fhirtypes';
import { bundleJson, link, type EntryParts } from '../../fhir/bundle.js';
import { errors, outcome, type Issue } from '../../fhir/error.js';
import { parseSearch } from '../../fhir/search/parse.js';
import type { SearchRequest } from '../../fhir/search/request.js';
import { distanceKm, LOCATION_DISTANCE } from '../../fhir/search/values/near.js';
import { subset } from '../../fhir/subset.js';
import type { SearchResult } from '../../domain/repository.js';
import type { PageCursor, SearchRow } from '../../store/store.js';
import { DEFAULT_COUNT, MAX_COUNT } from './paging.js';
import type { FhirContext, FhirRequest, FhirResponse, Interaction } from './types.js';

interface PageState {
  /** The search parameters. */
  p: [string, string][];
  /** Cursors of this page and those before it (for `previous`); the last is this page's start. */
  c: (PageCursor | null)[];
  /** The total, counted once on the first page (`_total=accurate` or `estimate`). */
  t?: number;
}

export interface SearchScope {
  /** The types searched; undefined for a system search, where `_type` chooses them (all when absent). */
  types?: string[];
  /** Path below the base for links, e.g. `Patient` or `Patient/123/Observation`. */
  path: string;
  /** A compartment (`Patient/123`): only its resources match. */
  compartment?: string;
  /** The interaction named in the access log (default search). */
  interaction?: string;
}

export const searchType: Interaction = (ctx, req, { type }) => search(ctx, req, { types: [type!], path: type! });

export const searchSystem: Interaction = (ctx, req) => search(ctx, req, { path: '' });

/** The types of a system search: those in `_type` (repeatable, comma-separated), or all. */
function systemTypes(ctx: FhirContext, params: [string, string][]): string[] {
  const named = params.filter(([k]) => k === '_type').flatMap(([, v]) => v.split(',').map((t) => t.trim()).filter(Boolean));
  for (const t of named) if (!ctx.resourceTypes.has(t)) throw errors.badRequest(`_type: "${t}" is not a resource type`, ['_type']);
  return named.length ? [...new Set(named)] : [...ctx.resourceTypes];
}

export const searchCompartment: Interaction = (ctx, req, { type, id, compartmentType }) => {
  if (type !== 'Patient') throw errors.notFound(`Compartment search is supported for the Patient compartment only, not ${type}`);
  const member = `${type}/${id}`;
  return search(ctx, req, {
    types: [compartmentType!],
    path: `${type}/${id}/${compartmentType}`,
    compartment: member,
  });
};

/** Parses the request's search parameters (URL, form body, or page token) for `types`. */
export function parseRequestSearch(ctx: FhirContext, req: FhirRequest, types: string[], params: [string, string][]): SearchRequest {
  const strict = /handling\s*=\s*strict/.test(req.headers.prefer ?? '');
  return parseSearch(types, params, {
    registry: ctx.searchParams,
    resourceTypes: ctx.resourceTypes,
    strict,
    baseUrl: ctx.config.baseUrl,
    defaultCount: DEFAULT_COUNT,
    maxCount: MAX_COUNT,
  });
}

export async function search(ctx: FhirContext, req: FhirRequest, scope: SearchScope): Promise<FhirResponse> {
  const token = req.query.get('_page');
  const state: PageState = token ? ctx.pageTokens.decode<PageState>(token) : { p: requestParams(req), c: [null] };
  const sreq = parseRequestSearch(ctx, req, scope.types ?? systemTypes(ctx, state.p), state.p);
  if (scope.compartment) sreq.compartment = scope.compartment;
  const cursor = state.c[state.c.length - 1] ?? undefined;

  // `_summary=count` and `_count=0` ask for the total alone, so it is counted.
  const summaryCount = sreq.summary === 'count' || sreq.count === 0;
  const log = { interaction: scope.interaction ?? 'search', query: new URLSearchParams(state.p).toString() };
  const page: SearchResult = summaryCount
    ? { rows: [], included: [], truncated: false }
    : await ctx.repo.search(sreq, { ...(cursor ? { cursor } : {}), includes: true, log });
  let total = state.t;
  if (total === undefined && (summaryCount || sreq.total === 'accurate' || sreq.total === 'estimate')) {
    total = await ctx.repo.count(sreq, !summaryCount && sreq.total === 'estimate');
  } else if (total === undefined && sreq.total === undefined && !page.next) {
    // The last page: every earlier page was full, so the total is known without counting.
    total = (state.c.length - 1) * sreq.count + page.rows.length;
  }
  const { included, truncated } = page;

  const base = `${ctx.config.baseUrl}${scope.path ? `/${scope.path}` : ''}`;
  const pageLink = (c: (PageCursor | null)[]) => `${base}?_page=${ctx.pageTokens.encode({ p: state.p, c, ...(total !== undefined ? { t: total } : {}) } satisfies PageState)}`;
  const header: Omit<Bundle, 'entry'> = { resourceType: 'Bundle', type: 'searchset' };
  if (total !== undefined) header.total = total;
  header.link = [link('self', token ? `${base}?_page=${token}` : selfUrl(base, sreq)), link('first', pageLink([null]))];
  if (page.next) header.link.push(link('next', pageLink([...state.c, page.next])));
  if (state.c.length > 1) header.link.push(link('previous', pageLink(state.c.slice(0, -1))));

  const entries: EntryParts[] = [
    ...page.rows.map((r) => entry(ctx, r, 'match', sreq)),
    ...included.map((r) => entry(ctx, r, 'include', sreq)),
  ];
  const notes = searchNotes(sreq);
  if (truncated) notes.push(includesCut(ctx.config.maxIncludes));
  if (notes.length) entries.push({ resource: outcome(notes), search: { mode: 'outcome' } });
  return { status: 200, raw: bundleJson(header, entries) };
}

function requestParams(req: FhirRequest): [string, string][] {
  const params = [...req.query.entries()];
  if (req.body instanceof URLSearchParams) params.push(...req.body.entries());
  else if (req.method === 'POST' && req.body !== undefined) {
    throw errors.unsupportedMediaType('POST _search takes its parameters as application/x-www-form-urlencoded');
  }
  return params.filter(([k]) => k !== '_format' && k !== '_pretty');
}

function selfUrl(base: string, sreq: SearchRequest): string {
  const q = new URLSearchParams(sreq.used).toString();
  return q ? `${base}?${q}` : base;
}

function entry(ctx: FhirContext, r: SearchRow, mode: 'match' | 'include', sreq: SearchRequest): EntryParts {
  const fullUrl = `${ctx.config.baseUrl}/${r.resourceType}/${r.id}`;
  const search = { mode, ...(mode === 'match' ? distanceExtension(r, sreq) : {}) };
  if (!sreq.summary && !sreq.elements) return { fullUrl, raw: r.json, search };
  return { fullUrl, resource: subset(JSON.parse(r.json) as Resource, sreq.summary, sreq.elements), search };
}

/** A `near` search gives each Location its distance from the point (mCSD ITI-90, location-distance). */
function distanceExtension(r: SearchRow, sreq: SearchRequest): { extension?: Extension[] } {
  const point = sreq.filters.flatMap((f) => (f.kind === 'param' && f.def.code === 'near' ? f.values : []))[0];
  if (point?.kind !== 'near' || r.resourceType !== 'Location') return {};
  const position = (JSON.parse(r.json) as Location).position;
  if (!position) return {};
  const km = Math.round(distanceKm(point, position) * 1000) / 1000;
  return { extension: [{ url: LOCATION_DISTANCE, valueDistance: { value: km, unit: 'km', system: 'http://unitsofmeasure.org', code: 'km' } }] };
}

/** The warning on a page whose includes were cut at the server's limit. */
export function includesCut(max: number): Issue {
  return {
    severity: 'warning',
    code: 'too-costly',
    diagnostics: `Only ${max} of the resources _include/_revinclude add to this page are returned (the server's limit); ask for fewer matches per page with _count to get them all`,
    expression: ['_include', '_revinclude'],
  };
}

function searchNotes(sreq: SearchRequest): Issue[] {
  const notes: Issue[] = sreq.ignored.map((i) => ({ severity: 'warning', code: 'not-supported', diagnostics: `Ignored ${i.name}: ${i.reason}`, expression: [i.name] }));
  for (const p of sreq.pending) {
    notes.push({ severity: 'warning', code: 'processing', diagnostics: `The search parameter ${p} is still being indexed; results may be incomplete`, expression: [p] });
  }
  return notes;
}
