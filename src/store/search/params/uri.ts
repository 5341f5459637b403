/**
 * @module store/search/params/uri
 * URI search on idx_uri: exact, `:below` (the value starts with the search URI) and `:above` (the search
 * URI starts with the value).
 */
import type { ParsedValue } from '../../../fhir/search/request.js';
import { likeEscape, type Binder } from '../binder.js';

export const URI_TABLE = 'idx_uri';

export function uriPredicate(b: Binder, i: string, v: ParsedValue, modifier?: string): string {
  if (v.kind !== 'uri') throw new Error(`uri predicate given ${v.kind}`);
  if (modifier === 'below') return `${i}.value like ${b.bind(likeEscape(v.value) + '%')}`;
  if (modifier === 'above') return `${b.bind(v.value)} like replace(replace(replace(${i}.value, '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '%'`;
  return `${i}.value = ${b.bind(v.value)}`;
}
