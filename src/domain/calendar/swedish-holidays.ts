/**
 * @module domain/calendar/swedish-holidays
 * Swedish public holidays (Lag 1989:253 om allmänna helgdagar, as amended 2005) and the eves that are
 * not working days (midsommarafton, julafton, nyårsafton; Lag 1930:173 2 §). Dates are calendar dates
 * in Sweden, as YYYY-MM-DD strings. Pure, no I/O.
 */

export interface Holiday {
  date: string;
  name: string;
  /** `public` = allmän helgdag; `eve` = a day that is not a working day though not a holiday in law. */
  kind: 'public' | 'eve';
}

const pad = (n: number) => String(n).padStart(2, '0');
const iso = (y: number, m: number, d: number) => `${y}-${pad(m)}-${pad(d)}`;

/** Easter Sunday (Gregorian computus, anonymous algorithm). */
export function easterSunday(year: number): { month: number; day: number } {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return { month, day };
}

function shift(y: number, m: number, d: number, days: number): string {
  const t = new Date(Date.UTC(y, m - 1, d + days));
  return iso(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate());
}

/** The Saturday in [from, to] of `month` (midsommardagen, alla helgons dag). */
function saturdayBetween(y: number, month: number, from: number): string {
  for (let d = from; d < from + 7; d++) {
    const t = new Date(Date.UTC(y, month - 1, d));
    if (t.getUTCDay() === 6) return iso(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate());
  }
  throw new Error('unreachable');
}

const cache = new Map<number, Holiday[]>();

export function swedishHolidays(year: number): Holiday[] {
  const hit = cache.get(year);
  if (hit) return hit;
  const e = easterSunday(year);
  const midsommardagen = saturdayBetween(year, 6, 20);
  const [, , msd] = midsommardagen.split('-').map(Number);
  const list: Holiday[] = [
    { date: iso(year, 1, 1), name: 'Nyårsdagen', kind: 'public' },
    { date: iso(year, 1, 6), name: 'Trettondedag jul', kind: 'public' },
    { date: shift(year, e.month, e.day, -2), name: 'Långfredagen', kind: 'public' },
    { date: iso(year, e.month, e.day), name: 'Påskdagen', kind: 'public' },
    { date: shift(year, e.month, e.day, 1), name: 'Annandag påsk', kind: 'public' },
    { date: iso(year, 5, 1), name: 'Första maj', kind: 'public' },
    { date: shift(year, e.month, e.day, 39), name: 'Kristi himmelsfärdsdag', kind: 'public' },
    { date: shift(year, e.month, e.day, 49), name: 'Pingstdagen', kind: 'public' },
    { date: iso(year, 6, 6), name: 'Sveriges nationaldag', kind: 'public' },
    { date: shift(year, 6, msd!, -1), name: 'Midsommarafton', kind: 'eve' },
    { date: midsommardagen, name: 'Midsommardagen', kind: 'public' },
    { date: saturdayBetween(year, 10, 31), name: 'Alla helgons dag', kind: 'public' },
    { date: iso(year, 12, 24), name: 'Julafton', kind: 'eve' },
    { date: iso(year, 12, 25), name: 'Juldagen', kind: 'public' },
    { date: iso(year, 12, 26), name: 'Annandag jul', kind: 'public' },
    { date: iso(year, 12, 31), name: 'Nyårsafton', kind: 'eve' },
  ];
  cache.set(year, list);
  return list;
}

export function holidayOn(date: string): Holiday | undefined {
  return swedishHolidays(Number(date.slice(0, 4))).find((h) => h.date === date);
}
