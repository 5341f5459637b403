/**
 * @module store/search/params/composite
 * Composite search on idx_composite: every component must match within the same element (one row).
 */
import type { ParsedValue } from '../../../fhir/search/request.js';
import { normalizeString } from '../../../fhir/search/values/normalize.js';
import { likeEscape, type Binder } from '../binder.js';
import { rangePredicate } from './date.js';
import { numberPredicate, quantityPredicate } from './number.js';

export const COMPOSITE_TABLE = 'idx_composite';

export function compositePredicate(b: Binder, i: string, v: ParsedValue): string {
  if (v.kind !== 'composite') throw new Error(`composite predicate given ${v.kind}`);
  const [a, second, third] = v.parts;
  const parts = [componentA(b, i, a!)];
  if (second) parts.push(componentB(b, i, second));
  if (third?.kind === 'number') parts.push(numberPredicate(b, i, third).replaceAll(`${i}.value`, `${i}.c_value`));
  return parts.map((p) => `(${p})`).join(' and ');
}

function componentA(b: Binder, i: string, v: ParsedValue): string {
  if (v.kind === 'reference') return `${i}.a_code = ${b.bind(v.type ? `${v.type}/${v.id}` : (v.url ?? v.id))}`;
  if (v.kind !== 'token') throw new Error(`composite first component given ${v.kind}`);
  const parts: string[] = [];
  if (v.code !== undefined) parts.push(`${i}.a_code = ${b.bind(v.code)}`);
  if (v.system === null) parts.push(`${i}.a_system is null`);
  else if (v.system !== undefined) parts.push(`${i}.a_system = ${b.bind(v.system)}`);
  return parts.join(' and ') || 'true';
}

function componentB(b: Binder, i: string, v: ParsedValue): string {
  switch (v.kind) {
    case 'token': {
      const parts: string[] = [];
      if (v.code !== undefined) parts.push(`${i}.b_code = ${b.bind(v.code)}`);
      if (v.system === null) parts.push(`${i}.b_system is null`);
      else if (v.system !== undefined) parts.push(`${i}.b_system = ${b.bind(v.system)}`);
      return parts.join(' and ') || 'true';
    }
    case 'string':
      return `${i}.b_code like ${b.bind(likeEscape(normalizeString(v.value)) + '%')}`;
    case 'quantity':
      return quantityPredicate(b, i, v, { value: 'b_value', system: 'b_system', code: 'b_code', canonValue: 'b_canon_value', canonCode: 'b_canon_code' });
    case 'number':
      return numberPredicate(b, i, v).replaceAll(`${i}.value`, `${i}.b_value`);
    case 'date':
      return rangePredicate(b, `${i}.b_low`, `${i}.b_high`, v.prefix, v.range);
    default:
      throw new Error(`composite component given ${v.kind}`);
  }
}
