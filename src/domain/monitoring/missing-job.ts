/**
 * @module domain/monitoring/missing-job
 * The missing-measurement check: for every active regime of an active plan, one "missing
 * measurement" Task for the unit per expected period that went by without a value (missed.ts). It runs
 * every LOTS_MONITORING_CHECK_SECONDS in each server process and on demand (`ServiceRequest/$check-missing`).
 * Idempotent and safe with several processes: each Task carries an identifier naming the regime and
 * the period, created under an advisory lock on that identifier after looking for it, in one
 * transaction per period.
 */
import { randomUUID } from 'node:crypto';
import type { ServiceRequest, Task } from '@medplum/fhirtypes';
import type { DomainContext } from '../context.js';
import { idOf } from '../cases/server.js';
import { EXT, MISSED_PERIOD_SYSTEM, MISSING } from './codes.js';
import { activeRegimes, measuredTimes, readCarePlan, taskByIdentifier, writeAsServer } from './data.js';
import { measuredAt } from './evaluate.js';
import { missedPeriods, periodDays, type Period } from './missed.js';

export interface MissingOptions {
  graceHours: number;
  /** Periods looked back at each run. */
  lookback: number;
}

export const MISSING_DEFAULTS: MissingOptions = { graceHours: 6, lookback: 7 };

/** Runs the check as `ctx` (the server, or an administrator on demand); returns the Tasks it created. */
export async function checkMissing(ctx: DomainContext, now = new Date(), options: MissingOptions = MISSING_DEFAULTS): Promise<Task[]> {
  const created: Task[] = [];
  for (const regime of await activeRegimes(ctx)) {
    if (!regime.id || !regime.extension?.some((e) => e.url === EXT.range || e.url === EXT.changeRule)) continue;
    const window = await activeWindow(ctx, regime);
    if (!window) continue;
    const days = periodDays(regime.occurrenceTiming);
    const lookbackStart = new Date(Math.max(window.since.getTime(), now.getTime() - (options.lookback + 1) * days * 86_400_000 - options.graceHours * 3_600_000));
    const ref = `ServiceRequest/${regime.id}`;
    const measured = (await measuredTimes(ctx, ref, lookbackStart)).map(measuredAt).filter((t): t is number => t !== undefined);
    const missed = missedPeriods({ since: window.since, ...(window.until ? { until: window.until } : {}), now, graceHours: options.graceHours, days, measured, lookback: options.lookback });
    for (const p of missed) {
      const task = await createOnce(ctx, regime as ServiceRequest & { id: string }, p, now);
      if (task) created.push(task);
    }
  }
  return created;
}

async function activeWindow(ctx: DomainContext, regime: ServiceRequest): Promise<{ since: Date; until?: Date } | undefined> {
  const planId = idOf(regime.basedOn?.find((b) => idOf(b, 'CarePlan')), 'CarePlan');
  const plan = planId ? await readCarePlan(ctx, planId) : undefined;
  if (planId && (!plan || plan.status !== 'active')) return undefined;
  const start = plan?.period?.start ?? regime.authoredOn;
  if (!start) return undefined;
  return { since: new Date(start), ...(plan?.period?.end ? { until: new Date(plan.period.end) } : {}) };
}

async function createOnce(ctx: DomainContext, regime: ServiceRequest & { id: string }, p: Period, now: Date): Promise<Task | undefined> {
  const value = `${regime.id}/${p.key}`;
  return ctx.repo.transaction(async (repo) => {
    const tx = { ...ctx, repo };
    await repo.lock(`monitoring-missed:${value}`);
    if (await taskByIdentifier(tx, `${MISSED_PERIOD_SYSTEM}|${value}`)) return undefined;
    const task: Task = {
      resourceType: 'Task',
      id: randomUUID(),
      identifier: [{ system: MISSED_PERIOD_SYSTEM, value }],
      status: 'requested',
      intent: 'order',
      priority: 'routine',
      code: { coding: [MISSING], text: MISSING.display! },
      description: `Inget mätvärde ${p.key}: ${regime.code?.text ?? 'egenmonitorering'}`,
      basedOn: [{ reference: `ServiceRequest/${regime.id}` }],
      focus: { reference: `ServiceRequest/${regime.id}` },
      ...(regime.subject ? { for: regime.subject } : {}),
      ...(regime.performer?.[0] ? { owner: regime.performer[0] } : {}),
      authoredOn: now.toISOString(),
      lastModified: now.toISOString(),
      restriction: { period: { start: p.start.toISOString(), end: p.end.toISOString() } },
    };
    return writeAsServer(tx, task);
  });
}
