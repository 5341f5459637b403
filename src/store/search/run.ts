/**
 * @module store/search/run
 * Executes compiled searches on the database: the page, its total, and the included resources.
 */
import type { IncludeRule, SearchRequest } from '../../fhir/search/request.js';
import type { Queryable } from '../db/db.js';
import { compileCount, compileSearch, type CompileOptions, type Predicate } from './compile.js';
import type { Included, SearchPage, SearchRow } from '../store.js';
import { compileInclude, compileRevinclude } from './include.js';
import { resolveValueSets } from './valuesets.js';


interface RawRow {
  rid: string;
  resource_type: string;
  id: string;
  content: string;
  compartments: string[];
  [key: `s${number}`]: string | null;
}

const toRow = (r: RawRow): SearchRow => ({ rid: r.rid, resourceType: r.resource_type, id: r.id, json: r.content, compartments: r.compartments });

export async function searchPage(db: Queryable, req: SearchRequest, opts: CompileOptions): Promise<SearchPage> {
  await resolveValueSets(db, req);
  const q = compileSearch(req, opts);
  // Not prepared: a prepared statement run a few times may get a generic plan, made without the values,
  // that starts from the index of the least selective value (a code every patient has) and slows down
  // as the data grows. Unnamed, each search is planned for its own values (test/http/search-custom-plans).
  const raw = await db.query<RawRow>(q.text, q.values);
  const page = raw.slice(0, req.count);
  const result: SearchPage = { rows: page.map(toRow) };
  const last = page[page.length - 1];
  if (raw.length > req.count && last) {
    result.next = { keys: req.sort.map((_, n) => last[`s${n}`] ?? null), rid: last.rid };
  }
  return result;
}

export async function searchCount(db: Queryable, req: SearchRequest, opts: CompileOptions, estimate = false): Promise<number> {
  await resolveValueSets(db, req);
  const q = compileCount(req, { ...opts, cursor: undefined });
  if (estimate) {
    const plan = await db.query<{ 'QUERY PLAN': unknown }>(`explain (format json) ${q.text}`, q.values);
    const json = plan[0]?.['QUERY PLAN'];
    const parsed = (typeof json === 'string' ? JSON.parse(json) : json) as { Plan: { 'Plan Rows': number; Plans?: { 'Plan Rows': number }[] } }[];
    const top = parsed[0]?.Plan;
    return Math.round(top?.Plans?.[0]?.['Plan Rows'] ?? top?.['Plan Rows'] ?? 0);
  }
  const rows = await db.query<{ n: number }>(q.text, q.values);
  return Number(rows[0]?.n ?? 0);
}

const MAX_ITERATIONS = 5;


/**
 * The resources `_include`/`_revinclude` add to a page, without the page's own rows or duplicates, at
 * most `max`: one `_revinclude` on a page of patients could otherwise load millions of rows.
 */
export async function searchIncludes(db: Queryable, rows: readonly SearchRow[], include: IncludeRule[], revinclude: IncludeRule[], max: number, policy?: Predicate): Promise<Included> {
  const seen = new Set(rows.map((r) => r.rid));
  const added: SearchRow[] = [];
  let truncated = false;
  let frontier: readonly SearchRow[] = rows;
  for (let round = 0; round < MAX_ITERATIONS && frontier.length && !truncated; round++) {
    const fresh: SearchRow[] = [];
    const rules = [...include.map((r) => ['inc', r] as const), ...revinclude.map((r) => ['rev', r] as const)].filter(([, r]) => round === 0 || r.iterate);
    for (const [kind, rule] of rules) {
      // One more than the cap: a full answer means there may be more than we read.
      const q = kind === 'inc' ? compileInclude(rule, frontier, max + 1, policy) : compileRevinclude(rule, frontier, max + 1, policy);
      const found = await db.query<RawRow>(q.text, q.values);
      if (found.length > max) truncated = true;
      for (const r of found) {
        if (seen.has(r.rid)) continue;
        seen.add(r.rid);
        fresh.push(toRow(r));
      }
      if (added.length + fresh.length > max) truncated = true;
      if (truncated) break;
    }
    added.push(...fresh);
    frontier = fresh;
  }
  return { rows: added.slice(0, max), truncated };
}
