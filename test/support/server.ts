/**
 * A Lots server listening on a real TCP port, for tests that use an HTTP client library unchanged. Built
 * like `src/main.ts` builds it (`createDeps`, `createApp`, `serve`), on a fresh test database.
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Hono } from 'hono';
import { createApp, createDeps, type Deps } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createLogger, silentLogger } from '../../src/log.js';
import { createTestDb } from './test-app.js';

export interface TestServer {
  /** The FHIR base, e.g. `http://127.0.0.1:40123/fhir`. */
  baseUrl: string;
  driver: 'pg' | 'pglite';
  /** The server's parts, for setting up what the API does not do (registering apps). */
  deps: Deps;
  /** An access token for a system client (system/*.*), fetched from `/auth/token` with client_credentials. */
  token(): Promise<string>;
  close(): Promise<void>;
}

export async function startTestServer(env: Record<string, string> = {}): Promise<TestServer> {
  // Listen first (port 0: the OS picks a free one), so BASE_URL can name the real port without a race.
  // `env` carries the socket, as in main.ts, so the app sees the client's address.
  let app: Hono | undefined;
  const server = serve({ fetch: (req, env) => (app ? app.fetch(req, env) : new Response('starting', { status: 503 })), port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  const { db, drop } = await createTestDb();
  const baseUrl = `http://127.0.0.1:${port}/fhir`;
  const client = { id: 'lots-test-client', secret: randomBytes(18).toString('base64url') };
  const config = loadConfig({ BASE_URL: baseUrl, PORT: String(port), LOG_LEVEL: 'silent', LOTS_BOOTSTRAP_CLIENT: `${client.id}:${client.secret}`, ...env });
  const deps = await createDeps(config, process.env.LOTS_TEST_LOG ? createLogger('debug') : silentLogger, db);
  app = createApp(deps);
  return {
    baseUrl,
    driver: db.driver,
    deps,
    async token() {
      const res = await fetch(`http://127.0.0.1:${port}/auth/token`, {
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from(`${client.id}:${client.secret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials',
      });
      if (res.status !== 200) throw new Error(`The token endpoint answered ${res.status}: ${await res.text()}`);
      return ((await res.json()) as { access_token: string }).access_token;
    },
    async close() {
      await new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        // Keep-alive connections of the client would hold the server open.
        if ('closeAllConnections' in server) server.closeAllConnections();
      });
      await deps.reindexer.stop();
      await deps.statistics.stop();
      await deps.audit.close();
      await drop();
    },
  };
}
