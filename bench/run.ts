/**
 * `npm run bench [-- --duration 10 --connections 8 --warmup 1 --only read,import --no-analyze --grow 100000]`
 *
 * Starts Lots (embedded PGlite in bench/.data/, or the PostgreSQL server of DATABASE_URL, database
 * lots_bench), seeds it through the API or reuses the seed, drives each operation for a fixed time,
 * times the raw SQL each reduces to on the same database, drives the searches again after other
 * patients' data has grown (`--grow` heart rates, 0 to skip), imports the Synthea corpus, and prints and
 * saves (bench/results/) the figures with the targets.
 */
import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { analyze, autovacuumOn, benchDb, importDb } from './databases.js';
import { corpusFiles, CORPUS, runImport } from './import.js';
import { runLoad } from './load.js';
import { prepareGrowthChildren } from './growth.js';
import { FLOOR_OPS, httpOps, observationSearch, OPERATIONS, patientSearch } from './operations.js';
import type { HttpOp } from './load.js';
import { pgliteRawDb, pgRawDb, rawStatements, timeRaw, type RawDb } from './raw-sql.js';
import { formatReport, GROWN, judge, MEMORY_TARGET_MB, writeReport, type Report, type Row } from './report.js';
import { seed, writeRegimes } from './seed.js';
import { startServer, type DbEnv, type Server } from './server.js';
import { startFloor } from './floor.js';
import { runTriageBench } from './triage.js';
import { runBookBench } from './book-run.js';
import { grow, ungrow } from './grow.js';

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '8' },
    warmup: { type: 'string', default: '1' },
    only: { type: 'string' },
    'no-analyze': { type: 'boolean', default: false },
    grow: { type: 'string', default: '100000' },
    // 1 by default so every figure compares with the one-process floor; `--workers 2` shows what LOTS_WORKERS gains.
    workers: { type: 'string', default: '1' },
  },
});
const fail = (message: string): never => {
  process.stderr.write(`bench: ${message}\n`);
  process.exit(2);
};
const duration = Number(args.duration);
const connections = Number(args.connections);
const warmup = Number(args.warmup);
const growBy = Number(args.grow);
const workers = Number(args.workers);
if (!(Number.isInteger(workers) && workers >= 1)) fail('--workers takes a whole number from 1');
if (!(duration > 0 && connections >= 1 && warmup >= 0)) fail('--duration and --connections must be positive, --warmup at least 0');
if (!(Number.isInteger(growBy) && growBy >= 0)) fail('--grow takes a whole number of heart rates (0 skips the growth)');
const only = args.only ? new Set(args.only.split(',')) : undefined;
const known = [...OPERATIONS.map((o) => o.key as string), 'import', 'triage', 'book'];
for (const key of only ?? []) if (!known.includes(key)) fail(`--only: unknown operation "${key}"; use ${known.join(', ')}`);
const wanted = (key: string) => !only || only.has(key);

const log = (line: string) => process.stdout.write(`${line}\n`);
const started = performance.now();
const databaseUrl = process.env.DATABASE_URL || undefined;
const driver = databaseUrl ? 'postgres' : 'pglite';

const report: Report = {
  date: new Date().toISOString(),
  driver,
  workers: databaseUrl ? workers : 1,
  connections,
  durationSeconds: duration,
  node: process.version,
  seed: { patients: 0, createdNow: 0, seconds: 0 },
  rows: [],
  memory: { peakMb: 0, target: `<${MEMORY_TARGET_MB} MB` },
  notes: [],
  totalSeconds: 0,
};

