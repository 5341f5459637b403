/**
 * @module store/db/data-dir-lock
 * One process per embedded data directory. PGlite has no postmaster: two processes opening the same
 * folder both write its files and corrupt it (`missing chunk number … in pg_toast_…` at the next
 * start). So whoever opens it first writes `lots.lock` (created exclusively) with its PID; everyone else
 * is refused until that process exits. A lock left by a process that no longer runs (after `kill -9` or
 * a power cut) is stale and taken over.
 */
import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const LOCK_FILE = 'lots.lock';

/** What the holder writes into the lock, so a refused command can say who holds it and where it serves. */
export interface LockInfo {
  pid: number;
  /** The command holding it: `serve`, `seed`, `import`, `migrate`, `dump`, `restore`, ... */
  command: string;
  /** Set by `serve` once it listens: the FHIR base URL, for commands that can go through the API. */
  baseUrl?: string;
  since: string;
}

export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: LockInfo,
  ) {
    const serving = holder.baseUrl ? ` serving ${holder.baseUrl}` : '';
    super(
      `the data directory ${dataDir} is in use by "lots ${holder.command}" (PID ${holder.pid}${serving}, since ${holder.since}); ` +
        `the embedded database allows one process at a time: stop that one first (kill ${holder.pid})` +
        (holder.command === 'serve' ? ', or load data through its API (LOTS_CLIENT=id:secret lots seed|import)' : ''),
    );
    this.name = 'DataDirLockedError';
  }
}

export interface DataDirLock {
  release(): void;
}

/** The folders this process holds: opening one twice in one process corrupts it just the same. */
const held = new Map<string, LockInfo>();

/** Takes the lock on `dataDir` (created if missing) for `command`, or throws `DataDirLockedError`. */
export function lockDataDir(dataDir: string, command: string): DataDirLock {
  const key = resolve(dataDir);
  const mine = held.get(key);
  if (mine) throw new DataDirLockedError(dataDir, mine);
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, LOCK_FILE);
  const info: LockInfo = { pid: process.pid, command, since: new Date().toISOString() };
  // Two tries: the second after removing a stale lock. Losing that race to another process is a refusal.
  for (let attempt = 0; ; attempt++) {
    try {
      writeExclusive(path, info);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = readLock(path);
      // Our own PID in a lock we do not hold: a previous container run with the same PID, so stale.
      if (holder && holder.pid !== process.pid && isAlive(holder.pid)) throw new DataDirLockedError(dataDir, holder);
      if (attempt > 0) throw new DataDirLockedError(dataDir, holder ?? { pid: 0, command: 'unknown', since: 'unknown' });
      removeIfHeldBy(path, holder?.pid);
    }
  }
  held.set(key, info);
  const onExit = () => removeIfHeldBy(path, process.pid);
  // A normal exit without close() (an uncaught error) must not leave the lock behind either.
  process.once('exit', onExit);
  return {
    release() {
      if (held.get(key) !== info) return;
      held.delete(key);
      process.removeListener('exit', onExit);
      removeIfHeldBy(path, process.pid);
    },
  };
}

/** Records more about this process in the lock it holds on `dataDir` (`serve`: the URL it serves). */
export function describeLockHolder(dataDir: string, more: Partial<Omit<LockInfo, 'pid'>>): void {
  const path = join(dataDir, LOCK_FILE);
  const holder = readLock(path);
  if (holder?.pid === process.pid) writeFileOver(path, { ...holder, ...more });
}

/** The holder of the lock on `dataDir` when a live process holds it. */
export function lockHolder(dataDir: string): LockInfo | undefined {
  const holder = readLock(join(dataDir, LOCK_FILE));
  return holder && isAlive(holder.pid) ? holder : undefined;
}

function writeExclusive(path: string, info: LockInfo): void {
  const fd = openSync(path, 'wx', 0o600);
  try {
    writeSync(fd, JSON.stringify(info) + '\n');
  } finally {
    closeSync(fd);
  }
}

function writeFileOver(path: string, info: LockInfo): void {
  const fd = openSync(path, 'w', 0o600);
  try {
    writeSync(fd, JSON.stringify(info) + '\n');
  } finally {
    closeSync(fd);
  }
}

function readLock(path: string): LockInfo | undefined {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockInfo>;
    return typeof parsed.pid === 'number' && Number.isInteger(parsed.pid) && parsed.pid > 0
      ? { pid: parsed.pid, command: String(parsed.command ?? 'unknown'), since: String(parsed.since ?? 'unknown'), ...(parsed.baseUrl ? { baseUrl: String(parsed.baseUrl) } : {}) }
      : undefined;
  } catch {
    // Missing (removed meanwhile) or half-written by a process killed while writing it: not a live holder.
    return undefined;
  }
}

function removeIfHeldBy(path: string, pid: number | undefined): void {
  const holder = readLock(path);
  if (holder && holder.pid !== pid) return;
  try {
    unlinkSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

/**
 * Whether a process with this PID runs. Signal 0 tests without sending anything; EPERM means it runs as
 * another user. On Linux a PID reused by something that is not Node (after a reboot) does not count.
 */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    return /node|lots|tsx/.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
  } catch {
    return true; // no /proc (macOS): trust the signal
  }
}
