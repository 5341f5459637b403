/**
 * @module domain/repository
 * The one door to resources. A `Repository` is built once per request for the caller (the authenticate
 * middleware puts it on `ctx.repo`) and every method applies, always and in this order:
 * - the read policy (auth/policy.ts): what the caller may not see answers like what does not exist;
 * - on writes, validation (fhir/validate.ts and the stored checks), then the write check;
 * - the access log (auth/audit.ts): reads queued, writes stored in the same statement or transaction.
 * Nothing outside this file calls the store (`FhirStore`) for resources; the layering test enforces it.
 *
 * API (for operations in domain/ and http/):
 * - `read`, `vread`, `exists`, `history`, `search` (one page), `count`: as the caller; a read or search is
 *   logged once per patient whose data it returns.
 * - `create`, `createMany`, `update`, `patch`, `delete`: validate, check, log and write.
 * - `transaction(fn)`, `savepoint(fn)`, `lock(key)`: `fn` gets a repository bound to the transaction.
 * - `asServer({ onBehalfOf, software })`: the ONE way to act with the server's rights, after the
 *   operation has checked the caller itself. Its writes are logged naming the person (`onBehalfOf`)
 *   and the server (`software`) as the acting application. It adds `lookup`/`find`/`findAll`: reads
 *   made to decide something, never shown to the caller, so not logged.
 * - `readResource`, `searchResources`, `createResource`, `updateResource` (below): parsed-resource
 *   shorthands over `ctx.repo` for domain services.
 */
import { randomUUID } from 'node:crypto';
import type { AuditEvent, Observation, Resource } from '@medplum/fhirtypes';
import { auditEvent, type AuditAction } from '../auth/audit.js';
import type { AuditQueue } from '../auth/audit-queue.js';
import { accessFilter, unitPatients, writeCheck, type Access } from '../auth/policy.js';
import { UNRESTRICTED, type Principal } from '../auth/principal.js';
import type { Op } from '../auth/scopes.js';
import type { Config } from '../config.js';
import { errors, FhirError, type Issue } from '../fhir/error.js';
import type { IndexEntries } from '../fhir/search/index-entries.js';
import { parseSearch } from '../fhir/search/parse.js';
import type { SearchRegistry } from '../fhir/search/registry.js';
import type { SearchRequest } from '../fhir/search/request.js';
import { hasErrors, type Validator } from '../fhir/validate.js';
import type {
  AccessFilter,
  FhirStore,
  HistoryPage,
  HistoryQuery,
  PageCursor,
  SearchPage,
  SearchRow,
  StoredVersion,
  StatsQuery,
  StatsRow,
  LastNQuery,
  LoginCell,
  LoginStatsQuery,
  SharingCount,
  UpdateOptions,
  UpdateResult,
} from '../store/store.js';
import type { DomainContext } from './context.js';

/** What the door is built from: the composition root's parts (app.ts). */
export interface RepositoryDeps {
  store: FhirStore;
  config: Config;
  validator: Validator;
  searchParams: SearchRegistry;
  resourceTypes: ReadonlySet<string>;
  audit: AuditQueue;
  /** What a resource is searchable by, and its patient compartments (the store's own extractor). */
  indexer: (resource: Resource) => IndexEntries;
  /** Checks of a resource against other stored resources, run at every write after validation. */
  storedChecks: readonly StoredCheck[];
  /** What the server sets on a resource at every write before validation (e.g. a Subscription's owner). */
  stamps?: readonly Stamp[];
  /** What a caller is not shown of a stored resource (e.g. another subscriber's channel secrets). */
  redactions?: readonly Redaction[];
}

/** The JSON of `type` as `acting` may see it (the same string when nothing is hidden). */
export type Redaction = (type: string, json: string, acting: Acting) => string;

/** Sets server-owned elements of `resource` for the acting party (in place). */
export type Stamp = (resource: Resource, acting: Acting) => void;

/** Issues with `resource` given what is stored (and written earlier in the same transaction). */
export type StoredCheck = (server: ServerRepository, resource: Resource) => Promise<Issue[]>;

/** Who acts: the caller, or the server on a person's behalf. */
export interface Acting {
  principal: Principal;
  access: Access;
  /** Set when the server acts: the software named in the access log next to the person. */
  software?: string;
}

/** How a read is logged: the interaction, the query of a search, and which rows the caller is shown. */
export interface ReadLog {
  interaction: string;
  query?: string;
  /** Only these rows reach the caller (the others are not logged); default all. */
  shown?: (row: SearchRow) => boolean;
}

