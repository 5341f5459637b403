/**
 * `lots import` of the Synthea corpus (support bundles first, then the patients) as a child process
 * into an empty, migrated database of its own, so each run imports the same thing; the rate is
 * resources imported / wall time of the import process (its start-up included).
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { ROOT, spawnLots, type DbEnv } from './server.js';

export const CORPUS = process.env.LOTS_BENCH_CORPUS ?? resolve(ROOT, '../shared/corpus/synthea-r4');

export interface ImportResult {
  files: number;
  resources: number;
  /** Entries or files that failed. */
  errors: number;
  wallSeconds: number;
  perSecond: number;
  /** The import's own time, without process start-up. */
  importSeconds: number;
}

export function corpusFiles(): string[] {
  if (!existsSync(CORPUS)) return [];
  const list = (dir: string) =>
    existsSync(join(CORPUS, dir)) ? readdirSync(join(CORPUS, dir)).filter((f) => f.endsWith('.json')).sort().map((f) => join(CORPUS, dir, f)) : [];
  return [...list('support'), ...list('patients')];
}

function finished(child: ChildProcess): Promise<{ code: number | null; out: string }> {
  let out = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString('utf8')));
  child.stderr?.on('data', (c: Buffer) => (out += c.toString('utf8')));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, out })));
}

export async function runImport(db: DbEnv, files: string[]): Promise<ImportResult> {
  const migrated = await finished(spawnLots(['migrate'], db));
  if (migrated.code !== 0) throw new Error(`lots migrate failed:\n${migrated.out}`);
  const started = performance.now();
  const { code, out } = await finished(spawnLots(['import', ...files], db));
  const wallSeconds = (performance.now() - started) / 1000;
  const m = /Imported (\d+) resources .* in ([\d.]+) s .*; (\d+) bad entries, (\d+) bad files/.exec(out);
  if (!m) throw new Error(`lots import exited ${code} without its summary:\n${out.slice(-2000)}`);
  const resources = Number(m[1]);
  return {
    files: files.length,
    resources,
    errors: Number(m[3]) + Number(m[4]),
    wallSeconds,
    perSecond: resources / wallSeconds,
    importSeconds: Number(m[2]),
  };
}
