/**
 * @module fhir/search/index-entries
 * The values a resource is searchable by, one list per kind of value; produced by the pure extractor
 * and written by the store into the matching index tables in the same transaction as the resource.
 */

export interface TokenEntry {
  param: string;
  system: string | null;
  code: string | null;
  /** Display text, folded as for string search (normalizeString), for `:text`. */
  text: string | null;
}
export interface StringEntry {
  param: string;
  /** Lower-cased, accents removed. */
  norm: string;
  value: string;
}
export interface ReferenceEntry {
  param: string;
  targetType: string | null;
  targetId: string | null;
  /** An absolute or canonical reference that does not resolve to this server. */
  url: string | null;
}
export interface DateEntry {
  param: string;
  /** ISO instants bounding the value at its precision; null = open. */
  low: string | null;
  high: string | null;
}
export interface NumberEntry {
  param: string;
  /** A decimal, as text, so no precision is lost. */
  value: string;
}
export interface QuantityEntry {
  param: string;
  value: string;
  system: string | null;
  code: string | null;
  unit: string | null;
  canonValue: string | null;
  canonCode: string | null;
}
export interface UriEntry {
  param: string;
  value: string;
}

/**
 * A composite value: component a is a token (or a reference as `Type/id` in a_code), b a token, string
 * (b_code holds the normalised text), quantity, number or date, c a number.
 */
export interface CompositeEntry {
  param: string;
  aSystem: string | null;
  aCode: string | null;
  bSystem: string | null;
  bCode: string | null;
  bValue: string | null;
  bCanonValue: string | null;
  bCanonCode: string | null;
  bLow: string | null;
  bHigh: string | null;
  cValue: string | null;
}

export interface IndexEntries {
  token: TokenEntry[];
  string: StringEntry[];
  reference: ReferenceEntry[];
  date: DateEntry[];
  number: NumberEntry[];
  quantity: QuantityEntry[];
  uri: UriEntry[];
  composite: CompositeEntry[];
  /** `Patient/123` for each patient compartment the resource belongs to. */
  compartments: string[];
}

export function emptyIndexEntries(): IndexEntries {
  return { token: [], string: [], reference: [], date: [], number: [], quantity: [], uri: [], composite: [], compartments: [] };
}
