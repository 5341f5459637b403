/**
 * The `lots` command as an operator runs it: `serve` and `migrate` in a child process, through tsx as
 * `npm start` does. Also measures (printed, not asserted) the start time and 1,000 creates + reads.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isMigrated, loadMigrations, migrate } from '../../src/store/db/migrate.js';
import { createPgliteDb } from '../../src/store/db/pglite.js';
import { createTestDb } from '../support/test-app.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const driver = process.env.LOTS_TEST_DATABASE_URL ? 'pg' : 'pglite';

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'lots-startup-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The environment of a child `lots`: only what the test sets, so the developer's own settings do not leak in. */
function lotsEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const { PATH, HOME, TMPDIR } = process.env;
  return { PATH, HOME, TMPDIR, LOG_LEVEL: 'warn', ...env };
}

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function lots(args: string[], env: Record<string, string>): { child: ChildProcess; done: Promise<Run>; output: { stdout: string; stderr: string } } {
  // As `npm start` runs it: node with tsx's loader, no tsx CLI in between to relay signals.
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], { cwd: ROOT, env: lotsEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  const output = { stdout: '', stderr: '' };
  child.stdout!.on('data', (d: Buffer) => (output.stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output.stderr += d.toString()));
  const done = new Promise<Run>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, ...output })));
  return { child, done, output };
}

interface Served {
  base: string;
  pid: number;
  startupMs: number;
  /** What the server itself reports as its start time. */
  reportedMs: number;
  line: string;
  /** The system client a first start creates and prints once. */
  client?: { id: string; secret: string };
  stop(): Promise<Run>;
}

