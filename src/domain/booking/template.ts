/**
 * @module domain/booking/template
 * A clinic's week as data (opening hours per weekday, slot length, breaks) and the slots it gives over
 * a run of dates, skipping Swedish public holidays and the eves that are not working days
 * (midsommarafton, julafton, nyårsafton). Wall-clock times are Europe/Stockholm, so a 08:00 slot is at
 * 08:00 in winter and in summer. Pure: `generate.ts` stores the result.
 */
import { holidayOn, type Holiday } from '../calendar/swedish-holidays.js';
import { addDays } from '../calendar/working-days.js';
import type { VisitType } from './codes.js';
import { minutesOf, stockholmInstant, timeOf } from './time.js';

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface OpeningHours {
  days: Weekday[];
  /** HH:MM, Swedish time. */
  from: string;
  to: string;
  visitType: VisitType;
}

export interface Break {
  /** Every day when absent. */
  days?: Weekday[];
  from: string;
  to: string;
}

export interface WeeklyTemplate {
  slotMinutes: number;
  hours: OpeningHours[];
  breaks: Break[];
}

export interface PlannedSlot {
  /** Instants with the Swedish offset, e.g. 2026-04-07T08:00:00+02:00. */
  start: string;
  end: string;
  visitType: VisitType;
}

export interface Plan {
  slots: PlannedSlot[];
  /** Holidays in the period on which the template would have opened. */
  holidays: Holiday[];
}

/** The longest period one call may plan, in days. */
export const MAX_DAYS = 366;

/** What is wrong with a template (empty when nothing): reversed times, overlapping opening hours. */
export function templateProblems(t: WeeklyTemplate): string[] {
  const problems: string[] = [];
  for (const [i, h] of t.hours.entries()) {
    if (minutesOf(h.to) <= minutesOf(h.from)) problems.push(`hours[${i}]: "to" (${h.to}) must be after "from" (${h.from})`);
    else if (minutesOf(h.to) - minutesOf(h.from) < t.slotMinutes) problems.push(`hours[${i}]: ${h.from}-${h.to} is shorter than one ${t.slotMinutes}-minute slot`);
  }
  for (const [i, b] of t.breaks.entries()) {
    if (minutesOf(b.to) <= minutesOf(b.from)) problems.push(`break[${i}]: "to" (${b.to}) must be after "from" (${b.from})`);
  }
  for (const day of WEEKDAYS) {
    const open = t.hours.filter((h) => h.days.includes(day)).sort((a, b) => minutesOf(a.from) - minutesOf(b.from));
    for (let i = 1; i < open.length; i++) {
      if (minutesOf(open[i]!.from) < minutesOf(open[i - 1]!.to)) problems.push(`hours overlap on ${day}: ${open[i - 1]!.from}-${open[i - 1]!.to} and ${open[i]!.from}-${open[i]!.to}`);
    }
  }
  return problems;
}

/** The weekday of a calendar date. */
export function weekdayOf(date: string): Weekday {
  const d = new Date(`${date}T12:00:00Z`).getUTCDay();
  return WEEKDAYS[(d + 6) % 7]!;
}

/** The slots of the template from `first` to `last` (calendar dates, both included). */
export function planSlots(t: WeeklyTemplate, first: string, last: string): Plan {
  const slots: PlannedSlot[] = [];
  const holidays: Holiday[] = [];
  for (let date = first; date <= last; date = addDays(date, 1)) {
    const day = weekdayOf(date);
    const hours = t.hours.filter((h) => h.days.includes(day));
    if (hours.length === 0) continue;
    const holiday = holidayOn(date);
    if (holiday) {
      holidays.push(holiday);
      continue;
    }
    const breaks = t.breaks.filter((b) => !b.days || b.days.includes(day)).map((b) => [minutesOf(b.from), minutesOf(b.to)] as const);
    for (const h of hours) {
      for (const [from, to] of without([minutesOf(h.from), minutesOf(h.to)], breaks)) {
        for (let s = from; s + t.slotMinutes <= to; s += t.slotMinutes) {
          const start = stockholmInstant(date, timeOf(s));
          const end = stockholmInstant(date, timeOf(s + t.slotMinutes));
          if (start && end) slots.push({ start, end, visitType: h.visitType });
        }
      }
    }
  }
  slots.sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
  return { slots, holidays };
}

/** The parts of [from, to) outside the breaks. */
function without(period: readonly [number, number], breaks: readonly (readonly [number, number])[]): [number, number][] {
  let parts: [number, number][] = [[period[0], period[1]]];
  for (const [bf, bt] of breaks) {
    parts = parts.flatMap(([f, t]): [number, number][] => {
      if (bt <= f || bf >= t) return [[f, t]];
      const out: [number, number][] = [];
      if (bf > f) out.push([f, bf]);
      if (bt < t) out.push([bt, t]);
      return out;
    });
  }
  return parts;
}
