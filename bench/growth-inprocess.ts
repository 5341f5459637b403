/**
 * A quick in-process timing of `$growth-chart` (no HTTP socket, no 10,000-patient seed): the real app
 * on a fresh in-memory PGlite, five children with 60 weights each (bench/growth.ts), then N sequential
 * charts as JSON and as SVG. `npx tsx bench/growth-inprocess.ts [N]`. For when the full bench's
 * seeding is too slow; `npm run bench -- --only growth-chart` is the real figure.
 */
import { createApp, createDeps } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { silentLogger } from '../src/log.js';
import { createPgliteDb } from '../src/store/db/pglite.js';
import { growthBundle, GROWTH_CHILDREN } from './growth.js';

const n = Number(process.argv[2] ?? 300);
const deps = await createDeps(loadConfig({ BASE_URL: 'http://localhost/fhir', LOG_LEVEL: 'silent' }), silentLogger, await createPgliteDb());
const app = createApp(deps);
const token = await deps.tokens.issue({ sub: 'bench', scope: 'system/*.*', client_id: 'bench', lots_kind: 'system' }, 3600);
const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/fhir+json' };
const put = await app.request('http://localhost/fhir', { method: 'POST', headers, body: JSON.stringify(growthBundle()) });
if (put.status !== 200) throw new Error(`seeding: ${put.status} ${await put.text()}`);

/**
 * Wall-clock p50/p99, and the process's CPU time per chart: PGlite runs in this process, so that is
 * the whole work of a chart (database included), and it moves much less than wall time when other
 * processes share the cores.
 */
async function time(accept: string): Promise<{ p50: number; p99: number; cpuMs: number }> {
  const ms: number[] = [];
  const cpu = process.cpuUsage();
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    const res = await app.request(`http://localhost/fhir/Patient/bench-growth-${i % GROWTH_CHILDREN}/$growth-chart?measure=weight`, { headers: { ...headers, accept } });
    await res.text();
    if (res.status !== 200) throw new Error(`${res.status}`);
    ms.push(performance.now() - t);
  }
  const used = process.cpuUsage(cpu);
  ms.sort((a, b) => a - b);
  return { p50: ms[Math.floor(n / 2)]!, p99: ms[Math.floor(n * 0.99)]!, cpuMs: (used.user + used.system) / 1000 / n };
}
await time('application/fhir+json'); // warm-up
for (const accept of ['application/fhir+json', 'image/svg+xml']) {
  const r = await time(accept);
  process.stdout.write(`${accept}: ${n} charts, p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms, CPU ${r.cpuMs.toFixed(2)} ms per chart\n`);
}
await deps.close();
