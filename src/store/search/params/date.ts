/**
 * @module store/search/params/date
 * Date search on idx_date, where each value is the half-open range [low, high) it covers at its
 * precision. The prefixes follow R4 search.html; `matchesDate` in fhir/search/values is the oracle.
 */
import type { ParsedValue } from '../../../fhir/search/request.js';
import type { Range } from '../../../fhir/search/values/date-range.js';
import type { Binder } from '../binder.js';

export const DATE_TABLE = 'idx_date';

export function datePredicate(b: Binder, i: string, v: ParsedValue): string {
  if (v.kind !== 'date') throw new Error(`date predicate given ${v.kind}`);
  return rangePredicate(b, `${i}.low`, `${i}.high`, v.prefix, v.range);
}

/** The SQL for a prefix comparing the column range [low, high) with the search range. */
export function rangePredicate(b: Binder, low: string, high: string, prefix: string, r: Range, now = new Date()): string {
  const sl = () => b.bind(r.low, 'timestamptz');
  const sh = () => b.bind(r.high, 'timestamptz');
  const eq = () => `(${low} >= ${sl()} and ${high} <= ${sh()})`;
  switch (prefix) {
    case 'eq':
      return eq();
    case 'ne':
      return `not ${eq()}`;
    case 'gt':
      return `${high} > ${sh()}`;
    case 'lt':
      return `${low} < ${sl()}`;
    case 'ge':
      return `(${high} > ${sh()} or ${eq()})`;
    case 'le':
      return `(${low} < ${sl()} or ${eq()})`;
    case 'sa':
      return `${low} >= ${sh()}`;
    case 'eb':
      return `${high} <= ${sl()}`;
    case 'ap': {
      const w = widen(r, now);
      return `(${low} < ${b.bind(w.high, 'timestamptz')} and ${high} > ${b.bind(w.low, 'timestamptz')})`;
    }
    default:
      throw new Error(`unknown prefix ${prefix}`);
  }
}

/** `ap`: the search range widened by 10% of its distance from now on each side (as HAPI does). */
function widen(r: Range, now: Date): Range {
  const lo = Date.parse(r.low);
  const hi = Date.parse(r.high);
  if (Number.isNaN(lo) || Number.isNaN(hi)) return r;
  const gap = Math.abs(now.getTime() - (lo + hi) / 2) * 0.1;
  return { low: new Date(lo - gap).toISOString(), high: new Date(hi + gap).toISOString() };
}
