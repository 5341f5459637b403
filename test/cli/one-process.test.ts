import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanup, clientToken, lots, serve, tempDir, type Served } from '../support/lots-process.js';

/**
 * One process per embedded data directory (PGlite): a second process writing the same folder corrupts
 * it. These run the real `lots` command in child processes, always on PGlite (the lock is about its
 * folder), whichever driver the rest of the suite uses.
 */
afterAll(cleanup);

const lines = (text: string) => text.split('\n').filter((l) => l.trim() !== '');

async function createPatient(server: Served, token: string, family: string): Promise<string> {
  const res = await fetch(`${server.base}/Patient`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/fhir+json' },
    body: JSON.stringify({ resourceType: 'Patient', name: [{ family }] }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

async function family(server: Served, token: string, id: string): Promise<string | undefined> {
  const res = await fetch(`${server.base}/Patient/${id}`, { headers: { authorization: `Bearer ${token}` } });
  return res.status === 200 ? ((await res.json()) as { name: { family: string }[] }).name[0]!.family : undefined;
}

describe('one process per data directory', { timeout: 300_000 }, () => {
  it('refuses `lots seed` and `lots migrate` on a directory a running server holds, in one line, and the data stays intact', async () => {
    const dataDir = await tempDir();
    const server = await serve({ LOTS_DATA_DIR: dataDir });
    expect(server.client?.id).toBe('lots-admin');
    const token = await clientToken(server.base, server.client!);
    const id = await createPatient(server, token, 'Förstahand');

    for (const command of ['seed', 'migrate']) {
      const refused = await lots([command], { LOTS_DATA_DIR: dataDir }).done;
      expect(refused.code, command).toBe(1);
      const [line, ...more] = lines(refused.stderr);
      expect(more, command).toEqual([]);
      expect(line).toContain(`PID ${server.child.pid}`);
      expect(line).toContain('lots serve');
      expect(line).toContain(`kill ${server.child.pid}`);
    }

    // The server goes on as if nothing happened, and so does the next start on the folder.
    expect(await family(server, token, id)).toBe('Förstahand');
    expect(await createPatient(server, token, 'Efteråt')).toBeTruthy();
    server.child.kill('SIGTERM');
    expect((await server.done).code).toBe(0);
    expect(existsSync(join(dataDir, 'lots.lock'))).toBe(false);
    const again = await serve({ LOTS_DATA_DIR: dataDir });
    expect(again.output.stderr).not.toMatch(/error/i);
    expect(await family(again, await clientToken(again.base, server.client!), id)).toBe('Förstahand');
    again.child.kill('SIGTERM');
    expect((await again.done).code).toBe(0);
  });

  it('loads `lots seed` through the running server when given a client (LOTS_CLIENT)', async () => {
    const dataDir = await tempDir();
    const server = await serve({ LOTS_DATA_DIR: dataDir });
    const seed = await lots(['seed'], { LOTS_DATA_DIR: dataDir, LOTS_CLIENT: `${server.client!.id}:${server.client!.secret}` }).done;
    expect(seed.code, seed.stderr + seed.stdout).toBe(0);
    expect(seed.stdout).toContain(`loading through its API at ${server.base}`);
    expect(seed.stdout).toMatch(/Imported \d+ resources from (\d+) of \1 files/);
    const token = await clientToken(server.base, server.client!);
    expect(await family(server, token, 'sven-oberg')).toBe('Öberg');
    server.child.kill('SIGTERM');
    expect((await server.done).code).toBe(0);
  });

  it('takes over the lock a server killed with SIGKILL left behind', async () => {
    const dataDir = await tempDir();
    const server = await serve({ LOTS_DATA_DIR: dataDir });
    const token = await clientToken(server.base, server.client!);
    const id = await createPatient(server, token, 'Överlevare');
    server.child.kill('SIGKILL');
    expect((await server.done).signal).toBe('SIGKILL');
    const stale = JSON.parse(readFileSync(join(dataDir, 'lots.lock'), 'utf8')) as { pid: number };
    expect(stale.pid).toBe(server.child.pid);

    const next = await serve({ LOTS_DATA_DIR: dataDir });
    expect(JSON.parse(readFileSync(join(dataDir, 'lots.lock'), 'utf8')).pid).toBe(next.child.pid);
    expect(await family(next, await clientToken(next.base, server.client!), id)).toBe('Överlevare');
    next.child.kill('SIGTERM');
    expect((await next.done).code).toBe(0);
  });
});
