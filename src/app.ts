/**
 * @module app
 * The composition root: config -> database -> store -> FHIR context -> Hono app. No globals: everything
 * a request needs is built here and passed down.
 */
import { randomBytes } from 'node:crypto';
import type { AuditEvent, SearchParameter } from '@medplum/fhirtypes';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { createAuditQueue, type AuditQueue } from './auth/audit-queue.js';
import { countClients, saveSecretClient } from './auth/clients.js';
import { UNRESTRICTED } from './auth/principal.js';
import { createTokenService, generateSigningKey, type TokenService } from './auth/tokens.js';
import type { Config } from './config.js';
import { baseSearchParameters, loadDefinitions } from './fhir/definitions.js';
import { errors } from './fhir/error.js';
import { createPageTokenCodec } from './fhir/page-token.js';
import { createExtractor } from './fhir/search/extract.js';
import { createSearchRegistry } from './fhir/search/registry.js';
import { checkRequiredBindings, warmUpBindings } from './fhir/terminology/bindings.js';
import { createValidator, type Validator } from './fhir/validate.js';
import { checkTriageRules } from './domain/triage/check-rules.js';
import { checkRulesAgainstForm } from './domain/triage/form-consistency.js';
import { mountAuthRoutes, authUrls } from './http/auth/routes.js';
import { smartConfiguration } from './http/auth/smart-configuration.js';
import { errorResponse, toFhirError } from './http/error.js';
import { handleFhir } from './http/fhir-endpoint.js';
import { createFhirRouter } from './http/fhir/index.js';
import type { FhirContext } from './http/fhir/types.js';
import { authenticate } from './http/middleware/authenticate/index.js';
import { corsMiddleware } from './http/middleware/cors.js';
import { requestLog } from './http/middleware/request-log.js';
import type { Logger } from './log.js';
import { loadProfileResources, profilesByUrl } from './profiles.js';
import type { Db } from './store/db/db.js';
import { isMigrated, migrate } from './store/db/migrate.js';
import { createPgDb } from './store/db/pg.js';
import { createPgliteDb } from './store/db/pglite.js';
import { createPostgresStore } from './store/postgres-store.js';
import { createReindexer, recordReindexJobs, type Reindexer } from './store/reindex.js';
import { createStatistics, type Statistics } from './store/statistics.js';
import { serverKey } from './store/server-keys.js';

export interface Deps {
  config: Config;
  db: Db;
  log: Logger;
  /** The FHIR context of the server itself (unrestricted); requests get their own from it. */
  fhir: FhirContext;
  tokens: TokenService;
  audit: AuditQueue;
  /** A system client created at this start because none existed: print its secret once. */
  createdClient?: { id: string; secret: string };
  /** Indexes run-time SearchParameters for existing resources, in the background. */
  reindexer: Reindexer;
  /** Keeps the planner's statistics fresh (ANALYZE after enough writes). */
  statistics: Statistics;
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
  const database = db ?? (await openDb(config));
  const applied = await migrate(database);
  if (applied.length) log.info('migrations applied', { migrations: applied });
  warmUpBindings();
  const conformance = await loadProfileResources();
  const validator: Validator = createValidator({ profiles: profilesByUrl(conformance), checks: [checkRequiredBindings, checkTriageRules] });
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
  const fhir: FhirContext = {
    config,
    store,
    validator,
    log,
    resourceTypes: resourceTypeSet,
    pageTokens,
    searchParams,
    principal: UNRESTRICTED,
    access: { kind: 'unrestricted' },
    audit,
    indexer,
    storedChecks: [checkRulesAgainstForm],
  };
  const tokens = await createTokenService({
    issuer: authUrls(config.baseUrl).issuer,
    audience: config.baseUrl,
    key: JSON.parse((await serverKey(database, 'token-signing', async () => Buffer.from(JSON.stringify(await generateSigningKey())))).toString('utf8')),
    ...(config.auth.oidc ? { oidc: config.auth.oidc } : {}),
  });
  const deps: Deps = {
    config,
    db: database,
    log,
    fhir,
    tokens,
    audit,
    reindexer,
    statistics,
    async close() {
      await reindexer.stop();
      await statistics.stop();
      await audit.close();
      await database.close();
    },
  };
  await bootstrapClient(deps);
  if (!config.auth.enabled) log.warn('LOTS_AUTH=off: every request is served without authentication or access control. For local hacking only.');
  return deps;
}

/** LOTS_BOOTSTRAP_CLIENT creates or updates a system client; without it, the first start makes one. */
async function bootstrapClient(deps: Deps): Promise<void> {
  const wanted = deps.config.auth.bootstrapClient;
  if (wanted) {
    await saveSecretClient(deps.db, wanted.id, wanted.secret, 'system/*.*');
    return;
  }
  if ((await countClients(deps.db)) > 0) return;
  const created = { id: 'lots-admin', secret: randomBytes(24).toString('base64url') };
  await saveSecretClient(deps.db, created.id, created.secret, 'system/*.*');
  deps.createdClient = created;
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
  app.onError((err, c) => errorResponse(c, toFhirError(err, log, c.get('requestId'))));
  app.notFound((c) => errorResponse(c, errors.notFound(`Nothing at ${new URL(c.req.url).pathname}; the FHIR API is at ${base}`)));

  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    const ready = await isMigrated(deps.db).catch(() => false);
    return c.json({ status: ready ? 'ready' : 'not ready' }, ready ? 200 : 503);
  });
  mountAuthRoutes(app, deps);
  app.get(`${base}/.well-known/smart-configuration`, (c) => c.json(smartConfiguration(config.baseUrl, config.auth.demoLogin)));

  const limit = bodyLimit({
    maxSize: config.maxBodyBytes,
    onError: () => {
      throw errors.tooLarge(`The request body is larger than ${config.maxBodyBytes} bytes (LOTS_MAX_BODY_BYTES)`);
    },
  });
  const auth = authenticate({ base: deps.fhir, tokens: deps.tokens, enabled: config.auth.enabled, open: ['/metadata'] });
  const fhir = (c: Parameters<typeof handleFhir>[0]) => handleFhir(c, c.get('fhir'), router);
  for (const path of [base, `${base}/*`]) {
    app.use(path, limit);
    app.use(path, auth);
    app.all(path, fhir);
  }
  return app;
}
