/**
 * The `lots` command as an operator runs it, in a child process: node with tsx's loader, as `npm start`
 * does, on a free port, with only the environment the test gives. Every child is killed at `cleanup`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = new URL('../../', import.meta.url).pathname;

export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface LotsProcess {
  child: ChildProcess;
  done: Promise<Run>;
  output: { stdout: string; stderr: string };
}

const cleanups: (() => Promise<unknown>)[] = [];

/** Kills what is still running and removes the temporary folders; call in afterAll. */
export async function cleanup(): Promise<void> {
  for (const c of cleanups.splice(0).reverse()) await c();
}

export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'lots-cli-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Runs `lots ARGS` with only `env` (and PATH, HOME, TMPDIR) set; killed after `timeoutMs`. */
export function lots(args: string[], env: Record<string, string>, timeoutMs = 120_000): LotsProcess {
  const { PATH, HOME, TMPDIR } = process.env;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
    cwd: ROOT,
    env: { PATH, HOME, TMPDIR, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = { stdout: '', stderr: '' };
  child.stdout!.on('data', (d: Buffer) => (output.stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output.stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const done = new Promise<Run>((resolve) =>
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, ...output });
    }),
  );
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await done;
  });
  return { child, done, output };
}

export interface Served extends LotsProcess {
  base: string;
  /** The system client a first start creates and prints once. */
  client?: { id: string; secret: string };
}

/** Starts `lots serve` and waits for its "serving" line. */
export async function serve(env: Record<string, string>): Promise<Served> {
  const port = await freePort();
  const run = lots(['serve'], { PORT: String(port), BASE_URL: `http://127.0.0.1:${port}/fhir`, ...env }, 300_000);
  const deadline = Date.now() + 60_000;
  while (!/serving/.test(run.output.stdout)) {
    if (run.child.exitCode !== null || run.child.signalCode !== null) throw new Error(`lots serve exited before serving: ${run.output.stderr}`);
    if (Date.now() > deadline) throw new Error(`lots serve did not start in 60 s: ${run.output.stderr}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  const created = /Created the system client "([^"]+)" with secret (\S+)/.exec(run.output.stdout);
  return { ...run, base: `http://127.0.0.1:${port}/fhir`, ...(created ? { client: { id: created[1]!, secret: created[2]! } } : {}) };
}

/** An access token by client_credentials at the server's token endpoint. */
export async function clientToken(base: string, client: { id: string; secret: string }): Promise<string> {
  const res = await fetch(base.replace(/\/fhir$/, '/auth/token'), {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${client.id}:${client.secret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials',
  });
  if (res.status !== 200) throw new Error(`token endpoint: ${res.status}`);
  return ((await res.json()) as { access_token: string }).access_token;
}