export interface SearchOptions {
  cursor?: PageCursor;
  /** Run `_include`/`_revinclude` of the page too (at most config.maxIncludes). */
  includes?: boolean;
  log: ReadLog;
}

export interface SearchResult extends SearchPage {
  included: SearchRow[];
  /** True when the includes were cut at the limit. */
  truncated: boolean;
}

export interface WriteOptions {
  ifMatch?: number;
  /** For patch: an absent resource is not created. */
  mustExist?: boolean;
  /** The interaction named in the access log (default create, update, delete). */
  interaction?: string;
}

export interface Repository {
  readonly acting: Acting;
  /** The visible version (live or deleted), or undefined; a live one is logged as read. */
  read(type: string, id: string, interaction?: string): Promise<StoredVersion | undefined>;
  vread(type: string, id: string, versionId: number): Promise<StoredVersion | undefined>;
  /** Whether the caller may see it (with `live`, only when not deleted); nothing is shown, so nothing is logged. */
  exists(type: string, id: string, live?: boolean): Promise<boolean>;
  history(query: HistoryQuery, interaction: string): Promise<HistoryPage>;
  search(req: SearchRequest, options: SearchOptions): Promise<SearchResult>;
  count(req: SearchRequest, estimate?: boolean): Promise<number>;
  /** Parses search parameters with the server's registry (defaults and caps of `_count` from paging). */
  parseSearch(types: string[], params: [string, string][], options?: { strict?: boolean; defaultCount?: number; maxCount?: number }): SearchRequest;
  create(resource: Resource, options?: WriteOptions): Promise<StoredVersion>;
  /**
   * Creates many (ids assigned when absent) with set-based SQL, one AuditEvent per patient for all of
   * them; `each` wraps the validation and check of resource `i` (to name it in an error).
   */
  createMany(resources: Resource[], interaction: string, each?: (i: number, fn: () => Promise<void>) => Promise<void>): Promise<StoredVersion[]>;
  update(resource: Resource, options?: WriteOptions): Promise<UpdateResult>;
  /** Applies `change` to the current version under a lock; retried on a concurrent write unless `ifMatch`. */
  patch(type: string, id: string, change: (current: Resource) => Resource, ifMatch?: number): Promise<UpdateResult>;
  delete(type: string, id: string, options?: WriteOptions): Promise<StoredVersion | undefined>;
  /** Throws 403 unless the acting party may write `resource` with the scope letter `op`. */
  checkWrite(resource: Resource, op: Op, compartments?: readonly string[]): Promise<void>;
  /** The newest Observations per code of one patient (`Observation/$lastn`), as the caller may see them; logged. */
  lastN(query: Omit<LastNQuery, 'access'>): Promise<Observation[]>;
  /** Statistics per code of one patient's Observations (`Observation/$stats`), within the caller's access; logged. */
  observationStats(query: Omit<StatsQuery, 'access'>): Promise<StatsRow[]>;
  /**
   * Citizens' logins per month, age band and sex, and how many share their contact details (`$login-stats`):
   * aggregates, so not logged; 403 unless the caller is an administrator or a system client.
   */
  loginStatistics(query: LoginStatsQuery): Promise<{ cells: LoginCell[]; sharing: SharingCount }>;
  /** The issues the checks against stored resources find with `resource` (what a write would refuse), for `$validate`. */
  storedIssues(resource: Resource): Promise<Issue[]>;
  compartmentsOf(resource: Resource): string[];
  /** Whether the patient (`Patient/x`) is one of the units' patients (DOMAIN.md section 5: listed, a case, an appointment). */
  isPatientOf(patient: string, units: readonly string[]): Promise<boolean>;
  transaction<T>(fn: (repo: Repository) => Promise<T>, options?: { deferChecks?: boolean }): Promise<T>;
  savepoint<T>(fn: (repo: Repository) => Promise<T>): Promise<T>;
  lock(key: string): Promise<void>;
  /** In a transaction opened with `deferChecks`: runs the stored checks of everything written, in order. */
  runDeferredChecks(onError: (resource: Resource, err: unknown) => Promise<never>): Promise<void>;
  asServer(on: { onBehalfOf: Principal; software: string }): ServerRepository;
}

