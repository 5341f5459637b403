/**
 * `npm run bench:profile -- read [--duration 10 --connections 8]`: drives one bench operation at a Lots
 * started with `node --cpu-prof` on the bench database (seeded by `npm run bench`), then prints where the
 * server's CPU time went: self time per function and total time per source file of ours. The profile
 * itself is kept in bench/results/profiles/ for a flame graph (e.g. Chrome DevTools, speedscope).
 */
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { benchDb } from './databases.js';
import { runLoad } from './load.js';
import { httpOps, OPERATIONS, type OpKey } from './operations.js';
import { seededIds } from './seed.js';
import { ROOT, startServer } from './server.js';

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: { duration: { type: 'string', default: '10' }, connections: { type: 'string', default: '8' }, top: { type: 'string', default: '25' } },
});
const key = positionals[0] as OpKey | undefined;
if (!key || !OPERATIONS.some((o) => o.key === key)) {
  process.stderr.write(`usage: npm run bench:profile -- <${OPERATIONS.map((o) => o.key).join('|')}>\n`);
  process.exit(2);
}
const dir = join(ROOT, 'bench', 'results', 'profiles', `${new Date().toISOString().replace(/[:.]/g, '-')}-${key}`);
mkdirSync(dir, { recursive: true });
// The profile's timestamps are the monotonic clock in µs, as is hrtime here: only the measured load counts.
const monotonicMicros = () => Number(process.hrtime.bigint() / 1000n);
const window = { from: 0, to: Infinity };
// One process: the profile is of one server process (--cpu-prof writes one per process).
const db = { ...(await benchDb(process.env.DATABASE_URL || undefined)), LOTS_WORKERS: '1' };
const server = await startServer(db, ['--cpu-prof', `--cpu-prof-dir=${dir}`]);
try {
  const ids = await seededIds(server);
  const op = httpOps(new URL(server.base).pathname, ids)[key];
  await runLoad(server, op, 1, Number(args.connections));
  window.from = monotonicMicros();
  const r = await runLoad(server, op, Number(args.duration), Number(args.connections));
  window.to = monotonicMicros();
  process.stdout.write(`${key}: ${r.perSecond.toFixed(0)} req/s, p50 ${r.p50Ms.toFixed(2)} ms, p99 ${r.p99Ms.toFixed(2)} ms, ${r.errors} errors\n`);
} finally {
  await server.stop();
}
// One profile per thread; the main thread's (…\.0\.001) sorts first, the module loader's thread after it.
const file = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).sort()[0];
if (!file) throw new Error(`no profile was written to ${dir}`);
printProfile(JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile, Number(args.top), window);
process.stdout.write(`profile: ${join(dir, file)}\n`);

interface CpuNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: CpuNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Self time by function, and total (inclusive) time by file under src/, counting each file once per stack. */
function printProfile(p: CpuProfile, top: number, window: { from: number; to: number }): void {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<string, number>();
  const files = new Map<string, number>();
  let total = 0;
  let at = p.startTime;
  p.samples.forEach((id, i) => {
    const dt = p.timeDeltas[i] ?? 0;
    at += dt;
    if (at < window.from || at > window.to) return;
    total += dt;
    const n = byId.get(id)!;
    const name = `${n.callFrame.functionName || '(anonymous)'} ${short(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;
    self.set(name, (self.get(name) ?? 0) + dt);
    const seen = new Set<string>();
    for (let node: number | undefined = id; node !== undefined; node = parent.get(node)) {
      const url = short(byId.get(node)!.callFrame.url);
      if (url.startsWith('src/') && !seen.has(url)) {
        seen.add(url);
        files.set(url, (files.get(url) ?? 0) + dt);
      }
    }
  });
  const table = (title: string, m: Map<string, number>) => {
    process.stdout.write(`\n${title}\n`);
    for (const [name, us] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top)) {
      process.stdout.write(`${((us / total) * 100).toFixed(1).padStart(5)}%  ${name}\n`);
    }
  };
  process.stdout.write(`\n${(total / 1e6).toFixed(1)} s of samples during the measured load\n`);
  table('self time by function (share of the samples, idle included)', self);
  table('total time by file of ours (inclusive)', files);
}

function short(url: string): string {
  const at = url.indexOf('/node_modules/');
  if (at >= 0) return url.slice(at + 1);
  return url.replace(`file://${ROOT}`, '').replace(/^\//, '');
}
