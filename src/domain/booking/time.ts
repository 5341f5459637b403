/**
 * @module domain/booking/time
 * Wall-clock times at a clinic (Europe/Stockholm) as instants, and the Swedish way of writing them in
 * messages. Pure. Calendar dates and working days come from ../calendar/.
 */

const ZONE = 'Europe/Stockholm';
const wallFmt = new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

/** The date and HH:MM on a Swedish wall clock at an instant. */
export function stockholmWallClock(at: Date): { date: string; time: string } {
  const p = Object.fromEntries(wallFmt.formatToParts(at).map((x) => [x.type, x.value]));
  return { date: `${p.year}-${p.month}-${p.day}`, time: `${p.hour}:${p.minute}` };
}

/**
 * The instant at which Swedish clocks show `time` (HH:MM) on `date`, written with its offset
 * (e.g. `2026-03-30T08:00:00+02:00`). Undefined for a time that does not exist (the hour skipped when
 * summer time starts); for the hour that occurs twice in October, the first.
 */
export function stockholmInstant(date: string, time: string): string | undefined {
  for (const offset of ['+02:00', '+01:00']) {
    const iso = `${date}T${time}:00${offset}`;
    const t = new Date(iso);
    if (Number.isNaN(t.getTime())) return undefined;
    const wall = stockholmWallClock(t);
    if (wall.date === date && wall.time === time) return iso;
  }
  return undefined;
}

/** HH:MM as minutes after midnight. */
export function minutesOf(time: string): number {
  const [h, m] = time.split(':').map(Number);
  return h! * 60 + m!;
}

/** Minutes after midnight as HH:MM. */
export function timeOf(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

const svDate = new Intl.DateTimeFormat('sv-SE', { timeZone: ZONE, weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
const svTime = new Intl.DateTimeFormat('sv-SE', { timeZone: ZONE, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

/** "måndag 30 mars 2026" and "10:00", as a Swedish message writes a visit's time. */
export function swedishDateAndTime(at: Date): { date: string; time: string } {
  return { date: svDate.format(at), time: svTime.format(at) };
}