/** The server's rights, after the operation has checked the caller. */
export interface ServerRepository extends Repository {
  /** The current version, or undefined: a lookup to decide, not logged. */
  lookup<T extends Resource>(type: T['resourceType'], id: string): Promise<T | undefined>;
  /** A search to decide (at most `count`), not logged. */
  find<T extends Resource>(type: T['resourceType'], params: [string, string][], count?: number): Promise<T[]>;
  /** Every match, page by page, not logged. */
  findAll<T extends Resource>(type: T['resourceType'], params: [string, string][]): Promise<T[]>;
}

/** The default and largest page of searches made by services (HTTP search has its own in http/fhir/paging). */
export const SERVICE_MAX_COUNT = 1000;

export function createRepository(deps: RepositoryDeps, acting: Acting): Repository {
  return new Door(deps, acting);
}

class Door implements ServerRepository {
  constructor(
    private readonly deps: RepositoryDeps,
    readonly acting: Acting,
    private readonly deferred?: Resource[],
  ) {}

  private policy(op: Op = 'r'): AccessFilter | undefined {
    return accessFilter(this.acting.access, this.acting.principal.grants, op);
  }

  private with(store: FhirStore, deferred = this.deferred): Door {
    return new Door({ ...this.deps, store }, this.acting, deferred);
  }

  // Reads

  async read(type: string, id: string, interaction = 'read'): Promise<StoredVersion | undefined> {
    const v = await this.deps.store.read(type, id, this.policy());
    if (v && !v.deleted) this.logRead(interaction, [v]);
    return this.redact(v);
  }

  async vread(type: string, id: string, versionId: number): Promise<StoredVersion | undefined> {
    const v = await this.deps.store.vread(type, id, versionId, this.policy());
    if (v && !v.deleted) this.logRead('vread', [v]);
    return this.redact(v);
  }

  async exists(type: string, id: string, live = false): Promise<boolean> {
    const v = await this.deps.store.read(type, id, this.policy());
    return v !== undefined && !(live && v.deleted);
  }

  async history(query: HistoryQuery, interaction: string): Promise<HistoryPage> {
    const page = await this.deps.store.history(query, this.policy(query.id ? 'r' : 's'));
    this.logRead(interaction, page.entries);
    return { ...page, entries: page.entries.map((e) => this.redact(e)) };
  }

  async search(req: SearchRequest, { cursor, includes, log }: SearchOptions): Promise<SearchResult> {
    const policy = this.policy('s');
    const page = await this.deps.store.search(req, { ...(policy ? { access: policy } : {}), ...(cursor ? { cursor } : {}) });
    // The compartment restricts the matches only (an included practitioner is not in the patient
    // compartment); the caller's read policy applies to everything returned.
    const extra = includes
      ? await this.deps.store.includes(page.rows, req.include, req.revinclude, this.deps.config.maxIncludes, this.policy('r'))
      : { rows: [], truncated: false };
    const shown = [...page.rows, ...extra.rows];
    this.logRead(log.interaction, log.shown ? shown.filter(log.shown) : shown, log.query);
    return { ...page, rows: page.rows.map((r) => this.redact(r)), included: extra.rows.map((r) => this.redact(r)), truncated: extra.truncated };
  }

  async lastN(query: Omit<LastNQuery, 'access'>): Promise<Observation[]> {
    const access = this.policy('s');
    const rows = await this.deps.store.lastN({ ...query, ...(access ? { access } : {}) });
    const found = rows.map((r) => JSON.parse(r.json) as Observation);
    const compartments = [`Patient/${query.patient}`];
    this.logRead('operation', found.map((o) => ({ resourceType: 'Observation', id: o.id!, compartments })), `$lastn patient=Patient/${query.patient}`);
    return found;
  }

  async observationStats(query: Omit<StatsQuery, 'access'>): Promise<StatsRow[]> {
    const access = this.policy('s');
    const rows = await this.deps.store.observationStats({ ...query, ...(access ? { access } : {}) });
    if (rows.length) this.logRead('operation', [{ resourceType: 'Observation', id: '$stats', compartments: [`Patient/${query.patient}`] }], `$stats patient=Patient/${query.patient}`);
    return rows;
  }

  async loginStatistics(query: LoginStatsQuery): Promise<{ cells: LoginCell[]; sharing: SharingCount }> {
    const a = this.acting.access;
    if (!(a.kind === 'unrestricted' || (a.kind === 'staff' && a.roles.includes('administrator')))) throw errors.forbidden('Login statistics are for administrators');
    return { cells: await this.deps.store.loginCells(query), sharing: await this.deps.store.sharingCount() };
  }

  async count(req: SearchRequest, estimate = false): Promise<number> {
    return this.deps.store.count(req, this.policy('s'), estimate);
  }

