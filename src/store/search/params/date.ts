/**
 * @module store/search/params/date
 * Date search on idx_date, where each value is the half-open range [low, high) it covers at its
 * precision. The prefixes follow R4 search.html; `matchesDate` in fhir/search/values is the oracle, and
 * each branch below is its SQL twin.
 */
import type { ParsedValue } from '../../../fhir/search/request.js';
import { approximateRange, type Range } from '../../../fhir/search/values/date-range.js';
import type { Binder } from '../binder.js';

export const DATE_TABLE = 'idx_date';

export function datePredicate(b: Binder, i: string, v: ParsedValue, now = new Date()): string {
  if (v.kind !== 'date') throw new Error(`date predicate given ${v.kind}`);
  return rangePredicate(b, `${i}.low`, `${i}.high`, v.prefix, v.range, now);
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
    // ge is `gt or eq`: high > sH, or low >= sL and high <= sH; the second half's high <= sH adds
    // nothing once the first half has failed, which leaves two ranges each of its own index can find.
    case 'ge':
      return `(${high} > ${sh()} or ${low} >= ${sl()})`;
    // le is `lt or eq`, by the same reasoning.
    case 'le':
      return `(${low} < ${sl()} or ${high} <= ${sh()})`;
    case 'sa':
      return `${low} >= ${sh()}`;
    case 'eb':
      return `${high} <= ${sl()}`;
    case 'ap': {
      // The window is computed by the oracle's own code, so SQL and `matchesDate` agree for the same `now`.
      const w = approximateRange(r, now);
      return `(${low} < ${b.bind(w.high, 'timestamptz')} and ${high} > ${b.bind(w.low, 'timestamptz')})`;
    }
    default:
      throw new Error(`unknown prefix ${prefix}`);
  }
}
