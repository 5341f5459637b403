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
 * CTEs that insert the index rows of one resource, for the tables that have rows. `ridFrom` names a CTE
 * with the resource's rid, `typeParam` the placeholder of its type.
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

export interface NewRow {
  resourceType: string;
  id: string;
  versionId: number;
  lastUpdated: string;
  json: string;
  entries: IndexEntries;
}

// Compartment lists travel as one text per row, joined by the unit separator, because unnest()
// flattens a two-dimensional array.
const SEP = '\u001f';

/**
 * One statement that inserts many new resources and all their index rows: the resource rows from
 * arrays, then each index table from arrays joined back to the new rids by (type, id).
 */
export function bulkInsertSql(rows: readonly NewRow[]): { text: string; values: unknown[] } {
  // The rows travel as one JSON text: JSON.stringify escapes the resource bodies natively, where a text[]
  // parameter is escaped element by element in JavaScript (a third of the cost of a small write's SQL).
  const values: unknown[] = [
    JSON.stringify(rows.map((r) => ({ t: r.resourceType, i: r.id, v: r.versionId, l: r.lastUpdated, c: r.json, m: r.entries.compartments.join(SEP) }))),
  ];
  const ctes = [
    `r as (insert into resource (resource_type, id, version_id, last_updated, content, compartments)
      select t, i, v, l, c, case when m = '' then '{}'::text[] else string_to_array(m, E'\\x1f') end
      from json_to_recordset($1::json) as u(t text, i text, v int, l timestamptz, c text, m text)
      returning rid, resource_type, id)`,
  ];
  TABLES.forEach((spec, n) => {
    const perRow = rows.map((r) => spec.rows(r.entries));
    const total = perRow.reduce((a, x) => a + x.length, 0);
    if (total === 0) return;
    const types: string[] = [];
    const ids: string[] = [];
    const cols: unknown[][] = spec.columns.map(() => []);
    perRow.forEach((list, k) => {
      for (const row of list) {
        types.push(rows[k]!.resourceType);
        ids.push(rows[k]!.id);
        row.forEach((v, c) => cols[c]!.push(v));
      }
    });
    const first = values.length + 1;
    values.push(types, ids, ...cols);
    const casts = ['text', 'text', ...spec.types].map((t, c) => `$${first + c}::${t}[]`).join(', ');
    const names = ['t', 'i', ...spec.columns.map((_, c) => `c${c}`)];
    ctes.push(
      `x${n} as (insert into ${spec.table} (rid, resource_type, ${spec.columns.join(', ')})
        select r.rid, r.resource_type, ${spec.columns.map((_, c) => `u.c${c}`).join(', ')}
        from unnest(${casts}) as u(${names.join(', ')}) join r on r.resource_type = u.t and r.id = u.i)`,
    );
  });
  return { text: `with ${ctes.join(', ')} select count(*)::int as n from r`, values };
}

/**
 * One statement that inserts index rows for existing resources (by rid), for a reindex: each table
 * from arrays, with the rid and type of every row.
 */
export function indexRowsInsertSql(rows: readonly { rid: string; resourceType: string; entries: IndexEntries }[]): { text: string; values: unknown[] } | undefined {
  const values: unknown[] = [];
  const ctes: string[] = [];
  TABLES.forEach((spec, n) => {
    const rids: string[] = [];
    const types: string[] = [];
    const cols: unknown[][] = spec.columns.map(() => []);
    for (const r of rows) {
      for (const row of spec.rows(r.entries)) {
        rids.push(r.rid);
        types.push(r.resourceType);
        row.forEach((v, c) => cols[c]!.push(v));
      }
    }
    if (rids.length === 0) return;
    const first = values.length + 1;
    values.push(rids, types, ...cols);
    const casts = ['bigint', 'text', ...spec.types].map((t, c) => `$${first + c}::${t}[]`).join(', ');
    ctes.push(`x${n} as (insert into ${spec.table} (rid, resource_type, ${spec.columns.join(', ')}) select * from unnest(${casts}))`);
  });
  if (ctes.length === 0) return undefined;
  return { text: `with ${ctes.join(', ')} select 1`, values };
}
