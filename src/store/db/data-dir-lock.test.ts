import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataDirLockedError, LOCK_FILE, describeLockHolder, lockDataDir, lockHolder } from './data-dir-lock.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lots-lock-'));
  dirs.push(dir);
  return dir;
}

/** The PID of a Node process that has exited (so no process has it, barring reuse within the test). */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid!;
}

describe('the data directory lock', () => {
  it('writes the PID and command, refuses a second holder in this process, and removes the file on release', () => {
    const dir = join(tempDir(), 'data');
    const lock = lockDataDir(dir, 'serve');
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'))).toMatchObject({ pid: process.pid, command: 'serve' });
    expect(() => lockDataDir(dir, 'seed')).toThrow(DataDirLockedError);
    describeLockHolder(dir, { baseUrl: 'http://localhost:1/fhir' });
    expect(lockHolder(dir)).toMatchObject({ pid: process.pid, baseUrl: 'http://localhost:1/fhir' });
    lock.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    lockDataDir(dir, 'seed').release();
  });

  it('refuses a folder held by another live process, naming its PID and what to do', async () => {
    const dir = tempDir();
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    try {
      writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: other.pid, command: 'serve', baseUrl: 'http://localhost:9/fhir', since: '2026-01-01T00:00:00Z' }));
      let error: unknown;
      try {
        lockDataDir(dir, 'seed');
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(DataDirLockedError);
      const message = (error as Error).message;
      expect(message).not.toContain('\n');
      expect(message).toContain(`PID ${other.pid}`);
      expect(message).toContain(`kill ${other.pid}`);
      expect(message).toContain('LOTS_CLIENT');
      expect(readFileSync(join(dir, LOCK_FILE), 'utf8')).toContain(String(other.pid));
    } finally {
      other.kill('SIGKILL');
    }
  });

  it('takes over a stale lock (its process is gone) and an unreadable one', () => {
    const dir = tempDir();
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: deadPid(), command: 'serve', since: '2026-01-01T00:00:00Z' }));
    expect(lockHolder(dir)).toBeUndefined();
    lockDataDir(dir, 'serve').release();
    writeFileSync(join(dir, LOCK_FILE), '{"pid": 12');
    lockDataDir(dir, 'serve').release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });
});
