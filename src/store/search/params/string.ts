/**
 * @module store/search/params/string
 * String search on idx_string: starts-with on the normalised form by default (case and accents
 * ignored), `:contains` anywhere, `:exact` on the value as written.
 */
import type { ParsedValue } from '../../../fhir/search/request.js';
import { normalizeString } from '../../../fhir/search/values/normalize.js';
import { likeEscape, type Binder } from '../binder.js';

export const STRING_TABLE = 'idx_string';

export function stringPredicate(b: Binder, i: string, v: ParsedValue, modifier?: string): string {
  if (v.kind !== 'string') throw new Error(`string predicate given ${v.kind}`);
  // The folded form is implied by the exact one; naming it lets the norm index find the rows.
  if (modifier === 'exact') return `${i}.norm = ${b.bind(normalizeString(v.value))} and ${i}.value = ${b.bind(v.value)}`;
  const norm = likeEscape(normalizeString(v.value));
  if (modifier === 'contains') return `${i}.norm like ${b.bind('%' + norm + '%')}`;
  return `${i}.norm like ${b.bind(norm + '%')}`;
}
