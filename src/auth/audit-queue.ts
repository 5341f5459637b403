/**
 * @module auth/audit-queue
 * AuditEvents of reads are written after the answer, in batches: a queue flushed every half second or
 * at 200 events, and completely on shutdown, so a normal stop loses nothing. (Writes log in their own
 * transaction instead; see the interactions.)
 *
 * Loss bound: a process killed outright (SIGKILL, power loss) loses the reads audited in the last half
 * second (at most one interval's worth, plus whatever waited while the database was unreachable).
 * Where the law demands that no read go unlogged, LOTS_AUDIT_READS=sync makes every FHIR answer wait
 * until its reads' AuditEvents are stored (`flush(true)` before the answer; 503 if they cannot be).
 */
import type { AuditEvent } from '@medplum/fhirtypes';
import type { Logger } from '../log.js';

export interface AuditQueue {
  push(events: AuditEvent[]): void;
  /**
   * Writes everything queued so far. With `strict`, rejects when a write failed (the events stay queued),
   * so a caller that must not answer before its audit is stored can fail instead.
   */
  flush(strict?: boolean): Promise<void>;
  /** Flushes and stops the timer. */
  close(): Promise<void>;
}

const BATCH = 200;
const INTERVAL_MS = 500;

export function createAuditQueue(write: (events: AuditEvent[]) => Promise<void>, log: Logger): AuditQueue {
  let queue: AuditEvent[] = [];
  let running: Promise<void> = Promise.resolve();
  let failure: unknown;
  const flush = (strict = false): Promise<void> => {
    running = running.then(async () => {
      failure = undefined;
      while (queue.length) {
        const batch = queue.slice(0, BATCH);
        try {
          await write(batch);
          queue = queue.slice(batch.length);
        } catch (err) {
          // Keep the events and try again at the next tick; an audit log must not lose entries.
          log.error('audit write failed; will retry', { error: err instanceof Error ? err.message : String(err), queued: queue.length });
          failure = err;
          return;
        }
      }
    });
    return strict ? running.then(() => (failure === undefined ? undefined : Promise.reject(failure))) : running;
  };
  const timer = setInterval(() => void flush(), INTERVAL_MS);
  timer.unref();
  return {
    push(events) {
      queue.push(...events);
      if (queue.length >= BATCH) void flush();
    },
    flush,
    async close() {
      clearInterval(timer);
      await flush();
    },
  };
}
