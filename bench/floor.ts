/**
 * Starts the Node floor (bench/floor-server.ts) as its own process on Lots' database, so the bench can
 * drive it exactly as it drives Lots and print each Lots figure as a share of the floor's.
 */
import { spawn } from 'node:child_process';
import { freePort, peakMemoryMb, ROOT, waitReady, type Server } from './server.js';

export async function startFloor(databaseUrl: string): Promise<Server> {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ['--max-old-space-size=256', '--import', 'tsx', 'bench/floor-server.ts'], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: databaseUrl, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let said = '';
  child.stderr?.on('data', (chunk: Buffer) => (said = (said + chunk.toString('utf8')).slice(-4000)));
  let exited: string | undefined;
  const exit = new Promise<void>((resolve) => child.once('exit', (code, signal) => ((exited = `the floor exited (${signal ?? code})`), resolve())));
  const stop = async () => {
    if (exited === undefined) child.kill('SIGTERM');
    await exit;
  };
  process.once('exit', () => exited === undefined && child.kill('SIGKILL'));
  try {
    await waitReady(origin, () => exited, 'the floor');
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}\n--- the floor said:\n${said}`);
  }
  const pid = child.pid!;
  return { pid, origin, base: `${origin}/fhir`, token: 'none', peakMemoryMb: () => peakMemoryMb(pid), postMortem: () => (exited ? `${exited}: ${said}` : undefined), stop };
}
