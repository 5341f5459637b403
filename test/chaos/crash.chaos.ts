/**
 * SIGKILL mid-write: the server process is killed while a 5,000-entry transaction runs. After a
 * restart the transaction is all there or not at all: resources and search-index rows agree (counts before/after), and the write's AuditEvents are there exactly when its resources are.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createCluster, type Cluster } from './support/cluster.js';
import { startLots, type LotsProcess } from './support/lots-process.js';
import { record } from './support/table.js';

let cluster: Cluster;
let db: pg.Client;
const running: LotsProcess[] = [];

beforeAll(async () => {
  cluster = await createCluster();
  db = new pg.Client({ connectionString: cluster.url });
  await db.connect();
});

afterAll(async () => {
  for (const p of running) await p.kill('SIGKILL');
  await db?.end();
  await cluster?.destroy();
});

async function lots(): Promise<LotsProcess> {
  const p = await startLots({ DATABASE_URL: cluster.url, LOTS_DB_POOL_SIZE: '4' });
  running.push(p);
  return p;
}

/** What a half-written transaction would leave uneven: per-table counts for the crash's resources. */
async function state(): Promise<{ resources: number; strings: number; tokens: number; audits: number }> {
  const q = async (sql: string) => Number((await db.query<{ n: string }>(sql)).rows[0]!.n);
  return {
    resources: await q("select count(*) as n from resource where resource_type = 'Patient' and content::jsonb @> '{\"identifier\":[{\"system\":\"urn:crash\"}]}'"),
    // A create writes only `resource` (history holds superseded versions); its index rows come with it.
    strings: await q("select count(distinct s.rid) as n from idx_string s join resource r on r.rid = s.rid where s.param = 'family' and r.content::jsonb @> '{\"identifier\":[{\"system\":\"urn:crash\"}]}'"),
    tokens: await q("select count(*) as n from idx_token where resource_type = 'Patient' and param = 'identifier' and system = 'urn:crash'"),
    audits: await q("select count(*) as n from resource where resource_type = 'AuditEvent' and content::jsonb @> '{\"action\":\"C\"}'"),
  };
}

it('leaves nothing half-written when killed during a 5,000-entry transaction', async () => {
  const results: string[] = [];
  // A first transaction runs to the end, to time it; the kills then land at fractions of that time,
  // the last ones close to the COMMIT.
  let fullMs = 0;
  for (const fraction of [1, 0.3, 0.8, 0.95, 0.99]) {
    const delayMs = Math.round(fraction * fullMs);
    const server = await lots();
    const token = await server.token();
    const before = await state();
    const entry = Array.from({ length: 5000 }, (_, i) => ({
      request: { method: 'POST', url: 'Patient' },
      resource: { resourceType: 'Patient', identifier: [{ system: 'urn:crash', value: `${delayMs}-${i}` }], name: [{ family: `Crash${i}` }] },
    }));
    const sent = fetch(`${server.origin}/fhir`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/fhir+json' },
      body: JSON.stringify({ resourceType: 'Bundle', type: 'transaction', entry }),
    }).then((r) => r.status, () => 'connection lost');
    const started = Date.now();
    let answer: number | string;
    if (fraction === 1) {
      answer = await sent;
      fullMs = Date.now() - started;
      await server.kill('SIGKILL');
    } else {
      await new Promise((r) => setTimeout(r, delayMs));
      await server.kill('SIGKILL');
      answer = await sent;
    }
    const after = await state();
    const added = after.resources - before.resources;
    results.push(fraction === 1 ? `unkilled: ${answer} in ${fullMs} ms, +${added}` : `kill at ${delayMs} ms: ${answer}, +${added}`);
    expect([0, 5000]).toContain(added);
    expect(after.strings - before.strings).toBe(added);
    expect(after.tokens - before.tokens).toBe(added);
    // The transaction's AuditEvents (one per patient compartment) commit with it or not at all.
    expect(after.audits - before.audits >= added).toBe(true);
    if (answer === 200) expect(added).toBe(5000);
    if (fraction === 1) expect(added).toBe(5000);
  }
  // The restarted server serves the data that was committed.
  const server = await lots();
  const res = await fetch(`${server.origin}/fhir/Patient?identifier=urn:crash|&_summary=count`, { headers: { authorization: `Bearer ${await server.token()}` } });
  expect(res.status).toBe(200);
  const total = ((await res.json()) as { total: number }).total;
  expect(total).toBe((await state()).resources);
  record({ scenario: 'SIGKILL mid 5,000-entry transaction', checked: 'all or nothing: resources = token and string index rows; audits with them; restart serves it', result: `${results.join('; ')}; after restart ${total} served` });
});

it('leaves whole chunks only when lots import is killed, and a rerun completes it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lots-chaos-import-'));
  const file = join(dir, 'patients.ndjson');
  const N = 3000;
  // With ids, so the import writes with PUT and a second run updates instead of duplicating.
  writeFileSync(file, Array.from({ length: N }, (_, i) => JSON.stringify({ resourceType: 'Patient', id: `imp-${i}`, identifier: [{ system: 'urn:import', value: String(i) }] })).join('\n'));
  // Run alone, the import itself creates the schema: until then there is nothing (42P01).
  const n = (sql: string) => db.query<{ n: string }>(sql).then((r) => Number(r.rows[0]!.n), (e: { code?: string }) => (e.code === '42P01' ? 0 : Promise.reject(e)));
  const count = () => n("select count(*) as n from resource where resource_type = 'Patient' and id like 'imp-%'");
  const indexed = () => n("select count(*) as n from idx_token where param = 'identifier' and system = 'urn:import'");
  const runImport = () => {
    const { PATH, HOME, TMPDIR } = process.env;
    return spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'import', file], {
      cwd: fileURLToPath(new URL('../../', import.meta.url)),
      env: { PATH, HOME, TMPDIR, LOG_LEVEL: 'warn', DATABASE_URL: cluster.url },
      stdio: 'ignore',
    });
  };
  try {
    const child = runImport();
    const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
    const deadline = Date.now() + 120_000;
    while ((await count()) === 0 && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 100));
    child.kill('SIGKILL');
    await exited;
    const afterKill = await count();
    expect(afterKill % 500).toBe(0); // chunks of 500 are transactions
    expect(await indexed()).toBe(afterKill);
    const rerun = runImport();
    const code = await new Promise<number | null>((resolve) => rerun.on('close', (c) => resolve(c)));
    expect(code).toBe(0);
    expect(await count()).toBe(N);
    expect(await indexed()).toBe(N);
    record({ scenario: 'SIGKILL mid lots import (3,000 NDJSON lines)', checked: 'whole 500-entry chunks only, index rows agree; a rerun completes without duplicates', result: `${afterKill} stored at the kill; ${N} after the rerun (exit ${code})` });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
