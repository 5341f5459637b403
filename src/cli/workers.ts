/**
 * @module cli/workers
 * `LOTS_WORKERS=N` on a server database: this primary process prepares the database once (migrations,
 * the first system client), then runs N server processes with `node:cluster`, which share the port
 * (the primary hands out connections in turn). Each has its own pool and caches; what one changes the
 * others learn through the database (store/reindex.ts). A worker that dies is replaced; SIGTERM stops all.
 * https://nodejs.org/docs/latest-v20.x/api/cluster.html
 */
import cluster, { type Worker } from 'node:cluster';
import type { Logger } from '../log.js';

export interface Supervised {
  workers: number;
  log: Logger;
  /** Printed once every worker listens. */
  ready(): void;
}

/** Replacing a worker that crashes at once every second, not in a tight loop. */
const RESTART_DELAY_MS = 1000;

/** Runs the workers until SIGINT/SIGTERM (0) or until one fails before all have started (1). */
export function superviseWorkers(o: Supervised): Promise<number> {
  return new Promise<number>((resolve) => {
    let listening = 0;
    let stopping = false;
    const live = new Set<Worker>();
    const fork = () => live.add(cluster.fork());
    const stopAll = (code: number) => {
      stopping = true;
      if (live.size === 0) resolve(code);
      for (const w of live) w.process.kill('SIGTERM');
      cluster.on('exit', () => live.size === 0 && resolve(code));
    };
    cluster.on('listening', () => {
      if (++listening === o.workers) o.ready();
    });
    cluster.on('exit', (worker, code, signal) => {
      live.delete(worker);
      if (stopping) return;
      if (listening < o.workers) {
        // A worker that cannot start (port taken, database away) will not start on a second try either.
        o.log.error('a worker failed to start; stopping', { pid: worker.process.pid, code, signal });
        stopAll(1);
        return;
      }
      o.log.error('a worker stopped; starting another', { pid: worker.process.pid, code, signal });
      setTimeout(() => stopping || fork(), RESTART_DELAY_MS).unref();
    });
    for (let i = 0; i < o.workers; i++) fork();
    process.once('SIGINT', () => stopAll(0));
    process.once('SIGTERM', () => stopAll(0));
  });
}
