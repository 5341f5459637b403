/**
 * A Lots app on a fresh database for one test file: in-memory PGlite by default, or a new database on
 * the Postgres server named by LOTS_TEST_DATABASE_URL (created here and dropped in `close`).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Hono } from 'hono';
import { createApp, createDeps, type Deps } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createLogger, silentLogger, type Logger } from '../../src/log.js';
import type { Db } from '../../src/store/db/db.js';
import { createPgDb } from '../../src/store/db/pg.js';
import { createPgliteDb } from '../../src/store/db/pglite.js';

export const BASE = 'http://localhost:8080/fhir';

export interface TestResponse {
  status: number;
  headers: Headers;
  text: string;
  /** Tests read arbitrary FHIR JSON; a loose type keeps assertions short. */
  body: any;
}

export interface TestApp {
  app: Hono;
  deps: Deps;
  driver: 'pg' | 'pglite';
  /**
   * Sends a request through the app (no socket). It carries a system token (system/*.*) unless
   * `token` names another (`null` sends none) or headers set Authorization.
   */
  request(method: string, path: string, init?: { body?: unknown; headers?: Record<string, string>; token?: string | null }): Promise<TestResponse>;
  /** A system token with the given scope. */
  systemToken(scope?: string): Promise<string>;
  /** A citizen's token from the demo login (as BankID would give). */
  citizenToken(personnummer: string): Promise<string>;
  /** A staff member's token from the demo login (as SITHS would give); units are Organization ids. */
  staffToken(hsaId: string, units: string[], roles: string[]): Promise<string>;
  close(): Promise<void>;
}

/** A fresh database: in-memory PGlite, or a new database on LOTS_TEST_DATABASE_URL (then `url` names it). */
export async function createTestDb(poolSize = 20): Promise<{ db: Db; url?: string; drop: () => Promise<void> }> {
  const serverUrl = process.env.LOTS_TEST_DATABASE_URL;
  if (!serverUrl) {
    const db = await createPgliteDb();
    return { db, drop: () => db.close() };
  }
  const name = `lots_test_${Date.now()}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const db = createPgDb(url.toString(), poolSize);
  return {
    db,
    url: url.toString(),
    drop: async () => {
      await db.close();
      const c = new pg.Client({ connectionString: serverUrl });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

/**
 * `poolSize` (Postgres server only): connections in the app's pool. One connection lets a test ask that
 * connection about the statements the app prepared on it. `log` receives the app's log (the request
 * log included) instead of silence.
 */
export async function createTestApp(env: Record<string, string> = {}, options: { poolSize?: number; log?: Logger } = {}): Promise<TestApp> {
  const { db, drop } = await createTestDb(options.poolSize);
  const config = loadConfig({ BASE_URL: BASE, LOG_LEVEL: 'silent', ...env });
  const deps = await createDeps(config, options.log ?? (process.env.LOTS_TEST_LOG ? createLogger('debug') : silentLogger), db);
  const app = createApp(deps);
  const systemToken = (scope = 'system/*.*') => deps.tokens.issue({ sub: 'test', scope, client_id: 'test', lots_kind: 'system' }, 3600);
  const defaultToken = await systemToken();
  const demo = async (form: URLSearchParams) => {
    const res = await app.request('http://localhost:8080/auth/demo/token', { method: 'POST', body: form.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    if (res.status !== 200) throw new Error(`demo login failed: ${res.status} ${await res.text()}`);
    return ((await res.json()) as { access_token: string }).access_token;
  };
  return {
    app,
    deps,
    driver: db.driver,
    systemToken,
    citizenToken: (personnummer) => demo(new URLSearchParams({ personnummer })),
    staffToken: (hsaId, units, roles) => demo(new URLSearchParams([['hsa_id', hsaId], ...units.map((u) => ['unit', u]), ...roles.map((r) => ['role', r])])),
    async request(method, path, init = {}) {
      const headers: Record<string, string> = { ...init.headers };
      const token = init.token === undefined ? defaultToken : init.token;
      if (token !== null && !Object.keys(headers).some((h) => h.toLowerCase() === 'authorization')) headers.authorization = `Bearer ${token}`;
      let body: string | undefined;
      if (init.body !== undefined) {
        body = typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
        headers['content-type'] ??= 'application/fhir+json';
      }
      const url = path.startsWith('http') ? path : `http://localhost:8080${path.startsWith('/') ? '' : '/fhir/'}${path}`;
      const res = await app.request(url, { method, headers, body });
      const text = await res.text();
      let parsed: unknown;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        parsed = undefined;
      }
      return { status: res.status, headers: res.headers, text, body: parsed };
    },
    async close() {
      await deps.exports.stop();
      await deps.subscriptions.stop();
      await deps.reindexer.stop();
      await deps.statistics.stop();
      await deps.audit.close();
      await drop();
    },
  };
}
