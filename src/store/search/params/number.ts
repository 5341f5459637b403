/**
 * @module store/search/params/number
 * Number and quantity search. `eq` matches within the implicit precision of the search value
 * (100 = [99.5, 100.5)); the other prefixes compare with the value itself; `ap` is within 10%.
 * `matchesNumber` in fhir/search/values is the oracle.
 * Quantities compare in UCUM canonical units when the search unit converts.
 */
import type { ParsedValue } from '../../../fhir/search/request.js';
import { approximateBounds } from '../../../fhir/search/values/number-range.js';
import { canonicalQuantity } from '../../../fhir/search/values/ucum.js';
import type { Binder } from '../binder.js';

export const NUMBER_TABLE = 'idx_number';
export const QUANTITY_TABLE = 'idx_quantity';

export function numberPredicate(b: Binder, i: string, v: ParsedValue): string {
  if (v.kind !== 'number') throw new Error(`number predicate given ${v.kind}`);
  return compare(b, `${i}.value`, v.prefix, v.value, v.low, v.high);
}

export function quantityPredicate(b: Binder, i: string, v: ParsedValue, cols = { value: 'value', system: 'system', code: 'code', canonValue: 'canon_value', canonCode: 'canon_code' }): string {
  if (v.kind !== 'quantity') throw new Error(`quantity predicate given ${v.kind}`);
  const canon = v.code && (!v.system || v.system === 'http://unitsofmeasure.org') ? canonicalQuantity(v.value, v.code) : undefined;
  if (canon) {
    // The implicit precision range converts bound by bound (UCUM conversions are monotonic).
    const lo = canonicalQuantity(v.low, v.code!)?.value ?? canon.value;
    const hi = canonicalQuantity(v.high, v.code!)?.value ?? canon.value;
    return `${i}.${cols.canonCode} = ${b.bind(canon.code)} and ${compare(b, `${i}.${cols.canonValue}`, v.prefix, canon.value, lo, hi)}`;
  }
  const parts = [compare(b, `${i}.${cols.value}`, v.prefix, v.value, v.low, v.high)];
  if (v.code) parts.push(`${i}.${cols.code} = ${b.bind(v.code)}`);
  if (v.system) parts.push(`${i}.${cols.system} = ${b.bind(v.system)}`);
  return parts.join(' and ');
}

function compare(b: Binder, col: string, prefix: string, value: string, low: string, high: string): string {
  const val = () => b.bind(value, 'numeric');
  switch (prefix) {
    case 'eq':
      return `(${col} >= ${b.bind(low, 'numeric')} and ${col} < ${b.bind(high, 'numeric')})`;
    case 'ne':
      return `not (${col} >= ${b.bind(low, 'numeric')} and ${col} < ${b.bind(high, 'numeric')})`;
    case 'gt':
    case 'sa':
      return `${col} > ${val()}`;
    case 'lt':
    case 'eb':
      return `${col} < ${val()}`;
    case 'ge':
      return `${col} >= ${val()}`;
    case 'le':
      return `${col} <= ${val()}`;
    case 'ap': {
      // As `matchesNumber`: within the implicit range, or within 10% of the value (either sign, and 0).
      const near = approximateBounds(value) ?? { low: value, high: value };
      return `((${col} >= ${b.bind(low, 'numeric')} and ${col} < ${b.bind(high, 'numeric')}) or (${col} >= ${b.bind(near.low, 'numeric')} and ${col} <= ${b.bind(near.high, 'numeric')}))`;
    }
    default:
      throw new Error(`unknown prefix ${prefix}`);
  }
}
