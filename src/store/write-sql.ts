/**
 * @module store/write-sql
 * The SQL that writes a resource's index rows: one `insert ... select from unnest(...)` per index table,
 * so a write costs one statement per kind of value, never one per value.
 */
import type { IndexEntries } from '../fhir/search/index-entries.js';

interface TableSpec {
  table: string;
  columns: string[];
  types: string[];
  rows: (e: IndexEntries) => unknown[][];
}

const TABLES: TableSpec[] = [
  {
    table: 'idx_token',
    columns: ['param', 'system', 'code', 'text_value'],
    types: ['text', 'text', 'text', 'text'],
    rows: (e) => e.token.map((t) => [t.param, t.system, t.code, t.text]),
  },
  {
    table: 'idx_string',
    columns: ['param', 'norm', 'value'],
    types: ['text', 'text', 'text'],
    rows: (e) => e.string.map((s) => [s.param, s.norm, s.value]),
  },
  {
    table: 'idx_reference',
    columns: ['param', 'target_type', 'target_id', 'target_url'],
    types: ['text', 'text', 'text', 'text'],
    rows: (e) => e.reference.map((r) => [r.param, r.targetType, r.targetId, r.url]),
  },
  {
    table: 'idx_date',
    columns: ['param', 'low', 'high'],
    types: ['text', 'timestamptz', 'timestamptz'],
    rows: (e) => e.date.map((d) => [d.param, d.low, d.high]),
  },
  {
    table: 'idx_number',
    columns: ['param', 'value'],
    types: ['text', 'numeric'],
    rows: (e) => e.number.map((n) => [n.param, n.value]),
  },
  {
    table: 'idx_quantity',
    columns: ['param', 'value', 'system', 'code', 'unit', 'canon_value', 'canon_code'],
    types: ['text', 'numeric', 'text', 'text', 'text', 'numeric', 'text'],
    rows: (e) => e.quantity.map((q) => [q.param, q.value, q.system, q.code, q.unit, q.canonValue, q.canonCode]),
  },
  {
    table: 'idx_uri',
    columns: ['param', 'value'],
    types: ['text', 'text'],
    rows: (e) => e.uri.map((u) => [u.param, u.value]),
  },
  {
    table: 'idx_composite',
    columns: ['param', 'a_system', 'a_code', 'b_system', 'b_code', 'b_value', 'b_canon_value', 'b_canon_code', 'b_low', 'b_high', 'c_value'],
    types: ['text', 'text', 'text', 'text', 'text', 'numeric', 'numeric', 'text', 'timestamptz', 'timestamptz', 'numeric'],
    rows: (e) =>
      e.composite.map((c) => [c.param, c.aSystem, c.aCode, c.bSystem, c.bCode, c.bValue, c.bCanonValue, c.bCanonCode, c.bLow, c.bHigh, c.cValue]),
  },
];

export const INDEX_TABLES = TABLES.map((t) => t.table);

export interface SqlPart {
  /** A CTE body, with `$n` placeholders numbered from `firstParam`. */
  sql: string;
  values: unknown[];
}

/**
 * CTEs that insert the index rows of one resource, for the tables that have rows. `ridSql` is an
 * expression yielding the resource's rid (e.g. a CTE column), `typeParam` the placeholder of its type.
 */
export function indexInsertCtes(entries: IndexEntries, ridFrom: string, typeParam: string, firstParam: number): SqlPart[] {
  const parts: SqlPart[] = [];
  let n = firstParam;
  for (const spec of TABLES) {
    const rows = spec.rows(entries);
    if (rows.length === 0) continue;
    const arrays = spec.columns.map((_, c) => rows.map((r) => r[c]));
    const unnest = spec.types.map((t) => `$${n++}::${t}[]`).join(', ');
    parts.push({
      sql: `insert into ${spec.table} (rid, resource_type, ${spec.columns.join(', ')}) select ${ridFrom}.rid, ${typeParam}, u.* from ${ridFrom}, unnest(${unnest}) as u`,
      values: arrays,
    });
  }
  return parts;
}