/** An access token for the client, by client_credentials at the server's token endpoint. */
async function accessToken(server: Served): Promise<string> {
  expect(server.client).toBeDefined();
  const { id, secret } = server.client!;
  const res = await fetch(server.base.replace(/\/fhir$/, '/auth/token'), {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials',
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { access_token: string }).access_token;
}

/** Starts `lots serve` and waits for its "serving" line. */
async function serve(env: Record<string, string>): Promise<Served> {
  const port = await freePort();
  const started = performance.now();
  const run = lots(['serve'], { PORT: String(port), ...env });
  let exited = false;
  void run.done.then(() => (exited = true));
  cleanups.push(async () => {
    if (!exited) run.child.kill('SIGKILL');
  });
  const deadline = Date.now() + 60_000;
  while (!/serving/.test(run.output.stdout)) {
    if (exited) throw new Error(`lots serve exited before serving: ${run.output.stderr}`);
    if (Date.now() > deadline) throw new Error(`lots serve did not start in 60 s: ${run.output.stderr}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  const startupMs = performance.now() - started;
  const line = run.output.stdout.split('\n').find((l) => /serving/.test(l))!;
  const created = /Created the system client "([^"]+)" with secret (\S+)/.exec(run.output.stdout);
  return {
    base: `http://localhost:${port}/fhir`,
    pid: run.child.pid!,
    ...(created ? { client: { id: created[1]!, secret: created[2]! } } : {}),
    startupMs,
    reportedMs: Number(/ready in (\d+) ms/.exec(line)?.[1]),
    line,
    stop: async () => {
      run.child.kill('SIGTERM');
      return run.done;
    },
  };
}

/** A fresh database on the PostgreSQL server (pg run only). */
async function freshPgUrl(): Promise<{ url: string; query: (sql: string) => Promise<any[]> }> {
  const { db, url, drop } = await createTestDb();
  cleanups.push(drop);
  return { url: url!, query: (sql) => db.query(sql) };
}

describe('lots serve', () => {
  it('starts on embedded PGlite in LOTS_DATA_DIR, serves /fhir/metadata, and exits 0 on SIGTERM', async () => {
    const dataDir = await tempDir();
    const server = await serve({ LOTS_DATA_DIR: dataDir });
    expect(server.line).toMatch(/^Lots is serving FHIR R4 at http:\/\/localhost:\d+\/fhir \(embedded PGlite in .+\), ready in \d+ ms$/);
    console.log(`[startup] lots serve on PGlite (fresh data dir): serving after ${Math.round(server.startupMs)} ms from spawn (server reports ${server.reportedMs} ms)`);

    const metadata = await fetch(`${server.base}/metadata`);
    expect(metadata.status).toBe(200);
    expect(metadata.headers.get('content-type')).toMatch(/^application\/fhir\+json/);
    const cs = (await metadata.json()) as { resourceType: string; fhirVersion: string };
    expect(cs.resourceType).toBe('CapabilityStatement');
    expect(cs.fhirVersion).toBe('4.0.1');
    expect((await fetch(server.base.replace('/fhir', '/readyz'))).status).toBe(200);

    const exit = await server.stop();
    expect(exit.code).toBe(0);
    expect(exit.stderr).not.toMatch(/"level":"error"/);
    expect(await readdir(dataDir)).toContain('PG_VERSION');

    // A second start on the same data finds the schema in place and the data kept.
    const again = await serve({ LOTS_DATA_DIR: dataDir });
    console.log(`[startup] lots serve on PGlite (existing data dir): serving after ${Math.round(again.startupMs)} ms from spawn (server reports ${again.reportedMs} ms)`);
    expect((await fetch(`${again.base}/metadata`)).status).toBe(200);
    expect((await again.stop()).code).toBe(0);
  });

  it(`creates and reads 1,000 Patients one by one over HTTP (${driver}), and stops cleanly`, { timeout: 300_000 }, async () => {
    const env: Record<string, string> = driver === 'pg' ? { DATABASE_URL: (await freshPgUrl()).url } : { LOTS_DATA_DIR: await tempDir() };
    const server = await serve(env);
    console.log(`[startup] lots serve on ${driver}: serving after ${Math.round(server.startupMs)} ms from spawn (server reports ${server.reportedMs} ms)`);
    const authorization = `Bearer ${await accessToken(server)}`;
    const headers = { 'content-type': 'application/fhir+json', authorization };
    const ids: string[] = [];
    const t0 = performance.now();
    for (let i = 0; i < 1000; i++) {
      const body = JSON.stringify({ resourceType: 'Patient', name: [{ family: `Mätning${i}`, given: ['Test'] }], gender: i % 2 ? 'male' : 'female', birthDate: '1970-01-01' });
      const res = await fetch(`${server.base}/Patient`, { method: 'POST', headers, body });
      expect(res.status).toBe(201);
      ids.push(((await res.json()) as { id: string }).id);
    }
    const t1 = performance.now();
    for (const [i, id] of ids.entries()) {
      const res = await fetch(`${server.base}/Patient/${id}`, { headers: { authorization } });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { name: { family: string }[] }).name[0]!.family).toBe(`Mätning${i}`);
    }
    const t2 = performance.now();
    console.log(
      `[startup] ${driver}: 1,000 creates one by one in ${Math.round(t1 - t0)} ms (${((t1 - t0) / 1000).toFixed(2)} ms each), ` +
        `1,000 reads in ${Math.round(t2 - t1)} ms (${((t2 - t1) / 1000).toFixed(2)} ms each)`,
    );
    expect(new Set(ids).size).toBe(1000);
    expect((await server.stop()).code).toBe(0);
  });

  it.each([
    ['PORT', 'notaport'],
    ['PORT', '70000'],
    ['DATABASE_URL', 'mysql://x'],
    ['LOG_LEVEL', 'loud'],
    ['BASE_URL', 'not a url'],
    ['LOTS_WORKERS', '0'],
    // The embedded database is one process's: several would corrupt it.
    ['LOTS_WORKERS', '2'],
  ])('refuses a bad %s (%s): non-zero exit, one line on stderr naming it', async (name, value) => {
    const run = await lots(['serve'], { [name]: value, LOTS_DATA_DIR: await tempDir() }).done;
    expect(run.code).not.toBe(0);
    expect(run.code).not.toBeNull();
    const lines = run.stderr.split('\n').filter((l) => l.trim() !== '');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(name);
    expect(run.stdout).toBe('');
  });

  if (driver === 'pg') {
    it('serves from LOTS_WORKERS processes on one port, replaces one that dies, and stops them all on SIGTERM', { timeout: 120_000 }, async () => {
      const server = await serve({ DATABASE_URL: (await freshPgUrl()).url, LOTS_WORKERS: '2' });
      expect(server.line).toMatch(/in 2 processes/);
      const workers = () => readFileSync(`/proc/${server.pid}/task/${server.pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
      const first = workers();
      expect(first).toHaveLength(2);
      // The system client is made once, by the primary, however many processes start.
      const authorization = `Bearer ${await accessToken(server)}`;
      const created = await fetch(`${server.base}/Patient`, { method: 'POST', headers: { authorization, 'content-type': 'application/fhir+json' }, body: JSON.stringify({ resourceType: 'Patient', gender: 'female' }) });
      expect(created.status).toBe(201);
      const { id } = (await created.json()) as { id: string };

      process.kill(first[0]!, 'SIGKILL');
      const deadline = Date.now() + 30_000;
      while (!(workers().length === 2 && !workers().includes(first[0]!))) {
        expect(Date.now()).toBeLessThan(deadline);
        await new Promise((r) => setTimeout(r, 100));
      }
      // Every process answers: the one left and the new one.
      for (let i = 0; i < 10; i++) expect((await fetch(`${server.base}/Patient/${id}`, { headers: { authorization } })).status).toBe(200);

      // The primary exits 0 only once every worker has exited.
      const exit = await server.stop();
      expect(exit.code).toBe(0);
      expect(exit.stdout.match(/Created the system client/g)).toHaveLength(1);
    });
  }

  it('does not echo the value of a bad DATABASE_URL (it may hold a password)', async () => {
    const run = await lots(['serve'], { DATABASE_URL: 'mysql://admin:s3cret@db/x' }).done;
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('DATABASE_URL');
    expect(run.stderr).not.toContain('s3cret');
  });

  it('exits non-zero with one line when the port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, resolve));
    cleanups.push(() => new Promise((resolve) => blocker.close(resolve)));
    const { port } = blocker.address() as { port: number };
    const run = await lots(['serve'], { PORT: String(port), LOTS_DATA_DIR: await tempDir() }).done;
    expect(run.code).not.toBe(0);
    const lines = run.stderr.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('{'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/EADDRINUSE|in use/);
  });
});

describe('lots migrate', () => {
  it(`applies each migration exactly once when run twice (${driver === 'pg' ? 'concurrently on the PostgreSQL server' : 'one after the other on one PGlite data dir'})`, { timeout: 120_000 }, async () => {
    const migrations = (await loadMigrations()).map((m) => m.version);
    let rows: { version: number }[];
    let runs: Run[];
    if (driver === 'pg') {
      const { url, query } = await freshPgUrl();
      runs = await Promise.all([lots(['migrate'], { DATABASE_URL: url }).done, lots(['migrate'], { DATABASE_URL: url }).done]);
      rows = await query('select version from schema_migration order by version');
    } else {
      const dataDir = await tempDir();
      runs = [];
      for (let i = 0; i < 2; i++) runs.push(await lots(['migrate'], { LOTS_DATA_DIR: dataDir }).done);
      const db = await createPgliteDb(dataDir);
      rows = await db.query('select version from schema_migration order by version');
      await db.close();
    }
    for (const run of runs) {
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toBe('');
    }
    // One of them applied everything, the other found nothing to do.
    expect(runs.map((r) => r.stdout.trim()).sort()).toEqual([`Applied ${(await loadMigrations()).map((m) => m.name).join(', ')}`, 'Database is up to date'].sort());
    expect(rows.map((r) => Number(r.version))).toEqual(migrations);
  });

  it(`serialises migrate() calls in one process (${driver === 'pg' ? '5 at once on a pool' : 'twice on one PGlite instance'})`, async () => {
    const { db, drop } = await createTestDb();
    cleanups.push(drop);
    const names = (await loadMigrations()).map((m) => m.name);
    const results = driver === 'pg' ? await Promise.all(Array.from({ length: 5 }, () => migrate(db))) : [await migrate(db), await migrate(db)];
    expect(results.filter((r) => r.length > 0)).toEqual([names]);
    const rows = await db.query<{ version: number; n: string }>('select version, count(*)::text as n from schema_migration group by version order by version');
    expect(rows.map((r) => [Number(r.version), r.n])).toEqual(names.map((n) => [Number(n.slice(0, 4)), '1']));
    expect(await isMigrated(db)).toBe(true);
  });
});