const db: DbEnv = { ...(await benchDb(databaseUrl)), ...(databaseUrl ? { LOTS_WORKERS: String(workers) } : {}) };
const withStats = !args['no-analyze'];
const runAnalyze = async (what: DbEnv) => {
  if (!withStats) return;
  const t = performance.now();
  await analyze(what);
  log(`  ANALYZE in ${((performance.now() - t) / 1000).toFixed(1)} s`);
};
log(`Starting Lots on ${driver === 'postgres' ? `PostgreSQL (${db.DATABASE_URL})` : `PGlite (${db.LOTS_DATA_DIR})`}...`);
// PGlite: statistics for what earlier runs wrote, while nobody holds the folder.
if (driver === 'pglite' && existsSync(db.LOTS_DATA_DIR!)) await runAnalyze(db);
let server = await startServer(db);
let grown = false;
try {
  const seeded = await seed(server, log);
  const ids = seeded.patientIds;
  report.seed = { patients: ids.length, createdNow: seeded.created, seconds: seeded.seconds };
  if (seeded.created > 0) {
    // A fresh server for the measurements, so its peak memory is theirs and not the seeding's.
    log('Restarting Lots after seeding...');
    await server.stop();
    await runAnalyze(db);
    server = await startServer(db);
  } else if (driver === 'postgres') await runAnalyze(db);
  const autovacuum = await autovacuumOn(db);
  report.notes.push(
    `statistics: ${withStats ? 'ANALYZE ran before the measurements' : 'no ANALYZE (--no-analyze)'}; ${autovacuum === undefined ? 'PGlite has no autovacuum' : `autovacuum is ${autovacuum ? 'on' : 'OFF'} on this server`}.`,
  );

  const statements = rawStatements({ patientIds: ids, baseUrl: server.base, observationSearch: () => observationSearch(ids), patientSearch });
  const measureRaw = async (raw: RawDb, row: Row) => {
    const make = statements[row.key];
    if (!make) return;
    if (warmup > 0) await timeRaw(raw, make, warmup);
    const r = await timeRaw(raw, make, duration);
    row.raw = { perSecond: r.perSecond, p50Ms: r.p50Ms, p99Ms: r.p99Ms, errors: r.errors, concurrency: raw.concurrency };
    row.ratio = row.perSecond / r.perSecond;
    log(`  raw SQL ${row.label}: ${r.perSecond.toFixed(0)}/s, p50 ${r.p50Ms.toFixed(2)} ms${r.firstError ? `, errors: ${r.firstError}` : ''}`);
  };
  // A server: the raw SQL and the Node floor right after each operation, so all see the same load from
  // the rest of the machine.
  const rawNow = db.DATABASE_URL ? pgRawDb(db.DATABASE_URL, connections) : undefined;
  const floor = db.DATABASE_URL ? await startFloor(db.DATABASE_URL) : undefined;
  const measureFloor = async (row: Row, op: HttpOp) => {
    if (!floor || !FLOOR_OPS.has(row.key.replace(GROWN, ''))) return;
    if (warmup > 0) await runLoad(floor, op, warmup, connections);
    const r = await runLoad(floor, op, duration, connections);
    row.floor = { perSecond: r.perSecond, p50Ms: r.p50Ms, p99Ms: r.p99Ms, errors: r.errors };
    row.ofFloor = row.perSecond / r.perSecond;
    log(`  Node floor ${row.label}: ${r.perSecond.toFixed(0)}/s, p50 ${r.p50Ms.toFixed(2)} ms, p99 ${r.p99Ms.toFixed(2)} ms${r.sampleError ? `, errors: ${r.sampleError}` : ''}`);
  };
  try {
    if (wanted('growth-chart')) await prepareGrowthChildren(server);
    const ops = httpOps(new URL(server.base).pathname, ids);
    if (wanted('create-measurement')) await writeRegimes(server, ids);
    for (const op of OPERATIONS.filter((o) => wanted(o.key))) {
      if (warmup > 0) await runLoad(server, ops[op.key], warmup, connections);
      const r = await runLoad(server, ops[op.key], duration, connections);
      const row: Row = { key: op.key, label: op.label, perSecond: r.perSecond, p50Ms: r.p50Ms, p99Ms: r.p99Ms, errors: r.errors };
      if (r.sampleError) row.sampleError = r.sampleError;
      report.rows.push(row);
      log(`  ${op.label}: ${r.perSecond.toFixed(0)} req/s, p50 ${r.p50Ms.toFixed(2)} ms, p99 ${r.p99Ms.toFixed(2)} ms, ${r.errors} errors`);
      if (rawNow) await measureRaw(rawNow, row);
      await measureFloor(row, ops[op.key]);
    }
    const searches = OPERATIONS.filter((o) => o.key.startsWith('search-') && wanted(o.key));
    if (searches.length > 0 && growBy > 0) {
      log(`Growing: ${growBy} heart-rate Observations of other patients...`);
      const t = performance.now();
      if (driver === 'pglite') await server.stop();
      grown = true;
      await grow(db, growBy);
      if (driver === 'pglite') server = await startServer(db);
      log(`  written and analyzed in ${((performance.now() - t) / 1000).toFixed(1)} s`);
      for (const op of searches) {
        if (warmup > 0) await runLoad(server, ops[op.key], warmup, connections);
        const r = await runLoad(server, ops[op.key], duration, connections);
        const row: Row = { key: `${op.key}${GROWN}`, label: `${op.label}, after growth`, perSecond: r.perSecond, p50Ms: r.p50Ms, p99Ms: r.p99Ms, errors: r.errors };
        report.rows.push(row);
        log(`  ${op.label}, after growth: ${r.perSecond.toFixed(0)} req/s, p50 ${r.p50Ms.toFixed(2)} ms, p99 ${r.p99Ms.toFixed(2)} ms, ${r.errors} errors`);
        await measureFloor(row, ops[op.key]);
      }
      report.notes.push(`growth: ${growBy} heart-rate Observations of ${Math.round(growBy / 100)} other patients written with set-based SQL and analyzed between the two search runs, removed at the end.`);
    }
  } finally {
    await rawNow?.close();
    await floor?.stop();
  }
  report.memory.peakMb = server.peakMemoryMb();

  if (rawNow) {
    report.notes.push(`raw SQL: a pg Pool of ${connections} connections in the bench process, on the same database, right after each operation (Lots running, idle).`);
    report.notes.push(`Node floor (bench/floor-server.ts): a bare Hono + node-postgres process on the same database (pool of 10, as Lots), driven like Lots right after each operation: reads return the stored text by id, creates store the body with five token rows in one statement, searches run Lots' compiled SQL; "of floor" is Lots' rate as a share of it.`);
  } else {
    // PGlite is single-process: the bench opens the data folder itself once Lots has stopped.
    await server.stop();
    const raw = await pgliteRawDb(db.LOTS_DATA_DIR!);
    log('Raw SQL on PGlite...');
    try {
      for (const row of report.rows) await measureRaw(raw, row);
    } finally {
      await raw.close();
    }
    report.notes.push('raw SQL: PGlite opened in the bench process after Lots stopped, on its single connection (concurrency 1: concurrency means nothing there).');
  }
} catch (err) {
  // A failed request is often a crashed server: say what it said.
  await new Promise((r) => setTimeout(r, 500));
  const said = server.postMortem();
  throw said ? new Error(`${(err as Error).message}\nLots ${said}`) : err;
} finally {
  await server.stop();
  if (grown) await ungrow(db);
}

