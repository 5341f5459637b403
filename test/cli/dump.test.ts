import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, createDeps } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { silentLogger } from '../../src/log.js';
import type { Db } from '../../src/store/db/db.js';
import { createPgliteDb } from '../../src/store/db/pglite.js';
import { dumpDatabase, restoreDatabase, RestoreError } from '../../src/store/dump.js';
import { BASE, createTestApp, createTestDb, type TestApp } from '../support/test-app.js';

/**
 * `lots dump` and `lots restore`: a dump of a database with versions, deletes and search indexes,
 * restored into a fresh embedded data directory (and a fresh PostgreSQL database when the suite has
 * one), serves every resource and version, its searches and its tokens, and takes new writes.
 */
let t: TestApp;
const dir = mkdtempSync(join(tmpdir(), 'lots-dump-'));
const file = join(dir, 'backup.sql');
let before: string[];

const versions = (db: Db) =>
  db
    .query<{ v: string }>(
      `select resource_type || '/' || id || '/' || version_id || (case when deleted then ' deleted' else '' end) as v from resource
       union all select resource_type || '/' || id || '/' || version_id || (case when deleted then ' deleted' else '' end) from resource_history order by 1`,
    )
    .then((rows) => rows.map((r) => r.v));

beforeAll(async () => {
  t = await createTestApp();
  const put = (body: Record<string, unknown>) => t.request('PUT', `${body.resourceType}/${body.id}`, { body });
  await put({ resourceType: 'Patient', id: 'p1', name: [{ family: 'Ett' }] });
  await put({ resourceType: 'Patient', id: 'p1', name: [{ family: 'Ett', given: ['Andra'] }] });
  await t.request('DELETE', 'Patient/p1');
  await put({ resourceType: 'Patient', id: 'p2', name: [{ family: "O'Brien \\ Åkesson" }], birthDate: '1950-09-07' });
  await put({ resourceType: 'Observation', id: 'o1', status: 'final', code: { text: 'Puls\nmätt' }, subject: { reference: 'Patient/p2' }, valueQuantity: { value: 72, unit: '/min' } });
  expect((await t.request('GET', 'Patient/p2')).status).toBe(200);
  await t.deps.audit.flush();
  before = await versions(t.deps.db);
  expect(before.length).toBeGreaterThanOrEqual(6);
  writeFileSync(file, '');
  const summary = await dumpDatabase(t.deps.db, (text) => appendFile(file, text));
  expect(summary.rows).toBeGreaterThan(before.length);
}, 120_000);
afterAll(async () => {
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

const targets: [string, () => Promise<{ db: Db; drop: () => Promise<void> }>][] = [
  ['a fresh embedded data directory', async () => {
    const db = await createPgliteDb(join(dir, `data-${Date.now()}`));
    return { db, drop: () => db.close() };
  }],
  ...(process.env.LOTS_TEST_DATABASE_URL ? [['a fresh PostgreSQL database', createTestDb] as [string, () => Promise<{ db: Db; drop: () => Promise<void> }>]] : []),
];

describe.each(targets)('restored into %s', (_name, target) => {
  it('has every resource and version, answers reads, history and searches, and takes new writes', async () => {
    const { db, drop } = await target();
    try {
      await restoreDatabase(db, file);
      expect(await versions(db)).toEqual(before);
      const deps = await createDeps(loadConfig({ BASE_URL: BASE, LOG_LEVEL: 'silent' }), silentLogger, db);
      const app = createApp(deps);
      // The token of the original server is still good: its signing key came along.
      const token = await t.systemToken();
      const get = async (path: string) => {
        const res = await app.request(`${BASE}/${path}`, { headers: { authorization: `Bearer ${token}` } });
        return { status: res.status, body: (await res.json()) as any };
      };
      expect((await get('Patient/p1')).status).toBe(410);
      expect((await get('Patient/p1/_history')).body.entry).toHaveLength(3);
      expect((await get('Patient/p2')).body.name[0].family).toBe("O'Brien \\ Åkesson");
      expect((await get('Observation/o1')).body.code.text).toBe('Puls\nmätt');
      const found = await get('Observation?subject=Patient/p2&value-quantity=72');
      expect(found.status, JSON.stringify(found.body)).toBe(200);
      expect(found.body.entry.map((e: any) => e.resource.id)).toEqual(['o1']);
      expect((await get('Patient?birthdate=1950-09-07')).body.entry.map((e: any) => e.resource.id)).toEqual(['p2']);
      const created = await app.request(`${BASE}/Patient`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/fhir+json' },
        body: JSON.stringify({ resourceType: 'Patient', name: [{ family: 'Ny' }] }),
      });
      expect(created.status).toBe(201);
      await deps.reindexer.stop();
      await deps.statistics.stop();
      await deps.audit.close();
    } finally {
      await drop();
    }
  }, 120_000);
});

describe('lots restore refuses', () => {
  it('a database that is not empty, a file that is not a dump, and a dump cut short (restoring nothing)', async () => {
    await expect(restoreDatabase(t.deps.db, file)).rejects.toThrow(RestoreError);
    const db = await createPgliteDb(join(dir, 'data-refused'));
    try {
      writeFileSync(join(dir, 'other.sql'), 'select 1;\n');
      await expect(restoreDatabase(db, join(dir, 'other.sql'))).rejects.toThrow(/not a Lots dump/);
      const text = readFileSync(file, 'utf8');
      writeFileSync(join(dir, 'cut.sql'), text.slice(0, text.lastIndexOf('-- end')));
      await expect(restoreDatabase(db, join(dir, 'cut.sql'))).rejects.toThrow(/cut short/);
      const tables = await db.query<{ n: number }>("select count(*)::int as n from information_schema.tables where table_name = 'resource'");
      expect(tables[0]!.n).toBe(0);
    } finally {
      await db.close();
    }
  }, 180_000);
});
