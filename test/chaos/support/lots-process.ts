/** `lots serve` as its own process (as `npm start` runs it), so a test can SIGKILL it. */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface LotsProcess {
  origin: string;
  token(): Promise<string>;
  kill(signal: NodeJS.Signals): Promise<void>;
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as { port: number };
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

export async function startLots(env: Record<string, string>): Promise<LotsProcess> {
  const port = await freePort();
  const client = { id: 'chaos-client', secret: randomBytes(18).toString('base64url') };
  const { PATH, HOME, TMPDIR } = process.env;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'serve'], {
    cwd: ROOT,
    env: { PATH, HOME, TMPDIR, LOG_LEVEL: 'warn', PORT: String(port), LOTS_BOOTSTRAP_CLIENT: `${client.id}:${client.secret}`, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  const deadline = Date.now() + 90_000;
  while (!/serving/.test(out)) {
    if (child.exitCode !== null) throw new Error(`lots serve exited: ${out.slice(-2000)}`);
    if (Date.now() > deadline) throw new Error('lots serve did not start in 90 s');
    await new Promise((r) => setTimeout(r, 50));
  }
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    async token() {
      const res = await fetch(`${origin}/auth/token`, {
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from(`${client.id}:${client.secret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials',
      });
      return ((await res.json()) as { access_token: string }).access_token;
    },
    async kill(signal) {
      if (child.exitCode === null) child.kill(signal);
      await exited;
    },
  };
}
