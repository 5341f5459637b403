/**
 * Runs bench/book.ts ($book throughput with 16 clients at one clinic, on a database of its own) as a
 * child process for `npm run bench`, and reads its result line.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface BookResult {
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  check: string;
}

export async function runBookBench(duration: number, databaseUrl: string | undefined): Promise<BookResult | undefined> {
  const script = fileURLToPath(new URL('./book.ts', import.meta.url));
  const env = { ...process.env, ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) };
  const out = await new Promise<string>((resolve) => {
    let text = '';
    const child = spawn(process.execPath, ['--import', 'tsx', script, '--duration', String(duration), '--connections', '16'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout.on('data', (d: Buffer) => {
      text += d.toString();
      process.stdout.write(d.toString().replace(/^/gm, '    '));
    });
    child.on('close', () => resolve(text));
  });
  const m = /\$book: (\d+) bookings\/s, p50 ([\d.]+) ms, p99 ([\d.]+) ms/.exec(out);
  if (!m) return undefined;
  const failures = /failures: (.*?);/.exec(out);
  const errors = failures ? [...failures[1]!.matchAll(/(\d+) x/g)].reduce((n, x) => n + Number(x[1]), 0) : 0;
  const check = /check: (.*)/.exec(out)?.[1] ?? '';
  return { perSecond: Number(m[1]), p50Ms: Number(m[2]), p99Ms: Number(m[3]), errors, check };
}
