/**
 * @module store/store
 * The contract between the door to resources (domain/repository.ts) and persistence. It knows versions,
 * history, locking and who may see what (an `AccessFilter`, a value the store compiles to SQL), never
 * HTTP. It carries no SQL and imports nothing of its implementation, `postgres-store.ts` (both drivers).
 */
import type { Resource } from '@medplum/fhirtypes';
import type { IncludeRule, SearchRequest } from '../fhir/search/request.js';

/** A coding that marks resources, e.g. a security label. */
export interface TokenCode {
  system: string;
  code: string;
}

/**
 * The patients of some units: listed there (an active EpisodeOfCare managed by one), with a Task owned
 * by one whose status is not closed, or with an Appointment with their staff, rooms or services.
 */
export interface UnitPatients {
  /** Organization ids. */
  units: readonly string[];
  closedTaskStatuses: readonly string[];
}

/** What a caller may see, as data (auth/policy.ts decides it; store/search/access-sql.ts compiles it). */
export interface AccessFilter {
  /** Only these resource types (the token's scopes); absent for every type. */
  types?: readonly string[];
  /** Whose data; absent for the server and system clients. */
  rows?: CitizenRows | StaffRows;
}

/** A citizen: the open (catalogue) types, and resources in their compartments that are not sealed. */
export interface CitizenRows {
  kind: 'citizen';
  /** `Patient/x` refs. */
  patients: readonly string[];
  openTypes: readonly string[];
  /** Resources with this security label are withheld (förseglad). */
  sealed: TokenCode;
}

/**
 * Staff: resources of no patient, resources of the units' patients, and Tasks the units own; never the
 * notification outbox, and the access log only when `auditLog`.
 */
export interface StaffRows extends UnitPatients {
  kind: 'staff';
  auditLog: boolean;
  /** CommunicationRequests in this category are withheld. */
  outbox: TokenCode;
  /** A SMART app launched for one patient (`Patient/x`): of patient data, only theirs. */
  patient?: string;
  /** Consents in these categories are withheld (the citizen's own settings: contact sharing, donation). */
  privateConsents?: readonly TokenCode[];
}

/** `$login-stats` (store/login-stats.ts). */
export interface LoginStatsQuery {
  /** First and last month (YYYY-MM), Swedish time, both included. */
  from: string;
  to: string;
  /** Lower age limits of the bands, ascending, starting at 0 (e.g. [0, 13, 18, 30]). */
  bands: readonly number[];
}

export interface LoginCell {
  month: string;
  /** `lo-hi`, `lo+` for the last band, or `unknown` without a full birth date. */
  band: string;
  sex: string;
  count: number;
}

export interface SharingCount {
  citizens: number;
  sharing: number;
}

/** Where a page of a search starts: the sort keys and rid of the row before it. */
export interface PageCursor {
  keys: (string | null)[];
  rid: string;
}

export interface RowRef {
  rid: string;
  resourceType: string;
  id: string;
}

export interface SearchRow extends RowRef {
  json: string;
  /** The patient compartments of the resource (for the access log). */
  compartments: string[];
}

export interface SearchPage {
  rows: SearchRow[];
  /** Where the next page starts; absent on the last page. */
  next?: PageCursor;
}

export interface Included {
  rows: SearchRow[];
  /** True when there were more than the `max` asked for (the rows are then `max` of them). */
  truncated: boolean;
}

export interface SearchOptions {
  /** Applies to the matches and to every resource a chain or _has reads. */
  access?: AccessFilter;
  cursor?: PageCursor;
}

export interface CodeFilter {
  system?: string;
  code: string;
}

/** One patient's Observations (Observation/$lastn, $stats; store/observations.ts). */
export interface ObservationQuery {
  /** The patient's id (not `Patient/x`). */
  patient: string;
  /** Any of these codes (none: every code). */
  codes: readonly CodeFilter[];
  /** Any of these categories (none: every category). */
  categories: readonly CodeFilter[];
  access?: AccessFilter;
}

export interface LastNQuery extends ObservationQuery {
  max: number;
}

export interface StatsQuery extends ObservationQuery {
  /** Inclusive start and exclusive end of the period, by the measurement's time. */
  start?: string;
  end?: string;
}

