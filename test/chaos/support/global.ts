/** Global setup of `npm run chaos`: a fresh table file, printed at the end. */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChaosRow } from './table.js';

export default function setup(): () => void {
  const file = join(tmpdir(), `lots-chaos-${process.pid}.ndjson`);
  process.env.LOTS_CHAOS_TABLE = file;
  return () => {
    const rows: ChaosRow[] = existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as ChaosRow) : [];
    rmSync(file, { force: true });
    const w = [8, 7, 6].map((_, i) => Math.max(...rows.map((r) => [r.scenario, r.checked, r.result][i]!.length), ['scenario', 'checked', 'result'][i]!.length));
    const line = (a: string, b: string, c: string) => `| ${a.padEnd(w[0]!)} | ${b.padEnd(w[1]!)} | ${c.padEnd(w[2]!)} |`;
    console.log(['', line('scenario', 'checked', 'result'), `|${w.map((n) => '-'.repeat(n + 2)).join('|')}|`, ...rows.map((r) => line(r.scenario, r.checked, r.result))].join('\n'));
  };
}
