/**
 * @module store/search/params/reference
 * Reference search on idx_reference: an id (any target type), Type/id, an absolute or canonical URL,
 * or `:Type` narrowing the target type.
 */
import type { ParsedValue } from '../../../fhir/search/request.js';
import type { Binder } from '../binder.js';

export const REFERENCE_TABLE = 'idx_reference';

export function referencePredicate(b: Binder, i: string, v: ParsedValue, modifier?: string): string {
  if (v.kind !== 'reference') throw new Error(`reference predicate given ${v.kind}`);
  if (v.url !== undefined) return `${i}.target_url = ${b.bind(v.url.split('|')[0])}`;
  const parts = [`${i}.target_id = ${b.bind(v.id)}`];
  const type = v.type ?? modifier;
  if (type) parts.push(`${i}.target_type = ${b.bind(type)}`);
  return parts.join(' and ');
}