  parseSearch(types: string[], params: [string, string][], o: { strict?: boolean; defaultCount?: number; maxCount?: number } = {}): SearchRequest {
    const { config, searchParams, resourceTypes } = this.deps;
    return parseSearch(types, params, {
      registry: searchParams,
      resourceTypes,
      strict: o.strict ?? true,
      baseUrl: config.baseUrl,
      defaultCount: o.defaultCount ?? 100,
      maxCount: o.maxCount ?? SERVICE_MAX_COUNT,
    });
  }

  /** Applies the redactions to what the caller is shown (the server, acting for itself, sees all). */
  private redact<T extends { resourceType: string; json?: string } | undefined>(v: T): T {
    const redactions = this.deps.redactions;
    if (!v?.json || !redactions?.length) return v;
    let json = v.json;
    for (const r of redactions) json = r(v.resourceType, json, this.acting);
    return json === v.json ? v : { ...v, json };
  }

  // Writes

  async create(resource: Resource, options: WriteOptions = {}): Promise<StoredVersion> {
    const r = resource.id ? resource : { ...resource, id: randomUUID() };
    await this.validate(r);
    const compartments = this.compartmentsOf(r);
    await this.checkWrite(r, 'c', compartments);
    const audit = this.writeEvents(options.interaction ?? 'create', 'C', `${r.resourceType}/${r.id}`, compartments);
    const [version] = await this.deps.store.createMany([r, ...audit]);
    return version!;
  }

  async createMany(resources: Resource[], interaction: string, each = (_i: number, fn: () => Promise<void>) => fn()): Promise<StoredVersion[]> {
    const touched = new Set<string>();
    for (const [i, r] of resources.entries()) await each(i, () => this.checkOne(r, touched));
    const audit = this.writeEvents(interaction, 'C', '', [...touched]);
    return (await this.deps.store.createMany([...resources, ...audit])).slice(0, resources.length);
  }

  /** Validates and checks one resource of a bulk create, noting its patients for the log. */
  private async checkOne(r: Resource, touched: Set<string>): Promise<void> {
    if (!r.id) r.id = randomUUID();
    await this.validate(r);
    const compartments = this.compartmentsOf(r);
    await this.checkWrite(r, 'c', compartments);
    for (const p of compartments) touched.add(p);
  }

  async update(resource: Resource, options: WriteOptions = {}): Promise<UpdateResult> {
    await this.validate(resource);
    const compartments = this.compartmentsOf(resource);
    await this.checkWrite(resource, 'u', compartments);
    const audit = this.writeEvents(options.interaction ?? 'update', 'U', `${resource.resourceType}/${resource.id}`, compartments);
    return this.deps.store.update(resource, this.storeOptions(options, audit));
  }

  async patch(type: string, id: string, change: (current: Resource) => Resource, ifMatch?: number): Promise<UpdateResult> {
    // Patches of one resource take turns under a lock, so concurrent patches all apply instead of all
    // but one failing. A PUT or DELETE may still land between the read and the write; without If-Match
    // the client asked for "the current version", so the patch is re-applied to the new one.
    return this.transaction(async (tx) => {
      await tx.lock(`patch:${type}/${id}`);
      for (let attempt = 1; ; attempt++) {
        try {
          return await (tx as Door).patchCurrent(type, id, change, ifMatch);
        } catch (err) {
          const retry = ifMatch === undefined && attempt < 3 && err instanceof FhirError && err.status === 412;
          if (!retry) throw err;
        }
      }
    });
  }

  private async patchCurrent(type: string, id: string, change: (current: Resource) => Resource, ifMatch?: number): Promise<UpdateResult> {
    const current = await this.deps.store.read(type, id, this.policy());
    if (!current) throw errors.notFound(`${type}/${id} is not known`);
    if (current.deleted) throw errors.gone(`${type}/${id} has been deleted`);
    const expected = ifMatch ?? current.versionId;
    if (expected !== current.versionId) {
      throw errors.preconditionFailed(`If-Match expected version ${expected} of ${type}/${id}, but the current version is ${current.versionId}`);
    }
    const patched = change(JSON.parse(current.json!) as Resource);
    if (patched.resourceType !== type || patched.id !== id) {
      throw errors.unprocessable({ code: 'processing', diagnostics: 'A patch may not change the resourceType or id' });
    }
    return this.update(patched, { ifMatch: expected, mustExist: true });
  }

