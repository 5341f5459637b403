/**
 * @module store/search/compile
 * SearchRequest -> one SQL statement, pure (no Db, no config): EXISTS subqueries on the index tables
 * that the planner drives from their indexes, chains and `_has` as nested EXISTS, `_sort` via the index
 * tables, keyset paging on the sort keys plus rid. The caller's access policy arrives as a predicate.
 */
import type { Filter, ParamFilter, SearchRequest, SortRule } from '../../fhir/search/request.js';
import type { ParamType } from '../../fhir/search/registry.js';
import { Binder } from './binder.js';
import { COMPOSITE_TABLE, compositePredicate } from './params/composite.js';
import { DATE_TABLE, datePredicate, rangePredicate } from './params/date.js';
import { NUMBER_TABLE, QUANTITY_TABLE, numberPredicate, quantityPredicate } from './params/number.js';
import { REFERENCE_TABLE, referencePredicate } from './params/reference.js';
import { STRING_TABLE, stringPredicate } from './params/string.js';
import { TOKEN_TABLE, tokenParam, tokenPredicate } from './params/token.js';
import { URI_TABLE, uriPredicate } from './params/uri.js';

export interface CompiledQuery {
  text: string;
  values: unknown[];
}

/** A SQL predicate on the resource alias given, binding its own values. */
export type Predicate = (b: Binder, alias: string) => string;

/** Where the previous page ended: its last row's sort keys (as text) and rid. */
export interface PageCursor {
  keys: (string | null)[];
  rid: string;
}

export interface CompileOptions {
  policy?: Predicate;
  cursor?: PageCursor;
}

type Kind = { table: string; predicate: (b: Binder, i: string, v: ParamFilter['values'][number], modifier?: string) => string };

const KINDS: Partial<Record<ParamType, Kind>> = {
  token: { table: TOKEN_TABLE, predicate: tokenPredicate },
  string: { table: STRING_TABLE, predicate: stringPredicate },
  uri: { table: URI_TABLE, predicate: uriPredicate },
  date: { table: DATE_TABLE, predicate: datePredicate },
  number: { table: NUMBER_TABLE, predicate: numberPredicate },
  quantity: { table: QUANTITY_TABLE, predicate: (b, i, v) => quantityPredicate(b, i, v) },
  reference: { table: REFERENCE_TABLE, predicate: referencePredicate },
  composite: { table: COMPOSITE_TABLE, predicate: compositePredicate },
};

/** The page query: rid, resource_type, id, content and the sort keys s0..sn, one row more than `count`. */
export function compileSearch(req: SearchRequest, opts: CompileOptions = {}): CompiledQuery {
  const b = new Binder();
  const where = whereClause(b, req, opts);
  const sorts = req.sort.map((s) => sortExpression(b, s));
  if (opts.cursor) where.push(keysetCondition(b, req.sort, sorts, opts.cursor));
  const keys = sorts.map((s, n) => `, (${s})::text as s${n}`).join('');
  const order = [...req.sort.map((s, n) => `${sorts[n]} ${s.descending ? 'desc' : 'asc'} nulls last`), 'r.rid'].join(', ');
  const text = `select r.rid::text as rid, r.resource_type, r.id, r.content${keys} from resource r where ${where.join(' and ')} order by ${order} limit ${b.bind(req.count + 1)}`;
  return { text, values: b.values };
}

export function compileCount(req: SearchRequest, opts: CompileOptions = {}): CompiledQuery {
  const b = new Binder();
  return { text: `select count(*)::int as n from resource r where ${whereClause(b, req, opts).join(' and ')}`, values: b.values };
}

function whereClause(b: Binder, req: SearchRequest, opts: CompileOptions): string[] {
  const where = [
    req.types.length === 1 ? `r.resource_type = ${b.bind(req.types[0])}` : `r.resource_type = any(${b.bind(req.types, 'text[]')})`,
    'not r.deleted',
  ];
  for (const f of req.filters) where.push(filterSql(b, f, 'r', 0));
  if (opts.policy) where.push(`(${opts.policy(b, 'r')})`);
  return where;
}

function filterSql(b: Binder, f: Filter, r: string, depth: number): string {
  const i = `i${depth}`;
  if (f.kind === 'chain') {
    const r2 = `r${depth + 1}`;
    const targets = f.targets.map(
      (t) => `(${r2}.resource_type = ${b.bind(t.type)} and ${filterSql(b, t.next, r2, depth + 1)})`,
    );
    return `exists (select 1 from idx_reference ${i} join resource ${r2} on ${r2}.resource_type = ${i}.target_type and ${r2}.id = ${i}.target_id where ${i}.rid = ${r}.rid and ${i}.param = ${b.bind(f.def.code)} and not ${r2}.deleted and (${targets.join(' or ')}))`;
  }
  if (f.kind === 'has') {
    const r2 = `r${depth + 1}`;
    return `exists (select 1 from idx_reference ${i} join resource ${r2} on ${r2}.rid = ${i}.rid where ${i}.target_type = ${r}.resource_type and ${i}.target_id = ${r}.id and ${i}.resource_type = ${b.bind(f.type)} and ${i}.param = ${b.bind(f.def.code)} and not ${r2}.deleted and ${filterSql(b, f.next, r2, depth + 1)})`;
  }
  return paramSql(b, f, r, i);
}

