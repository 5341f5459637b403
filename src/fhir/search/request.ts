/**
 * @module fhir/search/request
 * A parsed search: what the URL asked for, checked against the search parameters of the type, ready for
 * the SQL compiler. Values are kept parsed (ranges, systems, codes) so the compiler only binds them.
 */
import type { Range } from './values/date-range.js';
import type { Prefix } from './values/date-range.js';
import type { SearchParamDef } from './registry.js';
import type { Near } from './values/near.js';

export type TokenValue = { system?: string | null; code?: string };

export type ParsedValue =
  | { kind: 'token'; system?: string | null; code?: string }
  | { kind: 'string'; value: string }
  | { kind: 'date'; prefix: Prefix; range: Range; raw: string }
  | { kind: 'number'; prefix: Prefix; value: string; low: string; high: string }
  | { kind: 'quantity'; prefix: Prefix; value: string; low: string; high: string; system?: string; code?: string }
  | { kind: 'reference'; type?: string; id?: string; url?: string }
  | { kind: 'uri'; value: string }
  | { kind: 'composite'; parts: ParsedValue[] }
  /** `Location?near=lat|lon|distance|units`, the distance in km (values/near.ts). */
  | Near
  /** `:in`/`:not-in` a ValueSet, `:below`/`:above` a code: the store lists the codes before the search runs. */
  | { kind: 'codes'; source: CodeSource; members?: readonly { system: string; code: string }[] };

export type CodeSource = { valueSet: string } | { below: { system: string; code: string } } | { above: { system: string; code: string } };

/** One parameter with its values (OR-ed). */
export interface ParamFilter {
  kind: 'param';
  def: SearchParamDef;
  modifier?: string;
  /** For `:missing`. */
  missing?: boolean;
  values: ParsedValue[];
}

/** `subject:Patient.name=x`: resources whose reference param points at a target matching `next`. */
export interface ChainFilter {
  kind: 'chain';
  def: SearchParamDef;
  /** The target types with `next` resolved for each. */
  targets: { type: string; next: Filter }[];
}

/** `_has:Observation:subject:code=x`: resources referred to by a resource matching `next`. */
export interface HasFilter {
  kind: 'has';
  type: string;
  def: SearchParamDef;
  next: Filter;
}

export type Filter = ParamFilter | ChainFilter | HasFilter;

export interface SortRule {
  def: SearchParamDef;
  descending: boolean;
  /** Sort by the distance from this point (a `near` search without `_sort`: nearest first). */
  near?: Near;
}

export interface IncludeRule {
  /** The type whose reference param is followed (the source for _include, the referrer for _revinclude). */
  sourceType: string;
  /** undefined for `*` (every reference param). */
  param?: string;
  targetType?: string;
  iterate: boolean;
}

export type SummaryMode = 'true' | 'text' | 'data' | 'count' | 'false';

export interface SearchRequest {
  /** The types searched: one for a type search, several (or all) for a system search. */
  types: string[];
  /** A compartment search (or $everything): only resources in this compartment, e.g. `Patient/123`. */
  compartment?: string;
  /** Only resources in one of these patient compartments (`Patient/x`), or in any (`'any'`): Bulk Data export. */
  inCompartments?: readonly string[] | 'any';
  filters: Filter[];
  sort: SortRule[];
  count: number;
  /**
   * `_total`. When absent, the total is given only when it is known without counting: when the
   * matches end on the page returned (as HAPI does by default; counting doubles the cost of a search).
   */
  total?: 'none' | 'estimate' | 'accurate';
  summary?: SummaryMode;
  elements?: string[];
  include: IncludeRule[];
  revinclude: IncludeRule[];
  /** The parameters used, in order, for the `self` link and the page token. */
  used: [string, string][];
  /** Parameters ignored under lenient handling, with the reason. */
  ignored: { name: string; reason: string }[];
  /** Parameters being reindexed, whose results may be incomplete. */
  pending: string[];
}
