/**
 * Postgres goes away while requests run: a cluster of its own (port, data folder) is stopped with a
 * fast shutdown and started again under load. Lots must answer 503 with Retry-After (never a 500 or a
 * hang), say not ready on /readyz, recover by itself, and report no write as failed that was stored
 * unless it was in doubt (the connection dropped during COMMIT; counted and printed).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Hono } from 'hono';
import { createApp, createDeps, type Deps } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { silentLogger } from '../../src/log.js';
import { createPgDb } from '../../src/store/db/pg.js';
import { createCluster, type Cluster } from './support/cluster.js';
import { record } from './support/table.js';

const BASE = 'http://localhost:8080/fhir';
let cluster: Cluster;
let deps: Deps;
let app: Hono;
let token: string;

beforeAll(async () => {
  cluster = await createCluster();
  const config = loadConfig({ BASE_URL: BASE, LOG_LEVEL: 'silent', DATABASE_URL: cluster.url });
  deps = await createDeps(config, silentLogger, createPgDb(cluster.url, 5));
  app = createApp(deps);
  token = await deps.tokens.issue({ sub: 'chaos', scope: 'system/*.*', client_id: 'chaos', lots_kind: 'system' }, 3600);
});

afterAll(async () => {
  await deps?.close().catch(() => undefined);
  await cluster?.destroy();
});

interface Answer {
  status: number;
  retryAfter: string | null;
  ms: number;
}

/** One request, bounded: more than 15 s counts as a hang (status 0). */
async function send(method: string, path: string, body?: unknown): Promise<Answer> {
  const started = Date.now();
  const res = await Promise.race([
    app.request(`http://localhost:8080${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/fhir+json' },
      ...(body ? { body: JSON.stringify(body) } : {}),
    }),
    new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 15_000)),
  ]);
  if (!res) return { status: 0, retryAfter: null, ms: Date.now() - started };
  await res.arrayBuffer();
  return { status: res.status, retryAfter: res.headers.get('retry-after'), ms: Date.now() - started };
}

it('answers 503 with Retry-After while Postgres restarts, and recovers by itself', async () => {
  expect((await send('POST', '/fhir/Patient', { resourceType: 'Patient', id: 'x' })).status).toBe(201);
  const answers: Answer[] = [];
  const writes: { value: string; status: number }[] = [];
  let running = true;
  let n = 0;
  const load = async () => {
    while (running) {
      const value = `chaos-${n++}`;
      const w = await send('POST', '/fhir/Patient', { resourceType: 'Patient', identifier: [{ system: 'urn:chaos', value }] });
      writes.push({ value, status: w.status });
      answers.push(w, await send('GET', '/fhir/Patient?identifier=urn:chaos|chaos-1'));
    }
  };
  const loops = [load(), load()];
  await new Promise((r) => setTimeout(r, 1000));
  await cluster.stop();
  const downReady = await send('GET', '/readyz');
  const downRead = await send('GET', '/fhir/Patient?_count=1');
  await new Promise((r) => setTimeout(r, 2000));
  await cluster.start();
  const restarted = Date.now();
  let recoveredAfter = -1;
  while (Date.now() - restarted < 30_000) {
    const ready = await send('GET', '/readyz');
    const read = await send('GET', '/fhir/Patient?_count=1');
    if (ready.status === 200 && read.status === 200) {
      recoveredAfter = Date.now() - restarted;
      break;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  await new Promise((r) => setTimeout(r, 1000));
  running = false;
  await Promise.all(loops);

  const byStatus = answers.reduce<Record<number, number>>((acc, a) => ((acc[a.status] = (acc[a.status] ?? 0) + 1), acc), {});
  const unavailable = answers.filter((a) => a.status === 503);
  // Every write answered 201 is stored; a write answered 503 is stored only when the COMMIT was in doubt.
  let lost = 0;
  let inDoubt = 0;
  for (const w of writes) {
    const found = await app.request(`http://localhost:8080/fhir/Patient?identifier=urn:chaos|${w.value}&_summary=count`, { headers: { authorization: `Bearer ${token}` } });
    const total = ((await found.json()) as { total: number }).total;
    if (w.status === 201 && total !== 1) lost++;
    if (w.status !== 201 && total > 0) inDoubt++;
  }
  record({
    scenario: 'Postgres restart under load',
    checked: 'no 5xx but 503+Retry-After, no hang, /readyz 503 while down, self-recovery, 201 writes kept',
    result: `${answers.length} requests ${JSON.stringify(byStatus)}; recovered ${recoveredAfter} ms after start; lost ${lost}; in doubt ${inDoubt}`,
  });
  expect(downReady.status).toBe(503);
  expect(downRead).toMatchObject({ status: 503, retryAfter: '5' });
  expect(Object.keys(byStatus).map(Number).filter((s) => ![200, 201, 503].includes(s))).toEqual([]);
  expect(unavailable.every((a) => a.retryAfter === '5')).toBe(true);
  expect(recoveredAfter).toBeGreaterThanOrEqual(0);
  expect(lost).toBe(0);
});