function paramSql(b: Binder, f: ParamFilter, r: string, i: string): string {
  const special = specialParamSql(b, f, r);
  if (special) return special;
  const kind = KINDS[f.def.type];
  if (!kind) throw new Error(`no index for ${f.def.type}`);
  const param = f.def.type === 'token' || f.modifier === 'identifier' ? tokenParam(f.def.code, f.modifier) : f.def.code;
  const table = f.modifier === 'identifier' ? TOKEN_TABLE : kind.table;
  const head = `select 1 from ${table} ${i} where ${i}.rid = ${r}.rid and ${i}.param = ${b.bind(param)}`;
  if (f.missing !== undefined) return `${f.missing ? 'not ' : ''}exists (${head})`;
  const predicate = f.modifier === 'identifier' ? tokenPredicate : kind.predicate;
  const ors = f.values.map((v) => `(${predicate(b, i, v, f.modifier)})`).join(' or ');
  return `${f.modifier === 'not' ? 'not ' : ''}exists (${head} and (${ors}))`;
}

/** `_id`, `_lastUpdated`, `_text` and `_content` read the resource row itself. */
function specialParamSql(b: Binder, f: ParamFilter, r: string): string | undefined {
  switch (f.def.code) {
    case '_id': {
      if (f.missing !== undefined) return f.missing ? 'false' : 'true';
      const ids = f.values.flatMap((v) => (v.kind === 'token' && v.code !== undefined ? [v.code] : []));
      return `${f.modifier === 'not' ? 'not ' : ''}${r}.id = any(${b.bind(ids, 'text[]')})`;
    }
    case '_lastUpdated': {
      if (f.missing !== undefined) return f.missing ? 'false' : 'true';
      const ors = f.values.map((v) =>
        v.kind === 'date' ? rangePredicate(b, `${r}.last_updated`, `(${r}.last_updated + interval '1 millisecond')`, v.prefix, v.range) : 'false',
      );
      return `(${ors.join(' or ')})`;
    }
    case '_content':
    case '_text': {
      const doc = f.def.code === '_content' ? `${r}.content` : `coalesce((${r}.content::json -> 'text' ->> 'div'), '')`;
      const ors = f.values.map((v) => `to_tsvector('simple', ${doc}) @@ websearch_to_tsquery('simple', ${b.bind(v.kind === 'string' ? v.value : '')})`);
      return `(${ors.join(' or ')})`;
    }
    default:
      return undefined;
  }
}

const SORT_COLUMN: Partial<Record<ParamType, [string, string, string]>> = {
  // table, ascending key, descending key
  date: [DATE_TABLE, 'min(k.low)', 'max(k.high)'],
  string: [STRING_TABLE, 'min(k.norm)', 'max(k.norm)'],
  token: [TOKEN_TABLE, 'min(k.code)', 'max(k.code)'],
  number: [NUMBER_TABLE, 'min(k.value)', 'max(k.value)'],
  quantity: [QUANTITY_TABLE, 'min(k.value)', 'max(k.value)'],
  reference: [REFERENCE_TABLE, 'min(k.target_id)', 'max(k.target_id)'],
  uri: [URI_TABLE, 'min(k.value)', 'max(k.value)'],
};

const SORT_CAST: Partial<Record<ParamType, string>> = { date: 'timestamptz', number: 'numeric', quantity: 'numeric' };

function sortExpression(b: Binder, s: SortRule): string {
  if (s.def.code === '_id') return 'r.id';
  if (s.def.code === '_lastUpdated') return 'r.last_updated';
  const col = SORT_COLUMN[s.def.type];
  if (!col) return 'null';
  return `(select ${s.descending ? col[2] : col[1]} from ${col[0]} k where k.rid = r.rid and k.param = ${b.bind(s.def.code)})`;
}

function sortCast(s: SortRule): string {
  if (s.def.code === '_lastUpdated') return 'timestamptz';
  return SORT_CAST[s.def.type] ?? 'text';
}

/**
 * Rows after the cursor in (sort keys..., rid) order, nulls last: for each key position k, the rows
 * equal on the keys before k and after the cursor on key k; or equal on all keys with a larger rid.
 */
function keysetCondition(b: Binder, sort: SortRule[], exprs: string[], cursor: PageCursor): string {
  const ors: string[] = [];
  const equal: string[] = [];
  sort.forEach((s, k) => {
    const v = cursor.keys[k] ?? null;
    const e = exprs[k]!;
    if (v !== null) {
      const bound = b.bind(v, sortCast(s));
      ors.push([...equal, `(${e} ${s.descending ? '<' : '>'} ${bound} or ${e} is null)`].join(' and '));
      equal.push(`${e} = ${b.bind(v, sortCast(s))}`);
    } else equal.push(`${e} is null`);
  });
  ors.push([...equal, `r.rid > ${b.bind(cursor.rid, 'bigint')}`].join(' and '));
  return `(${ors.map((o) => `(${o})`).join(' or ')})`;
}
