/**
 * @module http/fhir/history
 * The history interactions, https://hl7.org/fhir/R4/http.html#history, at instance, type and system
 * level: newest first, with `_count`, `_since` and keyset paging through an opaque `_page` token, so a
 * page never repeats or skips versions while others write.
 */
import type { Bundle } from '@medplum/fhirtypes';
import { bundleJson, link, type EntryParts } from '../../fhir/bundle.js';
import { errors } from '../../fhir/error.js';
import type { HistoryCursor, HistoryQuery, StoredVersion } from '../../store/store.js';
import { pageUrl, parseCount } from './paging.js';
import { etag } from './version-headers.js';
import type { FhirContext, FhirRequest, Interaction } from './types.js';

const KNOWN = new Set(['_count', '_since', '_page', '_format', '_pretty']);

export const history: Interaction = async (ctx, req, { type, id }) => {
  for (const key of req.query.keys()) {
    if (!KNOWN.has(key)) throw errors.badRequest(`History does not support the parameter "${key}"`, [key]);
  }
  if (type && id && !(await ctx.repo.exists(type, id))) throw errors.notFound(`${type}/${id} is not known`);
  const query: HistoryQuery = { count: parseCount(req.query.get('_count')) };
  if (type) query.type = type;
  if (id) query.id = id;
  const since = req.query.get('_since');
  if (since) query.since = parseInstant(since);
  const token = req.query.get('_page');
  if (token) query.after = ctx.pageTokens.decode<HistoryCursor>(token);

  const page = await ctx.repo.history(query, id ? 'history-instance' : type ? 'history-type' : 'history-system');
  const path = [type, id, '_history'].filter(Boolean).join('/');
  const base = `${ctx.config.baseUrl}/${path}`;
  const common = { _count: String(query.count), _since: query.since };
  const header: Omit<Bundle, 'entry'> = {
    resourceType: 'Bundle',
    type: 'history',
    link: [link('self', selfUrl(base, req))],
  };
  if (page.next) header.link!.push(link('next', pageUrl(base, { ...common, _page: ctx.pageTokens.encode(page.next) })));
  return { status: 200, raw: bundleJson(header, page.entries.map((v) => historyEntry(ctx, v))) };
};

function selfUrl(base: string, req: FhirRequest): string {
  const q = req.query.toString();
  return q ? `${base}?${q}` : base;
}

// An instant (https://hl7.org/fhir/R4/datatypes.html#instant): seconds and a time zone are required, as
// a time without a zone would be read in the server's zone. A bare date is accepted as its start in UTC.
const INSTANT = /^(\d{4})-(\d{2})-(\d{2})(?:T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d+)?(?:Z|[+-](?:0\d|1[0-3]):[0-5]\d|[+-]14:00))?$/;

function parseInstant(value: string): string {
  const m = INSTANT.exec(value);
  const ms = m ? Date.parse(m[4] === undefined ? `${value}T00:00:00Z` : value) : NaN;
  // Date.parse rolls 2024-02-30 over into March 1; a real date survives the round trip.
  const day = m ? `${m[1]}-${m[2]}-${m[3]}` : '';
  if (Number.isNaN(ms) || new Date(`${day}T00:00:00Z`).toISOString().slice(0, 10) !== day) {
    throw errors.badRequest(`_since must be an instant such as 2024-01-31T12:00:00Z; got "${value}"`, ['_since']);
  }
  return new Date(ms).toISOString();
}

function historyEntry(ctx: FhirContext, v: StoredVersion): EntryParts {
  const url = `${v.resourceType}/${v.id}`;
  const response = { etag: etag(v.versionId), lastModified: v.lastUpdated };
  if (v.deleted) {
    return {
      fullUrl: `${ctx.config.baseUrl}/${url}`,
      request: { method: 'DELETE', url },
      response: { status: '410 Gone', ...response },
    };
  }
  const created = v.versionId === 1;
  return {
    fullUrl: `${ctx.config.baseUrl}/${url}`,
    raw: v.json!,
    request: { method: created ? 'POST' : 'PUT', url: created ? v.resourceType : url },
    response: { status: created ? '201 Created' : '200 OK', ...response },
  };
}