const files = corpusFiles();
if (!wanted('import')) {
  // skipped on request
} else if (files.length === 0) {
  report.notes.push(`import: skipped, no Synthea corpus at ${CORPUS} (set LOTS_BENCH_CORPUS)`);
} else {
  log(`Importing ${files.length} Synthea files with lots import...`);
  const into = await importDb(databaseUrl);
  const r = await runImport(into, files);
  report.rows.push({ key: 'import', label: `lots import Synthea (resources/s)`, perSecond: r.perSecond, errors: r.errors });
  report.import = { files: r.files, resources: r.resources, wallSeconds: r.wallSeconds, importSeconds: r.importSeconds, into: into.DATABASE_URL ?? into.LOTS_DATA_DIR! };
  report.notes.push(
    `import: ${r.resources} resources from ${r.files} files into an empty, migrated ${databaseUrl ? 'database lots_bench_import' : 'PGlite folder bench/.data/import-pglite'} in ${r.wallSeconds.toFixed(1)} s wall time (the import itself ${r.importSeconds.toFixed(1)} s, the rest is start-up).`,
  );
}

if (wanted('triage')) {
  log('Timing triage in-process...');
  const t = runTriageBench();
  report.rows.push({ key: 'triage', label: 'triage one response, in-process', perSecond: t.perSecond, p50Ms: t.p50Ms, p99Ms: t.p99Ms, errors: t.errors });
  report.notes.push(`triage: the answer check and the shipped rules over the scenario table, in the bench process (no HTTP, no database); rules alone p50 ${t.rulesOnly.p50Ms.toFixed(2)} ms, p99 ${t.rulesOnly.p99Ms.toFixed(2)} ms.`);
}

if (wanted('book')) {
  log('Booking with 16 clients at one clinic (bench/book.ts)...');
  const b = await runBookBench(duration, databaseUrl);
  if (b) report.rows.push({ key: 'book', label: '$book, 16 clients, one clinic', perSecond: b.perSecond, p50Ms: b.p50Ms, p99Ms: b.p99Ms, errors: b.errors });
  report.notes.push(b ? `book: ${b.check}` : 'book: bench/book.ts printed no result');
}

if (driver === 'pglite') report.notes.push('targets apply to the PostgreSQL server driver only (DATABASE_URL=... npm run bench).');
report.notes.push(`machine: ${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} (1, 5, 15 min) at the end: other work on it skews the figures.`);
judge(report);
report.totalSeconds = (performance.now() - started) / 1000;
log('');
log(formatReport(report));
log(`saved ${writeReport(report)}`);
