/**
 * Starts Lots as a child process (`node --import tsx src/main.ts ...`, one process, so its pid is the
 * server's and /proc/<pid>/status tells its memory), waits for /readyz and gets a bearer token.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const CLIENT = { id: 'bench', secret: 'bench-secret-123456' };

/** Where Lots keeps its data: `{ DATABASE_URL }` or `{ LOTS_DATA_DIR }`. */
export type DbEnv = Record<string, string>;

export interface Server {
  pid: number;
  /** e.g. http://127.0.0.1:43211 */
  origin: string;
  /** The FHIR base, e.g. http://127.0.0.1:43211/fhir */
  base: string;
  token: string;
  /** Peak resident memory so far (VmHWM), in MB. */
  peakMemoryMb(): number;
  /** How Lots exited when it did, and the last lines it printed: for error messages. */
  postMortem(): string | undefined;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/** Runs `lots <args>` as one node process with the bench's settings (and none of the caller's database). */
export function spawnLots(args: string[], env: Record<string, string>, nodeArgs: string[] = []): ChildProcess {
  // The heap cap of `npm start` (package.json), so the bench measures the server as it is started.
  return spawn(process.execPath, ['--max-old-space-size=256', ...nodeArgs, '--import', 'tsx', 'src/main.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: '', LOTS_DATA_DIR: '', LOG_LEVEL: 'warn', LOTS_BOOTSTRAP_CLIENT: `${CLIENT.id}:${CLIENT.secret}`, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Collects the last lines a child printed, for error messages. */
function tail(child: ChildProcess): () => string {
  let text = '';
  const keep = (chunk: Buffer) => (text = (text + chunk.toString('utf8')).slice(-4000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return () => text.trim();
}

export async function startServer(db: DbEnv, nodeArgs: string[] = []): Promise<Server> {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const child = spawnLots(['serve'], { ...db, PORT: String(port), BASE_URL: `${origin}/fhir` }, nodeArgs);
  const output = tail(child);
  let exited: string | undefined;
  let stopping = false;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exited = `Lots exited (${signal ?? code})`;
      resolve();
    }),
  );
  const stop = async () => {
    stopping = true;
    if (exited === undefined) child.kill('SIGTERM');
    await exit;
  };
  process.once('exit', () => exited === undefined && child.kill('SIGKILL'));
  try {
    await waitReady(origin, () => exited);
    const token = await getToken(origin);
    const pid = child.pid!;
    const postMortem = () => (exited === undefined || stopping ? undefined : `${exited}; it said:\n${output()}`);
    return { pid, origin, base: `${origin}/fhir`, token, peakMemoryMb: () => peakMemoryMb(pid), postMortem, stop };
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}\n--- Lots said:\n${output()}`);
  }
}

export async function waitReady(origin: string, exited: () => string | undefined, what = 'Lots'): Promise<void> {
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    const gone = exited();
    if (gone) throw new Error(gone);
    const ok = await fetch(`${origin}/readyz`).then((r) => r.status === 200, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what} did not become ready within 180 s`);
}

async function getToken(origin: string): Promise<string> {
  const res = await fetch(`${origin}/auth/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${CLIENT.id}:${CLIENT.secret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials&scope=system/*.*',
  });
  if (!res.ok) throw new Error(`POST /auth/token: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

/**
 * VmHWM ("high water mark" of the resident set) of a process, in MB; with LOTS_WORKERS, the largest of
 * its worker processes (the target is per process).
 */
export function peakMemoryMb(pid: number): number {
  return Math.max(hwmMb(pid), ...childrenOf(pid).map(hwmMb));
}

function hwmMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /^VmHWM:\s+(\d+) kB/m.exec(status)?.[1];
  if (!kb) throw new Error(`no VmHWM in /proc/${pid}/status`);
  return Number(kb) / 1024;
}

function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}
