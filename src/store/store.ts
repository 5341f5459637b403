/**
 * @module store/store
 * The contract between the FHIR interactions and persistence. It knows versions, history and locking,
 * never HTTP. Implemented on Postgres by `postgres-store.ts` for both drivers.
 */
import type { Resource } from '@medplum/fhirtypes';
import type { IncludeRule, SearchRequest } from '../fhir/search/request.js';
import type { CompileOptions, Predicate } from './search/compile.js';
import type { Binder } from './search/binder.js';
import type { Included, SearchPage, SearchRow } from './search/run.js';

export type { CompileOptions, PageCursor, Predicate } from './search/compile.js';
export type { SearchPage, SearchRow } from './search/run.js';
export type { CodeFilter, LastNQuery, StatsQuery, StatsRow } from './observations.js';
import type { LastNQuery, StatsQuery, StatsRow } from './observations.js';

/** One stored version of a resource. */
export interface StoredVersion {
  resourceType: string;
  id: string;
  versionId: number;
  /** FHIR instant, UTC, millisecond precision. */
  lastUpdated: string;
  deleted: boolean;
  /** The resource JSON as stored (meta.versionId and meta.lastUpdated included); absent for a delete. */
  json?: string;
  /** The patient compartments of the resource's current version (for access checks and the audit log). */
  compartments?: string[];
}

export interface UpdateOptions {
  /** The version the client last saw (If-Match); the write fails with 412 when it is not current. */
  ifMatch?: number;
  /** When true, an absent resource is not created (for PATCH). */
  mustExist?: boolean;
  /** New resources to store in the same transaction (the write's AuditEvents). */
  alsoCreate?: Resource[];
  /** Only a version the caller may see counts as existing; an invisible one is 404. */
  policy?: Predicate;
}

export interface UpdateResult {
  version: StoredVersion;
  /** True when the update created the resource (it did not exist or was deleted). */
  created: boolean;
  /** True when nothing changed because the content was identical (no new version written). */
  unchanged?: boolean;
}

export interface HistoryQuery {
  type?: string;
  id?: string;
  /** Only versions updated at or after this instant. */
  since?: string;
  count: number;
  /** Continue after this entry (keyset paging, newest first). */
  after?: HistoryCursor;
}

export interface HistoryCursor {
  lastUpdated: string;
  resourceType: string;
  id: string;
  versionId: number;
}

export interface HistoryPage {
  entries: StoredVersion[];
  /** Set when there are more entries; pass it as `after` for the next page. */
  next?: HistoryCursor;
}

export interface FhirStore {
  /** The current version; with a policy, only when the caller may see it (else undefined, like a missing one). */
  read(type: string, id: string, policy?: Predicate): Promise<StoredVersion | undefined>;
  vread(type: string, id: string, versionId: number, policy?: Predicate): Promise<StoredVersion | undefined>;
  /** Stores a new resource; `resource.id` must be set by the caller. */
  create(resource: Resource): Promise<StoredVersion>;
  /** Stores many new resources (ids set by the caller) with set-based SQL; for bundles and import. */
  createMany(resources: Resource[]): Promise<StoredVersion[]>;
  /** Writes a new version, or creates the resource with the client's id. */
  update(resource: Resource, options?: UpdateOptions): Promise<UpdateResult>;
  /** Marks the resource deleted; returns the delete version, or undefined when there was nothing to delete. */
  delete(type: string, id: string, options?: UpdateOptions): Promise<StoredVersion | undefined>;
  history(query: HistoryQuery, policy?: Predicate): Promise<HistoryPage>;
  /** One page of a search, in one SQL statement. */
  search(req: SearchRequest, options?: CompileOptions): Promise<SearchPage>;
  /** The number of matches (or the planner's estimate). */
  count(req: SearchRequest, options?: CompileOptions, estimate?: boolean): Promise<number>;
  /** What `_include` and `_revinclude` add to a page: at most `max` resources (no query for an empty page). */
  includes(rows: readonly SearchRow[], include: IncludeRule[], revinclude: IncludeRule[], max: number, policy?: Predicate): Promise<Included>;
  /** Runs `fn` with a store bound to one database transaction. */
  transaction<T>(fn: (store: FhirStore) => Promise<T>): Promise<T>;
  /** Inside a transaction, runs `fn` so that its failure undoes only its own writes (a SAVEPOINT). */
  savepoint<T>(fn: (store: FhirStore) => Promise<T>): Promise<T>;
  /** Evaluates a boolean SQL expression (an access rule that depends on stored data). */
  holds(expression: (b: Binder) => string): Promise<boolean>;
  /** The newest Observations per code of one patient (Observation/$lastn), with the caller's policy. */
  lastN(query: LastNQuery): Promise<{ json: string; code: string }[]>;
  /** Count, average, min and max per code over a period (Observation/$stats), with the caller's policy. */
  observationStats(query: StatsQuery): Promise<StatsRow[]>;
  /** Serialises callers that use the same key until the enclosing transaction ends (e.g. conditional create). */
  lock(key: string): Promise<void>;
}
