/**
 * The targets, the printed table and the JSON file in bench/results/.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './server.js';

export interface RawFigures {
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  concurrency: number;
}

export interface Row {
  key: string;
  label: string;
  /** Requests per second (resources per second for the import). */
  perSecond: number;
  p50Ms?: number;
  p99Ms?: number;
  errors: number;
  raw?: RawFigures;
  /** Lots' rate as a share of the raw rate. */
  ratio?: number;
  /** The Node floor (bench/floor-server.ts) driven the same way, on a server. */
  floor?: Omit<RawFigures, 'concurrency'>;
  /** Lots' rate as a share of the floor's. */
  ofFloor?: number;
  target?: string;
  pass?: boolean;
  sampleError?: string;
}

export interface Report {
  date: string;
  driver: 'pglite' | 'postgres';
  /** Lots' server processes (LOTS_WORKERS); the floor is always one. */
  workers: number;
  connections: number;
  durationSeconds: number;
  node: string;
  seed: { patients: number; createdNow: number; seconds: number };
  rows: Row[];
  import?: { files: number; resources: number; wallSeconds: number; importSeconds: number; into: string };
  memory: { peakMb: number; target: string; pass?: boolean };
  notes: string[];
  totalSeconds: number;
}

interface Target {
  text: string;
  ok(row: Row): boolean;
}

const TARGETS: Record<string, Target> = {
  // Issue 25: shares of the Node floor measured in the same run.
  read: { text: '>=50% floor, p99<5ms', ok: (r) => (r.ofFloor ?? 0) >= 0.5 && (r.p99Ms ?? Infinity) < 5 },
  'create-patient': { text: '>=35% floor, p99<15ms', ok: (r) => (r.ofFloor ?? 0) >= 0.35 && (r.p99Ms ?? Infinity) < 15 },
  'create-observation': { text: '>=35% floor, p99<15ms', ok: (r) => (r.ofFloor ?? 0) >= 0.35 && (r.p99Ms ?? Infinity) < 15 },
  'search-observation': { text: '>=2700/s, >=50% floor', ok: (r) => r.perSecond >= 2700 && (r.ofFloor ?? 0) >= 0.5 },
  'search-patient': { text: '>=1500/s, >=50% floor', ok: (r) => r.perSecond >= 1500 && (r.ofFloor ?? 0) >= 0.5 },
  transaction: { text: '>=150/s', ok: (r) => r.perSecond >= 150 },
  import: { text: '>=3000 res/s', ok: (r) => r.perSecond >= 3000 },
  triage: { text: 'p50<5ms (in-process)', ok: (r) => (r.p50Ms ?? Infinity) < 5 },
  'growth-chart': { text: 'p50<20ms', ok: (r) => (r.p50Ms ?? Infinity) < 20 },
  lastn: { text: '>=1000/s', ok: (r) => r.perSecond >= 1000 },
};
/** A measurement with evaluation against a plain Observation create (issue 14). */
const MEASUREMENT_SHARE = 0.8;
export const MEMORY_TARGET_MB = 400;
/** The key suffix of a search driven again after growth; its target is its own first rate. */
export const GROWN = '-grown';
const GROWN_SHARE = 0.8;

function judgeGrown(report: Report, row: Row): void {
  const first = report.rows.find((r) => `${r.key}${GROWN}` === row.key);
  if (!first) return;
  row.ratio = row.perSecond / first.perSecond;
  row.target = `>=${GROWN_SHARE * 100}% of before growth`;
  if (report.driver === 'postgres') row.pass = row.errors === 0 && row.ratio >= GROWN_SHARE;
}

function judgeMeasurement(report: Report, row: Row): void {
  const plain = report.rows.find((r) => r.key === 'create-observation');
  if (!plain) return;
  row.ratio = row.perSecond / plain.perSecond;
  row.target = `>=${MEASUREMENT_SHARE * 100}% of create Observation`;
  if (report.driver === 'postgres') row.pass = row.errors === 0 && row.ratio >= MEASUREMENT_SHARE;
}

/** Sets target and pass on each row; targets apply to the PostgreSQL server only, and need no errors. */
export function judge(report: Report): void {
  const judged = report.driver === 'postgres';
  for (const row of report.rows) {
    if (row.key.endsWith(GROWN)) judgeGrown(report, row);
    if (row.key === 'create-measurement') judgeMeasurement(report, row);
    const t = TARGETS[row.key];
    if (!t) continue;
    row.target = t.text;
    if (judged) row.pass = row.errors === 0 && t.ok(row);
  }
  if (judged) report.memory.pass = report.memory.peakMb < MEMORY_TARGET_MB;
}

const num = (n: number | undefined, digits = 0) => (n === undefined || Number.isNaN(n) ? '-' : n.toFixed(digits));
const verdict = (pass: boolean | undefined) => (pass === undefined ? '' : pass ? 'PASS' : 'MISS');

export function formatReport(r: Report): string {
  const head = ['operation', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'raw req/s', 'ratio', 'floor req/s', 'of floor', 'target', ''];
  const share = (x: number | undefined) => (x === undefined ? '-' : `${(x * 100).toFixed(0)}%`);
  const lines = r.rows.map((row) => [
    row.label,
    num(row.perSecond),
    num(row.p50Ms, 2),
    num(row.p99Ms, 2),
    String(row.errors),
    num(row.raw?.perSecond),
    share(row.ratio),
    num(row.floor?.perSecond),
    share(row.ofFloor),
    row.target ?? '',
    verdict(row.pass),
  ]);
  const widths = head.map((h, c) => Math.max(h.length, ...lines.map((l) => l[c]!.length)));
  const fmt = (cells: string[]) => cells.map((x, c) => (c === 0 || c >= 9 ? x.padEnd(widths[c]!) : x.padStart(widths[c]!))).join('  ').trimEnd();
  const out = [
    `Lots bench on ${r.driver === 'postgres' ? 'a PostgreSQL server' : 'embedded PGlite'}${r.workers > 1 ? `, ${r.workers} Lots processes` : ''}: ${r.connections} connections, ${r.durationSeconds} s per operation, ${r.date}`,
    `seed: ${r.seed.patients} Patients (${r.seed.createdNow ? `${r.seed.createdNow} seeded now in ${r.seed.seconds.toFixed(0)} s` : 'reused'})`,
    '',
    fmt(head),
    fmt(head.map((_, c) => '-'.repeat(widths[c]!))),
    ...lines.map(fmt),
    '',
    `peak server memory (VmHWM): ${r.memory.peakMb.toFixed(0)} MB   target <${MEMORY_TARGET_MB} MB ${verdict(r.memory.pass)}`.trimEnd(),
  ];
  for (const row of r.rows) if (row.sampleError) out.push(`${row.label}: errors, e.g. ${row.sampleError}`);
  for (const row of r.rows) if (row.raw?.errors) out.push(`${row.label}: ${row.raw.errors} raw SQL errors`);
  out.push(...r.notes, `total run time: ${r.totalSeconds.toFixed(0)} s`);
  return out.join('\n');
}

export function writeReport(r: Report): string {
  const dir = join(ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${r.date.replace(/:/g, '-').replace(/\.\d+Z$/, 'Z')}-${r.driver}.json`);
  writeFileSync(file, `${JSON.stringify(r, null, 2)}\n`);
  return file;
}
