/**
 * @module http/fhir/conditional
 * Conditional create, update, delete and patch (https://hl7.org/fhir/R4/http.html#ccreate): the
 * criteria are a search, run strictly (an unknown parameter is a 400, never "match everything"), in one
 * transaction with an advisory lock on the criteria so two identical requests cannot both create.
 */
import { randomUUID } from 'node:crypto';
import type { Resource } from '@medplum/fhirtypes';
import { createEvaluated } from '../../domain/monitoring/measure.js';
import { errors, information } from '../../fhir/error.js';
import type { SearchRow } from '../../store/store.js';
import { bodyResource, checkId } from './body.js';
import { applyPatchTo } from './patch.js';
import { respondWithVersion } from './read.js';
import { parseRequestSearch } from './search.js';
import { writeVersion } from './update.js';
import { parseETag, respondWritten } from './version-headers.js';
import type { FhirContext, FhirRequest, FhirResponse, Interaction } from './types.js';
import { remove } from './delete.js';

/** The resources matching `query` (at most 2: enough to tell none, one and several apart). */
export async function findMatches(ctx: FhirContext, req: FhirRequest, type: string, query: string | URLSearchParams): Promise<SearchRow[]> {
  const params = criteria(type, query);
  if (params.length === 0) throw errors.badRequest(`A conditional ${req.method} needs search criteria, e.g. ${type}?identifier=system|value`);
  // The search parser skips an empty value before it checks the name, so `bogus=` would pass unnoticed.
  const empty = params.find(([k, v]) => v === '' && !k.endsWith(':missing'));
  if (empty) throw errors.badRequest(`The criterion ${empty[0]} has no value; conditional criteria must each restrict the match`, [empty[0]]);
  const strictReq: FhirRequest = { ...req, headers: { ...req.headers, prefer: 'handling=strict' } };
  const sreq = parseRequestSearch(ctx, strictReq, [type], params);
  // `_count`, `_sort` and the like select nothing: criteria made only of them would match every resource.
  if (sreq.filters.length === 0) {
    throw errors.badRequest(`The criteria ${new URLSearchParams(params).toString()} do not restrict the ${type}s matched; use a search parameter such as identifier`);
  }
  sreq.count = 2;
  sreq.total = 'none';
  // Matching shows the caller nothing (what is then read or written is logged as such).
  return (await ctx.repo.search(sreq, { log: { interaction: 'conditional', shown: () => false } })).rows;
}

/**
 * The search parameters of conditional criteria. If-None-Exist may also be written as a relative URL
 * (`Patient?identifier=...`), as HAPI accepts.
 */
function criteria(type: string, query: string | URLSearchParams): [string, string][] {
  const text = typeof query === 'string' && query.startsWith(`${type}?`) ? query.slice(type.length + 1) : query;
  return [...new URLSearchParams(text).entries()].filter(([k]) => !k.startsWith('_format') && k !== '_pretty');
}

/**
 * Runs `fn` in one transaction holding a lock on the criteria. The key is the criteria in one spelling
 * (percent-encoding, order), so an If-None-Exist and a PUT with the same criteria exclude each other.
 */
function underLock<T>(ctx: FhirContext, type: string, query: string | URLSearchParams, fn: (tx: FhirContext) => Promise<T>): Promise<T> {
  const key = new URLSearchParams(criteria(type, query).sort(([a, x], [b, y]) => (a + '=' + x < b + '=' + y ? -1 : 1))).toString();
  return ctx.repo.transaction(async (repo) => {
    await repo.lock(`conditional:${type}?${key}`);
    return fn({ ...ctx, repo });
  });
}

function tooMany(type: string, query: string) {
  return errors.preconditionFailed(`More than one ${type} matches ${query}; make the criteria more selective`, 'multiple-matches');
}

export function conditionalCreate(ctx: FhirContext, req: FhirRequest, type: string, resource: Resource, query: string): Promise<FhirResponse> {
  return underLock(ctx, type, query, async (tx) => {
    const matches = await findMatches(tx, req, type, query);
    if (matches.length > 1) throw tooMany(type, query);
    if (matches.length === 1) {
      const existing = await tx.repo.read(type, matches[0]!.id);
      return respondWithVersion({ ...req, headers: {} }, existing!);
    }
    resource.id = randomUUID();
    return respondWritten(tx, await createEvaluated(tx, resource), true);
  });
}

export const conditionalUpdate: Interaction = async (ctx, req, { type }) => {
  const resource = bodyResource(req, type!);
  const query = req.query.toString();
  return underLock(ctx, type!, query, async (tx) => {
    const matches = await findMatches(tx, req, type!, req.query);
    if (matches.length > 1) throw tooMany(type!, query);
    const match = matches[0];
    if (match && resource.id !== undefined && resource.id !== match.id) {
      throw errors.badRequest(`The id in the body ("${resource.id}") differs from the matching ${type}/${match.id}`, [`${type}.id`]);
    }
    if (!match && resource.id !== undefined) {
      // No match but the body names a resource that exists: overwriting it would update a resource the
      // criteria do not select (FHIR R5 makes this a 409; R4 is silent).
      if (await tx.repo.exists(type!, checkId(resource.id), true)) {
        throw errors.conflict(`${type}/${resource.id} exists but does not match ${query}; it is not overwritten`);
      }
    }
    resource.id = match?.id ?? (resource.id !== undefined ? checkId(resource.id) : randomUUID());
    return writeVersion(tx, resource, req.headers.ifMatch ? { ifMatch: parseETag(req.headers.ifMatch) } : {});
  });
};

export const conditionalDelete: Interaction = async (ctx, req, { type }) => {
  const query = req.query.toString();
  return underLock(ctx, type!, query, async (tx) => {
    const matches = await findMatches(tx, req, type!, req.query);
    if (matches.length > 1) throw tooMany(type!, query);
    if (matches.length === 0) return { status: 200, resource: information(`No ${type} matches ${query}; nothing to delete`) };
    return remove(tx, req, { type: type!, id: matches[0]!.id });
  });
};

export const conditionalPatch: Interaction = async (ctx, req, { type }) => {
  const query = req.query.toString();
  return underLock(ctx, type!, query, async (tx) => {
    const matches = await findMatches(tx, req, type!, req.query);
    if (matches.length > 1) throw tooMany(type!, query);
    if (matches.length === 0) throw errors.notFound(`No ${type} matches ${query}`);
    return applyPatchTo(tx, req, type!, matches[0]!.id);
  });
};
