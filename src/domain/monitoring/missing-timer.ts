/**
 * @module domain/monitoring/missing-timer
 * Runs the missing-measurement check (missing-job.ts) every `checkSeconds` in this process, as the
 * server. Several processes may run it at once: the check is idempotent and serialised per period in
 * Postgres, so no leader is needed. A failed run is logged (without patient data) and retried next time.
 */
import type { Logger } from '../../log.js';
import type { DomainContext } from '../context.js';
import { checkMissing, MISSING_DEFAULTS } from './missing-job.js';

export function startMissingChecks(ctx: DomainContext, options: { checkSeconds: number; graceHours: number }, log: Logger): { stop(): Promise<void> } {
  if (options.checkSeconds <= 0) return { stop: async () => undefined };
  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    running = checkMissing(ctx, new Date(), { ...MISSING_DEFAULTS, graceHours: options.graceHours })
      .then((created) => created.length && log.info('monitoring: missing-measurement tasks created', { count: created.length }))
      .catch((err: unknown) => log.error('monitoring: missing-measurement check failed', { error: err instanceof Error ? err.message : String(err) }));
  }, options.checkSeconds * 1000);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
