/**
 * @module auth/age
 * Age in whole years on a given day in Europe/Stockholm: a person is 13 from the first moment of their
 * 13th birthday, Swedish time. Someone born on 29 February has their birthday on 1 March in other
 * years (their birthday has not come until 28 February has passed).
 */

const STOCKHOLM = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Stockholm', year: 'numeric', month: '2-digit', day: '2-digit' });

/** The calendar date in Sweden at `now`, as YYYY-MM-DD. */
export function swedishDate(now: Date): string {
  return STOCKHOLM.format(now);
}

/** Whole years from `birthDate` (YYYY, YYYY-MM or YYYY-MM-DD) to the Swedish date at `now`. */
export function ageInYears(birthDate: string, now: Date): number {
  const [y, m = 1, d = 1] = birthDate.slice(0, 10).split('-').map(Number);
  const [ty, tm, td] = swedishDate(now).split('-').map(Number);
  let age = ty! - y!;
  if (tm! < m || (tm === m && td! < d)) age--;
  return age;
}
