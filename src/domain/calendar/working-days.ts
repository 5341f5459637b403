/**
 * @module domain/calendar/working-days
 * Working days in Sweden: Monday to Friday, except public holidays and midsommarafton, julafton and
 * nyårsafton (DOMAIN.md section 2). Deadlines are computed in Europe/Stockholm: "end of the Nth
 * working day after the day received" is the last instant of that day, Swedish time.
 */
import { holidayOn } from './swedish-holidays.js';

const STOCKHOLM = 'Europe/Stockholm';
const dateFmt = new Intl.DateTimeFormat('en-CA', { timeZone: STOCKHOLM, year: 'numeric', month: '2-digit', day: '2-digit' });

/** The calendar date in Sweden at an instant. */
export function stockholmDate(at: Date): string {
  return dateFmt.format(at);
}

export function isWorkingDay(date: string): boolean {
  const day = new Date(`${date}T12:00:00Z`).getUTCDay();
  return day !== 0 && day !== 6 && !holidayOn(date);
}

export function addDays(date: string, days: number): string {
  const t = new Date(`${date}T12:00:00Z`);
  t.setUTCDate(t.getUTCDate() + days);
  return t.toISOString().slice(0, 10);
}

/** The Nth working day after `date` (not counting `date` itself). */
export function nthWorkingDayAfter(date: string, n: number): string {
  let d = date;
  let left = n;
  while (left > 0) {
    d = addDays(d, 1);
    if (isWorkingDay(d)) left--;
  }
  return d;
}

/** The UTC instant at which a Swedish calendar day starts (handles summer time). */
export function startOfStockholmDay(date: string): Date {
  // Try both offsets Sweden uses and keep the one that lands on local midnight of `date`.
  for (const offset of ['+01:00', '+02:00']) {
    const t = new Date(`${date}T00:00:00${offset}`);
    if (stockholmDate(t) === date && stockholmDate(new Date(t.getTime() - 1)) !== date) return t;
  }
  throw new Error(`no Stockholm midnight for ${date}`);
}

/** The deadline for something received at `received`: end of the Nth working day after that day. */
export function deadline(received: Date, workingDays: number): Date {
  const due = nthWorkingDayAfter(stockholmDate(received), workingDays);
  return new Date(startOfStockholmDay(addDays(due, 1)).getTime() - 1);
}
