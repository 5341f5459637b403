import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/test-app.js';

/** Lots keeps the planner's statistics fresh itself: PGlite has no autovacuum. */
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  await t.deps.statistics.stop();
});
afterAll(() => t.close());

it('analyses after enough writes, and not before', async () => {
  await t.deps.statistics.refresh(true);
  const entry = Array.from({ length: 1200 }, (_, n) => ({ resource: { resourceType: 'Basic', code: { text: `b${n}` } }, request: { method: 'POST', url: 'Basic' } }));
  expect((await t.request('POST', '', { body: { resourceType: 'Bundle', type: 'transaction', entry }, headers: { prefer: 'return=minimal' } })).status).toBe(200);
  const before = await t.deps.db.query<{ n: number }>(`select reltuples::float8 as n from pg_class where relname = 'resource'`);
  expect(before[0]!.n).toBeLessThan(1000);
  expect(await t.deps.statistics.refresh()).toBe(true);
  const after = await t.deps.db.query<{ n: number }>(`select reltuples::float8 as n from pg_class where relname = 'resource'`);
  expect(after[0]!.n).toBeGreaterThanOrEqual(1200);
  expect(await t.deps.statistics.refresh()).toBe(false);
});
