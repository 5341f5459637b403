/**
 * @module app
 * The composition root: config -> database -> store -> FHIR context -> Hono app. No globals: everything
 * a request needs is built here and passed down.
 */
import { randomBytes } from 'node:crypto';
import type { AuditEvent, Resource, SearchParameter, StructureDefinition } from '@medplum/fhirtypes';
import { Hono, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { createAuditQueue, type AuditQueue } from './auth/audit-queue.js';
import type { Lookup } from './auth/resolve-access.js';
import { clientRegistry, countClients, saveSecretClient, type ClientRegistry } from './auth/clients.js';
import type { SmartStore } from './auth/smart/store.js';
import type { Access } from './auth/policy.js';
import { UNRESTRICTED, type Principal } from './auth/principal.js';
import { createTokenService, generateSigningKey, type TokenService } from './auth/tokens.js';
import type { Config } from './config.js';
import { baseSearchParameters, loadDefinitions } from './fhir/definitions.js';
import { errors } from './fhir/error.js';
import { createPageTokenCodec } from './fhir/page-token.js';
import { createExtractor } from './fhir/search/extract.js';
import { createFilterMatcher } from './fhir/subscriptions/filter-match.js';
import { checkSearchParameterExpression } from './fhir/search/expression-check.js';
import { createSearchRegistry } from './fhir/search/registry.js';
import { checkRequiredBindings, warmUpBindings } from './fhir/terminology/bindings.js';
import { createValidator, type Validator } from './fhir/validate.js';
import { extensionDefinitions } from './fhir/validation/index.js';
import { checkResponseAgainstForm } from './domain/response-against-form.js';
import { checkSignedNote } from './domain/advice/signed-note-check.js';
import { checkTriageRules } from './domain/triage/check-rules.js';
import { createRepository, type RepositoryDeps } from './domain/repository.js';
import { loadGrowthReferences } from './domain/growth/load-references.js';
import { checkGrowthUnits } from './domain/growth/measures.js';
import { checkMonitoring } from './domain/monitoring/check-template.js';
import { startMissingChecks } from './domain/monitoring/missing-timer.js';
import { checkRulesAgainstForm } from './domain/triage/form-consistency.js';
import { checkSubscription } from './domain/subscriptions/check.js';
import { hideOthersSecrets, stampOwner } from './domain/subscriptions/owner.js';
import { startSubscriptionWorker, type SubscriptionWorker } from './domain/subscriptions/worker.js';
import { startExportWorker, type ExportWorker } from './domain/export/worker.js';
import { cancelExport, exportFile, exportStatus } from './http/export-status.js';
import { mountAuthRoutes, authUrls } from './http/auth/routes.js';
import { smartConfiguration } from './http/auth/smart-configuration.js';
import { appLogin } from './http/auth/urls.js';
import { errorResponse, toFhirError } from './http/error.js';
import { handleFhir } from './http/fhir-endpoint.js';
import { createFhirRouter } from './http/fhir/index.js';
import type { FhirContext } from './http/fhir/types.js';
import { authenticate } from './http/middleware/authenticate/index.js';
import { declaresBody, drainBody } from './http/middleware/drain-body/index.js';
import { rateLimit } from './http/middleware/rate-limit/index.js';
import { corsMiddleware } from './http/middleware/cors.js';
import { requestLog } from './http/middleware/request-log.js';
import type { Logger } from './log.js';
import { loadProfileResources, profilesByUrl } from './profiles.js';
import { isDatabaseUnavailable, type Db } from './store/db/db.js';
import { isMigrated, migrate } from './store/db/migrate.js';
import { createPgDb } from './store/db/pg.js';
import { createPgliteDb } from './store/db/pglite.js';
import { createPostgresStore } from './store/postgres-store.js';
import { createSubscriptionQueue } from './store/subscription-queue.js';
import { createExportJobs } from './store/export-jobs.js';
import { createReindexer, recordReindexJobs, type Reindexer } from './store/reindex.js';
import { createStatistics, type Statistics } from './store/statistics.js';
import { serverKey } from './store/server-keys.js';
import { createSmartGrantStore } from './store/smart-grants.js';
import type { FhirStore } from './store/store.js';
import { storedStructureDefinitions } from './store/conformance.js';

export interface Deps {
  config: Config;
  db: Db;
  log: Logger;
  /** The FHIR context of the server itself (unrestricted); requests get their own from `contextFor`. */
  fhir: FhirContext;
  /** The context of one caller: their principal, what they may reach, and the door built for them. */
  contextFor(principal: Principal, access: Access): FhirContext;
  /** What working out a caller's access reads (as the server, not logged: it decides, nobody is shown it). */
  lookup: Lookup;
  /** The store itself, for the composition root's own parts (login lookups, import, tests); requests use `ctx.repo`. */
  store: FhirStore;
  tokens: TokenService;
  audit: AuditQueue;
  /** OAuth client registration, as the token issuer reads it. */
  clients: ClientRegistry;
  /** SMART App Launch's grants, codes, refresh tokens and launch values. */
  smart: SmartStore;
  /** A system client created at this start because none existed: print its secret once. */
  createdClient?: { id: string; secret: string };
  /** Indexes run-time SearchParameters for existing resources, in the background. */
  reindexer: Reindexer;
  /** Keeps the planner's statistics fresh (ANALYZE after enough writes). */
  statistics: Statistics;
  /** Delivers subscriptions (the outbox fan-out and the rest-hook deliveries of this process). */
  subscriptions: SubscriptionWorker;
  /** Runs Bulk Data export jobs in the background of this process. */
  exports: ExportWorker;
  /** Flushes the audit queue and closes the database. */
  close(): Promise<void>;
}

/** Opens the configured database; `command` names the holder of an embedded data directory's lock. */
export async function openDb(config: Config, command?: string): Promise<Db> {
  return config.database.kind === 'pg' ? createPgDb(config.database.url, config.database.poolSize) : createPgliteDb(config.database.dataDir, command);
}

/** Opens the database (or uses `db`), applies migrations and builds everything a request needs. */
export async function createDeps(config: Config, log: Logger, db?: Db): Promise<Deps> {
  const { resourceTypes, resourceTypeSet } = loadDefinitions();
  // Before the database opens: a wrong reference file stops the start with one line naming it.
  const growth = await loadGrowthReferences(config.growth.referencesDir).catch((err: Error) => {
    throw new Error(`growth references (LOTS_GROWTH_REFERENCES=${config.growth.referencesDir}): ${err.message}`);
  });
  const database = db ?? (await openDb(config));
  const applied = await migrate(database);
  if (applied.length) log.info('migrations applied', { migrations: applied });
  warmUpBindings();
  const conformance = await loadProfileResources();
  // StructureDefinitions written through the API count from the next start; profiles/ wins on a clash.
  // A stored profile is only usable with a snapshot (@medplum/core validates against the snapshot).
  const stored = await storedStructureDefinitions(database);
  const definitions = [...stored, ...conformance.filter((r): r is StructureDefinition => r.resourceType === 'StructureDefinition')];
  const validator: Validator = createValidator({
    profiles: profilesByUrl([...stored.filter((sd) => sd.snapshot?.element?.length), ...conformance]),
    checks: [checkRequiredBindings, checkTriageRules, checkGrowthUnits, checkMonitoring, checkSearchParameterExpression],
    extensions: extensionDefinitions(definitions),
  });
  const searchParams = createSearchRegistry([...baseSearchParameters(), ...conformance.filter((r): r is SearchParameter => r.resourceType === 'SearchParameter')], resourceTypes);
  const indexer = createExtractor(searchParams, { baseUrl: config.baseUrl });
  // A SearchParameter written through the API indexes new writes at once and existing ones in the background.
  const statistics = createStatistics(database, log);
  const store = createPostgresStore(database, indexer, {
    searchParameters: (tx, params) => recordReindexJobs(tx, params, (sp) => searchParams.add(sp, 'pending')),
    written: (n) => statistics.noteWrites(n),
  });
  statistics.start();
  const reindexer = createReindexer({ db: database, registry: searchParams, indexer, log });
  await reindexer.sync();
  reindexer.start();
  const pageTokens = createPageTokenCodec(await serverKey(database, 'page-token'));
  const audit = createAuditQueue((events: AuditEvent[]) => store.createMany(events).then(() => undefined), log);
  const repoDeps: RepositoryDeps = { store, config, validator, searchParams, resourceTypes: resourceTypeSet, audit, indexer, storedChecks: [checkRulesAgainstForm, checkResponseAgainstForm, checkSubscription, checkSignedNote], stamps: [stampOwner], redactions: [hideOthersSecrets] };
  const subscriptionQueue = createSubscriptionQueue(database);
  const exportJobs = createExportJobs(database);
  const contextFor = (principal: Principal, access: Access): FhirContext => ({
    config,
    repo: createRepository(repoDeps, { principal, access }),
    validator,
    log,
    resourceTypes: resourceTypeSet,
    pageTokens,
    subscriptions: subscriptionQueue,
    exports: exportJobs,
    searchParams,
    principal,
    access,
    audit,
    growth,
  });
  const fhir = contextFor(UNRESTRICTED, { kind: 'unrestricted' });
  const server = fhir.repo.asServer({ onBehalfOf: UNRESTRICTED, software: 'lots-auth' });
  const lookup: Lookup = { find: <T extends Resource>(type: string, params: [string, string][], count?: number) => server.find<T>(type as T['resourceType'], params, count) };
  const tokens = await createTokenService({
    issuer: authUrls(config.baseUrl).issuer,
    audience: config.baseUrl,
    key: JSON.parse((await serverKey(database, 'token-signing', async () => Buffer.from(JSON.stringify(await generateSigningKey())))).toString('utf8')),
    ...(config.auth.oidc ? { oidc: config.auth.oidc } : {}),
  });
  const missingChecks = startMissingChecks(fhir, config.monitoring, log);
  const subscriptions = startSubscriptionWorker({
    queue: subscriptionQueue,
    server: fhir.repo.asServer({ onBehalfOf: UNRESTRICTED, software: 'lots-subscriptions' }),
    repoFor: (owner) => createRepository(repoDeps, { principal: owner.principal, access: owner.access, software: 'lots-subscriptions' }),
    log,
    options: { ...config.subscriptions, baseUrl: config.baseUrl },
    match: createFilterMatcher(searchParams, indexer),
  });
  const exports = startExportWorker({
    jobs: exportJobs,
    repoFor: (principal, access) => createRepository(repoDeps, { principal, access }),
    log,
    options: { pollMs: config.exports.pollMs, pageSize: config.exports.pageSize, fileBytes: config.exports.fileBytes, leaseSeconds: 60 },
  });
  const deps: Deps = {
    config,
    db: database,
    log,
    fhir,
    contextFor,
    lookup,
    store,
    tokens,
    audit,
    clients: clientRegistry(database),
    smart: createSmartGrantStore(database),
    reindexer,
    statistics,
    subscriptions,
    exports,
    async close() {
      await exports.stop();
      await subscriptions.stop();
      await missingChecks.stop();
      await reindexer.stop();
      await statistics.stop();
      await audit.close();
      await database.close();
    },
  };
  const created = await bootstrapClient(config, database);
  if (created) deps.createdClient = created;
  if (!config.auth.enabled) log.warn('LOTS_AUTH=off: every request is served without authentication or access control. For local hacking only.');
  return deps;
}

/**
 * What must happen once before several processes serve one database (LOTS_WORKERS): migrations, and the
 * first system client, which two processes starting together would otherwise both create.
 */
export async function prepareDatabase(config: Config, log: Logger, db: Db): Promise<{ createdClient?: { id: string; secret: string } }> {
  const applied = await migrate(db);
  if (applied.length) log.info('migrations applied', { migrations: applied });
  const created = await bootstrapClient(config, db);
  return created ? { createdClient: created } : {};
}

/** LOTS_BOOTSTRAP_CLIENT creates or updates a system client; without it, the first start makes one. */
async function bootstrapClient(config: Config, db: Db): Promise<{ id: string; secret: string } | undefined> {
  const wanted = config.auth.bootstrapClient;
  if (wanted) {
    await saveSecretClient(db, wanted.id, wanted.secret, 'system/*.*');
    return undefined;
  }
  if ((await countClients(db)) > 0) return undefined;
  const created = { id: 'lots-admin', secret: randomBytes(24).toString('base64url') };
  await saveSecretClient(db, created.id, created.secret, 'system/*.*');
  return created;
}

export function createApp(deps: Deps): Hono {
  const { config, log } = deps;
  const app = new Hono();
  const router = createFhirRouter();
  const base = config.basePath;

  // First: every request gets an id and a log line; CORS answers preflights before any authentication.
  app.use('*', requestLog(log, base));
  const cors = corsMiddleware(config.corsOrigins);
  if (cors) app.use('*', cors);
  app.onError((err, c) => errorResponse(c, toFhirError(err, log, c.get('requestId'), isDatabaseUnavailable)));
  app.notFound((c) => errorResponse(c, errors.notFound(`Nothing at ${new URL(c.req.url).pathname}; the FHIR API is at ${base}`)));
  app.use('*', drainBody({ maxBytes: config.maxBodyBytes }));

  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    const ready = await isMigrated(deps.db).catch(() => false);
    return c.json({ status: ready ? 'ready' : 'not ready' }, ready ? 200 : 503, ready ? {} : { 'Retry-After': '5' });
  });
  const loginLimit = rateLimit(config.auth.loginRate);
  app.use('/auth/token', loginLimit);
  app.use('/auth/demo/token', loginLimit);
  for (const path of ['/auth/authorize/login', '/auth/introspect', '/auth/revoke']) app.use(path, loginLimit);
  mountAuthRoutes(app, deps);
  app.get(`${base}/.well-known/smart-configuration`, (c) => c.json(smartConfiguration(config.baseUrl, { demo: config.auth.demoLogin, apps: appLogin(config) })));

  const limitBody = bodyLimit({
    maxSize: config.maxBodyBytes,
    onError: () => {
      throw errors.tooLarge(`The request body is larger than ${config.maxBodyBytes} bytes (LOTS_MAX_BODY_BYTES)`);
    },
  });
  const limit: MiddlewareHandler = (c, next) => (declaresBody(c) ? limitBody(c, next) : next());
  const auth = authenticate({ base: deps.fhir, contextFor: deps.contextFor, lookup: deps.lookup, tokens: deps.tokens, enabled: config.auth.enabled, open: ['/metadata'], revoked: (id) => deps.smart.isRevoked(id) });
  const fhir = (c: Parameters<typeof handleFhir>[0]) => handleFhir(c, c.get('fhir'), router);
  for (const path of [base, `${base}/*`]) {
    app.use(path, limit);
    app.use(path, auth);
  }
  // Bulk Data export status and files: behind the same authentication, outside the FHIR route table.
  app.get(`${base}/bulkstatus/:id`, (c) => exportStatus(c, c.get('fhir')));
  app.delete(`${base}/bulkstatus/:id`, (c) => cancelExport(c, c.get('fhir')));
  app.get(`${base}/bulkstatus/:id/:file`, (c) => exportFile(c, c.get('fhir')));
  for (const path of [base, `${base}/*`]) app.all(path, fhir);
  return app;
}
