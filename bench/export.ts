/**
 * `npm run bench:export [-- --patients 10000 --per-patient 10]`: Bulk Data export of 100,000
 * Observations (target >= 20,000 resources/s on PostgreSQL): loads them set-based
 * (test/support/bulk-load.ts), kicks off `$export?_type=Observation` and times it until the manifest.
 * On the PostgreSQL server of DATABASE_URL (a fresh database, dropped after) or in-memory PGlite.
 */
import { parseArgs } from 'node:util';
import { bulkLoad } from '../test/support/bulk-load.js';
import { createTestApp } from '../test/support/test-app.js';

const { values: args } = parseArgs({ options: { patients: { type: 'string', default: '10000' }, 'per-patient': { type: 'string', default: '10' } } });
const patients = Number(args.patients);
const perPatient = Number(args['per-patient']);
if (process.env.DATABASE_URL) process.env.LOTS_TEST_DATABASE_URL = process.env.DATABASE_URL;

const t = await createTestApp({ LOTS_EXPORT_POLL_MS: '20', LOTS_EXPORT_MIN_POLL_MS: '0', LOTS_SUBSCRIPTION_POLL_MS: '0', ...(process.env.LOTS_EXPORT_PAGE_SIZE ? { LOTS_EXPORT_PAGE_SIZE: process.env.LOTS_EXPORT_PAGE_SIZE } : {}) });
try {
  await bulkLoad(t.deps.db, { patients, perPatient });
  await t.deps.subscriptions.drain(600_000); // the outbox of the load, so it does not share the clock
  const start = performance.now();
  const kick = await t.request('GET', '$export?_type=Observation', { headers: { prefer: 'respond-async' } });
  if (kick.status !== 202) throw new Error(`kick-off: ${kick.status} ${kick.text}`);
  const status = kick.headers.get('content-location')!;
  let manifest: { output: { count: number }[] } | undefined;
  while (!manifest) {
    const res = await t.request('GET', status);
    if (res.status === 200) manifest = res.body;
    else await new Promise((ok) => setTimeout(ok, 50));
  }
  const seconds = (performance.now() - start) / 1000;
  const count = manifest.output.reduce((a, f) => a + f.count, 0);
  process.stdout.write(`${t.driver}: exported ${count} Observations in ${manifest.output.length} files in ${seconds.toFixed(2)} s: ${Math.round(count / seconds)} resources/s (target >= 20,000/s on PostgreSQL)\n`);
} finally {
  await t.close();
}
