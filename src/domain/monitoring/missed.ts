/**
 * @module domain/monitoring/missed
 * Which expected periods of a regime went by without a value: periods are Swedish calendar days (or
 * weeks, per the regime's Timing) counted from the day after enrolment, so a day is a day across a
 * summer-time change (23 or 25 hours). A period is missed when it holds no value and its end plus the
 * grace time has passed. Pure.
 */
import type { Timing } from '@medplum/fhirtypes';
import { addDays, startOfStockholmDay, stockholmDate } from '../calendar/working-days.js';

export interface Period {
  start: Date;
  end: Date;
  /** The period's first Swedish date: with the regime, it names the missed period (idempotency). */
  key: string;
}

/** The length of one expected period in days (Timing.repeat period × unit: d or wk; else a day). */
export function periodDays(timing: Timing | undefined): number {
  const r = timing?.repeat;
  const n = Math.max(1, Math.round(r?.period ?? 1));
  return r?.periodUnit === 'wk' ? 7 * n : r?.periodUnit === 'd' ? n : 1;
}

export interface MissedInput {
  /** When the regime began (enrolment). */
  since: Date;
  /** When it ends, if it does. */
  until?: Date;
  now: Date;
  graceHours: number;
  days: number;
  /** Epoch ms of the values received. */
  measured: readonly number[];
  /** At most this many of the latest due periods are looked at (older ones were checked before). */
  lookback: number;
}

export function missedPeriods(i: MissedInput): Period[] {
  const first = addDays(stockholmDate(i.since), 1);
  const due: Period[] = [];
  for (let k = 0; ; k++) {
    const key = addDays(first, k * i.days);
    const start = startOfStockholmDay(key);
    const end = startOfStockholmDay(addDays(first, (k + 1) * i.days));
    if (end.getTime() + i.graceHours * 3_600_000 > i.now.getTime()) break;
    if (i.until && end.getTime() > i.until.getTime()) break;
    due.push({ start, end, key });
  }
  return due.slice(-i.lookback).filter((p) => !i.measured.some((t) => t >= p.start.getTime() && t < p.end.getTime()));
}