  async delete(type: string, id: string, options: WriteOptions = {}): Promise<StoredVersion | undefined> {
    const current = await this.deps.store.read(type, id, this.policy());
    if (current && !current.deleted) await this.checkWrite(JSON.parse(current.json!) as Resource, 'd', current.compartments ?? []);
    const audit = this.writeEvents(options.interaction ?? 'delete', 'D', `${type}/${id}`, current?.compartments ?? []);
    return this.deps.store.delete(type, id, this.storeOptions(options, audit));
  }

  private storeOptions(options: WriteOptions, audit: AuditEvent[]): UpdateOptions {
    const policy = this.policy();
    return {
      ...(options.ifMatch !== undefined ? { ifMatch: options.ifMatch } : {}),
      ...(options.mustExist ? { mustExist: true } : {}),
      ...(audit.length ? { alsoCreate: audit } : {}),
      ...(policy ? { access: policy } : {}),
    };
  }

  async checkWrite(resource: Resource, op: Op, compartments: readonly string[] = this.compartmentsOf(resource)): Promise<void> {
    const { access, principal } = this.acting;
    const check = writeCheck(access, principal.grants, resource.resourceType, compartments, op);
    if ('patients' in check) {
      if (await this.deps.store.arePatientsOf(check.patients, check.of)) return;
      throw errors.forbidden(`You may not write this ${resource.resourceType}: ${check.reason}`);
    }
    if (!check.allowed) throw errors.forbidden(`You may not write this ${resource.resourceType}: ${check.reason}`);
  }

  compartmentsOf(resource: Resource): string[] {
    return this.deps.indexer(resource).compartments;
  }

  async isPatientOf(patient: string, units: readonly string[]): Promise<boolean> {
    return this.deps.store.arePatientsOf([patient], unitPatients(units));
  }

  /** A resource with errors is refused with 422 and the issues, before anything is written. */
  private async validate(resource: Resource): Promise<void> {
    for (const stamp of this.deps.stamps ?? []) stamp(resource, this.acting);
    const issues = this.deps.validator.validate(resource);
    if (hasErrors(issues)) throw new FhirError(422, issues.filter((i) => i.severity !== 'information'));
    if (this.deferred) this.deferred.push(resource);
    else await this.storedChecks(resource);
  }

  private async storedChecks(resource: Resource): Promise<void> {
    const issues = await this.storedIssues(resource);
    if (hasErrors(issues)) throw new FhirError(422, issues);
  }

  async storedIssues(resource: Resource): Promise<Issue[]> {
    const server = this.asServer({ onBehalfOf: this.acting.principal, software: 'lots-checks' });
    const issues: Issue[] = [];
    for (const check of this.deps.storedChecks) {
      issues.push(...(await check(server, resource)));
      if (hasErrors(issues)) break;
    }
    return issues;
  }

  async runDeferredChecks(onError: (resource: Resource, err: unknown) => Promise<never>): Promise<void> {
    for (const resource of this.deferred ?? []) {
      try {
        await this.storedChecks(resource);
      } catch (err) {
        await onError(resource, err);
      }
    }
  }

  // Transactions

  transaction<T>(fn: (repo: Repository) => Promise<T>, options: { deferChecks?: boolean } = {}): Promise<T> {
    return this.deps.store.transaction((store) => fn(this.with(store, options.deferChecks ? [] : this.deferred)));
  }

  savepoint<T>(fn: (repo: Repository) => Promise<T>): Promise<T> {
    return this.deps.store.savepoint((store) => fn(this.with(store)));
  }

  lock(key: string): Promise<void> {
    return this.deps.store.lock(key);
  }

  // The server

  asServer({ onBehalfOf, software }: { onBehalfOf: Principal; software: string }): ServerRepository {
    const principal = { ...onBehalfOf, grants: UNRESTRICTED.grants } as Principal;
    return new Door(this.deps, { principal, access: { kind: 'unrestricted' }, software }, this.deferred);
  }

  async lookup<T extends Resource>(type: T['resourceType'], id: string): Promise<T | undefined> {
    const v = await this.deps.store.read(type, id, this.policy());
    return v && !v.deleted ? (JSON.parse(v.json!) as T) : undefined;
  }

  async find<T extends Resource>(type: T['resourceType'], params: [string, string][], count = 100): Promise<T[]> {
    const req = this.parseSearch([type], params, { defaultCount: count });
    req.total = 'none';
    const access = this.policy('s');
    return (await this.deps.store.search(req, access ? { access } : {})).rows.map((r) => JSON.parse(r.json) as T);
  }

