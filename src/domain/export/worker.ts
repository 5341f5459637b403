/**
 * @module domain/export/worker
 * Runs Bulk Data export jobs in the background of every Lots process: a job is leased (FOR UPDATE
 * SKIP LOCKED) and run as its requester; a process that stops releases its job after the current page,
 * and one that dies leaves a lease that runs out, so another process resumes the job where it was.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '../../log.js';
import type { ExportJobs } from '../../store/store.js';
import type { Access } from '../../auth/policy.js';
import type { Principal } from '../../auth/principal.js';
import type { Repository } from '../repository.js';
import { ownerFromJob, runExport, type StoredOwner } from './job.js';

export interface ExportOptions {
  /** How often an idle process looks for a job (ms); 0: this process runs none. */
  pollMs: number;
  pageSize: number;
  /** An output file is split when it would grow past this many bytes. */
  fileBytes: number;
  leaseSeconds: number;
}

export interface ExportWorker {
  /** Stops after the current page; the job is released for another run to resume. */
  stop(): Promise<void>;
  /** Starts again after a stop (as a restarted process would). */
  start(): void;
}

export function startExportWorker(deps: { jobs: ExportJobs; repoFor(principal: Principal, access: Access): Repository; log: Logger; options: ExportOptions }): ExportWorker {
  const { jobs, log, options } = deps;
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  let me = `lots-${randomUUID()}`;

  const runOne = async (): Promise<boolean> => {
    const job = await jobs.claim(me, options.leaseSeconds);
    if (!job) return false;
    const owner = ownerFromJob(job.owner as StoredOwner);
    try {
      const ended = await runExport(jobs, me, job, deps.repoFor(owner.principal, owner.access), { ...options, stopping: () => stopped });
      if (ended === 'completed') await jobs.finish(job.id, me, 'completed');
      if (ended === 'stopped') await jobs.release(job.id, me);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      log.error('export: job failed', { job: job.id, error: message });
      await jobs.finish(job.id, me, 'failed', message);
    }
    return true;
  };
  let busy = false;
  const loop = () => {
    if (busy) return;
    busy = true;
    running = running
      .then(async () => {
        while (!stopped && (await runOne()));
      })
      .catch((err: unknown) => log.error('export: round failed', { error: err instanceof Error ? err.message : String(err) }))
      .finally(() => {
        busy = false;
      });
  };
  let timer: NodeJS.Timeout | undefined;
  const start = () => {
    stopped = false;
    me = `lots-${randomUUID()}`;
    timer = options.pollMs > 0 ? setInterval(loop, options.pollMs) : undefined;
    timer?.unref();
  };
  start();
  return {
    start,
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      await running;
    },
  };
}
