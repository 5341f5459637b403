/**
 * @module store/observations
 * The SQL behind `Observation/$lastn` and `Observation/$stats` (domain/monitoring): one statement each
 * over the search index tables, filtered by the caller's policy like a search. No search engine: the
 * newest values per code come from a window function over the `date` index, and the statistics from
 * the `value-quantity` index in UCUM canonical units (so 80 kg and 80000 g count alike).
 */
import type { Queryable } from './db/db.js';
import type { CodeFilter, LastNQuery, ObservationQuery, StatsQuery, StatsRow } from './store.js';
import { accessPredicate } from './search/access-sql.js';
import { Binder } from './search/binder.js';

function tokenAny(b: Binder, alias: string, filters: readonly CodeFilter[]): string {
  return filters
    .map((f) => `(${alias}.code = ${b.bind(f.code)}${f.system !== undefined ? ` and ${alias}.system = ${b.bind(f.system)}` : ''})`)
    .join(' or ');
}

/** The rows of the patient's Observations (alias r) with their code (alias c): policy, codes, categories. */
function base(b: Binder, q: ObservationQuery): string {
  const where = [`r.resource_type = 'Observation'`, 'not r.deleted'];
  if (q.codes.length) where.push(`(${tokenAny(b, 'c', q.codes)})`);
  if (q.categories.length) {
    where.push(`exists (select 1 from idx_token k where k.rid = r.rid and k.resource_type = 'Observation' and k.param = 'category' and (${tokenAny(b, 'k', q.categories)}))`);
  }
  const policy = accessPredicate(q.access);
  if (policy) where.push(`(${policy(b, 'r')})`);
  return `from idx_reference s
    join resource r on r.rid = s.rid
    join idx_token c on c.rid = s.rid and c.resource_type = 'Observation' and c.param = 'code'
    left join lateral (select min(d.low) as at from idx_date d where d.rid = s.rid and d.resource_type = 'Observation' and d.param = 'date') d on true
    where s.resource_type = 'Observation' and s.param = 'subject' and s.target_type = 'Patient' and s.target_id = ${b.bind(q.patient)}
      and ${where.join(' and ')}`;
}

/**
 * The newest `max` Observations per code (R4 $lastn), newest first within a code. An Observation with
 * two codes counts in both groups but is returned once.
 */
export async function lastN(db: Queryable, q: LastNQuery): Promise<{ json: string; code: string }[]> {
  const b = new Binder();
  const text = `with ranked as (
      select r.rid, r.content, c.system, c.code, d.at,
        row_number() over (partition by c.system, c.code order by d.at desc nulls last, r.rid desc) as n
      ${base(b, q)}
    ), picked as (
      select distinct on (rid) rid, content, system, code, at from ranked where n <= ${b.bind(q.max)} order by rid, system, code
    )
    select content::text as json, code from picked order by system, code, at desc nulls last, rid desc`;
  const rows = await db.query<{ json: string; code: string }>(text, b.values);
  return rows;
}

/** Count, average, minimum and maximum of the values per code (and canonical unit) over the period. */
export async function observationStats(db: Queryable, q: StatsQuery): Promise<StatsRow[]> {
  const b = new Binder();
  const period: string[] = [];
  if (q.start) period.push(`d.at >= ${b.bind(q.start, 'timestamptz')}`);
  if (q.end) period.push(`d.at < ${b.bind(q.end, 'timestamptz')}`);
  const text = `select c.system, c.code, v.canon_code as "canonCode", count(*)::int as count,
      avg(v.canon_value)::text as average, min(v.canon_value)::text as min, max(v.canon_value)::text as max,
      mode() within group (order by v.code) as unit, min(d.at) as first, max(d.at) as last
    ${base(b, q)}
      and v.canon_value is not null${period.length ? ` and ${period.join(' and ')}` : ''}
    group by c.system, c.code, v.canon_code
    order by c.system, c.code, v.canon_code`.replace(
    'left join lateral',
    `join idx_quantity v on v.rid = s.rid and v.resource_type = 'Observation' and v.param = 'value-quantity'
    left join lateral`,
  );
  const rows = await db.query<StatsRow & { first: Date | string | null; last: Date | string | null }>(text, b.values);
  return rows.map((r) => ({ ...r, first: iso(r.first), last: iso(r.last) }));
}

const iso = (d: Date | string | null): string | null => (d === null ? null : new Date(d).toISOString());