export interface StatsRow {
  system: string | null;
  code: string;
  canonCode: string;
  count: number;
  average: string;
  min: string;
  max: string;
  /** The unit most of the values were sent in (to show the result in). */
  unit: string | null;
  first: string | null;
  last: string | null;
}

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
  access?: AccessFilter;
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
  /** The current version; with `access`, only when the caller may see it (else undefined, like a missing one). */
  read(type: string, id: string, access?: AccessFilter): Promise<StoredVersion | undefined>;
  vread(type: string, id: string, versionId: number, access?: AccessFilter): Promise<StoredVersion | undefined>;
  /** Stores a new resource; `resource.id` must be set by the caller. */
  create(resource: Resource): Promise<StoredVersion>;
  /** Stores many new resources (ids set by the caller) with set-based SQL; for bundles and import. */
  createMany(resources: Resource[]): Promise<StoredVersion[]>;
  /** Writes a new version, or creates the resource with the client's id. */
  update(resource: Resource, options?: UpdateOptions): Promise<UpdateResult>;
  /** Marks the resource deleted; returns the delete version, or undefined when there was nothing to delete. */
  delete(type: string, id: string, options?: UpdateOptions): Promise<StoredVersion | undefined>;
  history(query: HistoryQuery, access?: AccessFilter): Promise<HistoryPage>;
  /** One page of a search, in one SQL statement. */
  search(req: SearchRequest, options?: SearchOptions): Promise<SearchPage>;
  /** The number of matches (or the planner's estimate). */
  count(req: SearchRequest, access?: AccessFilter, estimate?: boolean): Promise<number>;
  /** What `_include` and `_revinclude` add to a page: at most `max` resources (no query for an empty page). */
  includes(rows: readonly SearchRow[], include: IncludeRule[], revinclude: IncludeRule[], max: number, access?: AccessFilter): Promise<Included>;
  /** Runs `fn` with a store bound to one database transaction. */
  transaction<T>(fn: (store: FhirStore) => Promise<T>): Promise<T>;
  /** Inside a transaction, runs `fn` so that its failure undoes only its own writes (a SAVEPOINT). */
  savepoint<T>(fn: (store: FhirStore) => Promise<T>): Promise<T>;
  /** Whether every one of `patients` (`Patient/x`) is one of the units' patients (a write rule that depends on the data). */
  arePatientsOf(patients: readonly string[], of: UnitPatients): Promise<boolean>;
  /** The newest Observations per code of one patient (Observation/$lastn), within `access`. */
  lastN(query: LastNQuery): Promise<{ json: string; code: string }[]>;
  /** Count, average, min and max per code over a period (Observation/$stats), within `access`. */
  observationStats(query: StatsQuery): Promise<StatsRow[]>;
  /** Citizens' logins per month, age band and sex (`$login-stats`): aggregates, no policy (the operation checks the caller). */
  loginCells(query: LoginStatsQuery): Promise<LoginCell[]>;
  /** How many citizens there are and how many share their contact details. */
  sharingCount(): Promise<SharingCount>;
  /** Serialises callers that use the same key until the enclosing transaction ends (e.g. conditional create). */
  lock(key: string): Promise<void>;
}


// Subscriptions (store/subscription-queue.ts; domain/subscriptions uses it through this contract)

/** One written resource from the outbox, with the content of its version and of the version before. */
export interface ResourceChange {
  /** The outbox sequence number (bigint, as text). */
  seq: string;
  resourceType: string;
  id: string;
  versionId: number;
  deleted: boolean;
  /** FHIR instant of the write. */
  changedAt: string;
  /** This version's content (absent for a delete, or when nobody subscribes and it is not a Subscription). */
  json?: string;
  /** The content of the version before (absent for a create). */
  previousJson?: string;
}

export type SubscriptionStatus = 'requested' | 'active' | 'error' | 'off';

/** The delivery state of one Subscription. */
export interface SubscriptionState {
  subscriptionId: string;
  topic: string;
  status: SubscriptionStatus;
  heartbeatSeconds?: number;
  /** The highest event number given (events-since-subscription-start). */
  eventsCount: number;
  /** The highest event number delivered. */
  delivered: number;
  attempts: number;
  failingSince?: string;
  lastError?: string;
  lastSentAt?: string;
  /** The Subscription's current content (absent when it was deleted). */
  json?: string;
}

/** What the outbox rows of one fan-out mean (decided by domain/subscriptions, without I/O). */
export interface FanOutDecision {
  /** Subscription states to create or change, applied first. */
  states: { subscriptionId: string; topic: string; status: SubscriptionStatus; heartbeatSeconds?: number; reset: boolean }[];
  /** Events, in order; each is stored only when the subscriber may read the focus (`access`). */
  events: { subscriptionId: string; change: ResourceChange; access?: AccessFilter }[];
}

export interface SubscriptionEvent {
  eventNumber: number;
  focusType: string;
  focusId: string;
  focusVersion: number;
  occurredAt: string;
  /** The focus at that version (absent when it was a delete). */
  json?: string;
}

/** How a delivery attempt ended; releases the lease. */
export interface DeliveryOutcome {
  /** The highest event number now delivered. */
  delivered?: number;
  status?: SubscriptionStatus;
  /** Something reached the endpoint (for the heartbeat's clock). */
  sent: boolean;
  attempts: number;
  failingSince: string | null;
  lastError: string | null;
  nextAttemptAt: string;
}

export interface SubscriptionQueue {
  /**
   * In one transaction: claims up to `limit` outbox rows (FOR UPDATE SKIP LOCKED, so several processes
   * share them), asks `decide` what they mean, stores the events with the next event numbers of each
   * subscription, and deletes the rows. Returns the number of rows handled.
   */
  fanOut(limit: number, decide: (changes: ResourceChange[], subscriptions: SubscriptionState[]) => FanOutDecision): Promise<number>;
  /** Leases for `seconds` up to `limit` subscriptions with something due: a handshake, events, or a heartbeat. */
  claim(owner: string, limit: number, seconds: number): Promise<SubscriptionState[]>;
  /** Events `from`..`to` (inclusive) of a subscription, with the focus content at that version. */
  events(subscriptionId: string, from: number, to: number): Promise<SubscriptionEvent[]>;
  settle(subscriptionId: string, owner: string, outcome: DeliveryOutcome): Promise<void>;
  state(subscriptionId: string): Promise<SubscriptionState | undefined>;
}
