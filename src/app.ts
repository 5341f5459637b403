/**
 * @module app
 * The composition root: config -> database -> store -> FHIR context -> Hono app. No globals: everything
 * a request needs is built here and passed down.
 */
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Config } from './config.js';
import { baseSearchParameters, loadDefinitions } from './fhir/definitions.js';
import { createSearchRegistry } from './fhir/search/registry.js';
import { createExtractor } from './fhir/search/extract.js';
import { checkRequiredBindings, warmUpBindings } from './fhir/terminology/bindings.js';
import { errors } from './fhir/error.js';
import { createPageTokenCodec } from './fhir/page-token.js';
import { createValidator, type Validator } from './fhir/validate.js';
import { errorResponse, toFhirError } from './http/error.js';
import { handleFhir } from './http/fhir-endpoint.js';
import { createFhirRouter } from './http/fhir/index.js';
import type { FhirContext } from './http/fhir/types.js';
import type { Logger } from './log.js';
import type { Db } from './store/db/db.js';
import { isMigrated, migrate } from './store/db/migrate.js';
import { createPgDb } from './store/db/pg.js';
import { createPgliteDb } from './store/db/pglite.js';
import { createPostgresStore } from './store/postgres-store.js';
import { serverKey } from './store/server-keys.js';
import { loadProfiles } from './profiles.js';

export interface Deps {
  config: Config;
  db: Db;
  log: Logger;
  fhir: FhirContext;
}

export async function openDb(config: Config): Promise<Db> {
  return config.database.kind === 'pg'
    ? createPgDb(config.database.url, config.database.poolSize)
    : createPgliteDb(config.database.dataDir);
}

/** Opens the database (or uses `db`), applies migrations and builds everything a request needs. */
export async function createDeps(config: Config, log: Logger, db?: Db): Promise<Deps> {
  const { resourceTypes, resourceTypeSet } = loadDefinitions();
  const database = db ?? (await openDb(config));
  const applied = await migrate(database);
  if (applied.length) log.info('migrations applied', { migrations: applied });
  warmUpBindings();
  const validator: Validator = createValidator({ profiles: await loadProfiles(), checks: [checkRequiredBindings] });
  const searchParams = createSearchRegistry(baseSearchParameters(), resourceTypes);
  const store = createPostgresStore(database, createExtractor(searchParams, { baseUrl: config.baseUrl }));
  const pageTokens = createPageTokenCodec(await serverKey(database, 'page-token'));
  const fhir: FhirContext = { config, store, validator, log, resourceTypes: resourceTypeSet, pageTokens, searchParams };
  return { config, db: database, log, fhir };
}

export function createApp(deps: Deps): Hono {
  const { config, log } = deps;
  const app = new Hono();
  const router = createFhirRouter();
  const base = config.basePath;

  app.onError((err, c) => errorResponse(c, toFhirError(err, log)));
  app.notFound((c) => errorResponse(c, errors.notFound(`Nothing at ${new URL(c.req.url).pathname}; the FHIR API is at ${base}`)));

  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    const ready = await isMigrated(deps.db).catch(() => false);
    return c.json({ status: ready ? 'ready' : 'not ready' }, ready ? 200 : 503);
  });

  const limit = bodyLimit({
    maxSize: config.maxBodyBytes,
    onError: () => {
      throw errors.tooLarge(`The request body is larger than ${config.maxBodyBytes} bytes (LOTS_MAX_BODY_BYTES)`);
    },
  });
  const fhir = (c: Parameters<typeof handleFhir>[0]) => handleFhir(c, deps.fhir, router);
  app.use(`${base}/*`, limit);
  app.use(base, limit);
  app.all(base, fhir);
  app.all(`${base}/*`, fhir);
  return app;
}