  async findAll<T extends Resource>(type: T['resourceType'], params: [string, string][]): Promise<T[]> {
    const req = this.parseSearch([type], params, { defaultCount: SERVICE_MAX_COUNT });
    req.total = 'none';
    const policy = this.policy('s');
    const out: T[] = [];
    let cursor: PageCursor | undefined;
    do {
      const page = await this.deps.store.search(req, { ...(policy ? { access: policy } : {}), ...(cursor ? { cursor } : {}) });
      for (const row of page.rows) out.push(JSON.parse(row.json) as T);
      cursor = page.next;
    } while (cursor);
    return out;
  }

  // The access log

  /** Queues one AuditEvent per patient whose data a read returned (per resource for a read). */
  private logRead(interaction: string, touched: readonly { resourceType: string; id: string; compartments?: readonly string[] }[], query?: string): void {
    const events: AuditEvent[] = [];
    const seen = new Set<string>();
    for (const t of touched) {
      for (const patient of t.compartments ?? []) {
        const entity = query === undefined ? `${t.resourceType}/${t.id}` : undefined;
        const key = `${patient}|${entity ?? ''}`;
        if (seen.has(key)) continue;
        seen.add(key);
        events.push(this.event('R', interaction, patient, entity, query));
      }
    }
    if (events.length) this.deps.audit.push(events);
  }

  private writeEvents(interaction: string, action: AuditAction, entity: string, compartments: readonly string[]): AuditEvent[] {
    return compartments.map((patient) => this.event(action, interaction, patient, entity || undefined));
  }

  private event(action: AuditAction, interaction: string, patient: string, entity?: string, query?: string): AuditEvent {
    const { principal, software } = this.acting;
    return auditEvent({
      principal,
      action,
      interaction,
      patient,
      ...(entity !== undefined ? { entity } : {}),
      ...(query !== undefined ? { query } : {}),
      ...(software ? { software } : {}),
      success: true,
    });
  }
}

// Shorthands for domain services: parsed resources through `ctx.repo`.

type WithRepo = Pick<DomainContext, 'repo'>;

/** The resource if it exists and the caller may see it (the read is logged). */
export async function readResource<T extends Resource>(ctx: WithRepo, type: T['resourceType'], id: string): Promise<T | undefined> {
  const v = await ctx.repo.read(type, id);
  return v && !v.deleted ? (JSON.parse(v.json!) as T) : undefined;
}

/** A search as the caller (policy applied, logged); at most `count` resources. */
export async function searchResources<T extends Resource>(ctx: WithRepo, type: T['resourceType'], params: [string, string][], count = 100): Promise<T[]> {
  const req = ctx.repo.parseSearch([type], params, { defaultCount: count });
  req.total = 'none';
  const page = await ctx.repo.search(req, { log: { interaction: 'search-type', query: new URLSearchParams(params).toString() } });
  return page.rows.map((r) => JSON.parse(r.json) as T);
}

/** Creates a resource (validation, access check, log); the id is assigned when absent. */
export async function createResource<T extends Resource>(ctx: WithRepo, resource: T): Promise<T> {
  return JSON.parse((await ctx.repo.create(resource)).json!) as T;
}

/** Writes a new version; `ifMatch` guards against lost updates. */
export async function updateResource<T extends Resource>(ctx: WithRepo, resource: T, ifMatch?: number): Promise<T> {
  const { version } = await ctx.repo.update(resource, ifMatch !== undefined ? { ifMatch } : {});
  return JSON.parse(version.json!) as T;
}

/** Throws 403 unless the caller may write `resource` (with the scope letter `op`). */
export function checkWrite(ctx: WithRepo, resource: Resource, op: Op): Promise<void> {
  return ctx.repo.checkWrite(resource, op);
}

/**
 * The context of a service acting with the server's rights on the caller's behalf, after it has checked
 * the caller: its repository logs the caller as the person and `software` as the acting application.
 * The principal keeps the caller's identity (services still ask who the caller is), with full rights.
 */
export function asServer(ctx: DomainContext, software: string): DomainContext & { repo: ServerRepository } {
  const repo = ctx.repo.asServer({ onBehalfOf: ctx.principal, software });
  return { ...ctx, repo, principal: repo.acting.principal, access: repo.acting.access };
}

/** The same context on a repository bound to a transaction. */
export function inTransaction(ctx: DomainContext, repo: Repository): DomainContext {
  return { ...ctx, repo };
}
