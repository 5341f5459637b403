/**
 * @module fhir/search/values/date-range
 * FHIR date/dateTime/instant values as the half-open UTC range they cover at their precision, and the
 * R4 prefix semantics over such ranges (https://hl7.org/fhir/R4/search.html#prefix, #date).
 *
 * Ranges are `[low, high)`: ISO-8601 UTC instants with millisecond precision, or `'-infinity'` /
 * `'infinity'` for open ends, because Postgres `timestamptz` accepts exactly these strings. Half-open
 * rather than the spec's inclusive `...T23:59:59.999` ends so that adjacent precisions tile without
 * gaps and no "last representable instant" has to be invented.
 *
 * Time zones: R4 says a dateTime without a zone is in the server's local time. We take it as UTC
 * instead, so a search means the same thing on every host and in every test run (a region-bound
 * deployment could pick Europe/Stockholm; that would need DST-aware conversion here, and stored
 * values would have to be re-indexed if the choice ever changed). Dates without a time (`2023-03-15`)
 * are also UTC days: FHIR dates carry no zone, and picking one is the same decision.
 *
 * `matchesDate` is the oracle the SQL compiler is tested against: keep the two in lock-step.
 */

export interface Range {
  low: string;
  high: string;
}

export type Prefix = 'eq' | 'ne' | 'gt' | 'lt' | 'ge' | 'le' | 'sa' | 'eb' | 'ap';

const PREFIXES: ReadonlySet<string> = new Set<Prefix>(['eq', 'ne', 'gt', 'lt', 'ge', 'le', 'sa', 'eb', 'ap']);

const NEG_INF = '-infinity';
const POS_INF = 'infinity';

/**
 * Splits a leading comparison prefix off a search value; `eq` when there is none. Only the nine R4
 * prefixes count, in lower case. `ge` alone gives `rest: ''`; rejecting that is the caller's call
 * because only it knows which parameter and which error to report.
 */
export function splitPrefix(value: string): { prefix: Prefix; rest: string } {
  const head = value.slice(0, 2);
  if (PREFIXES.has(head)) return { prefix: head as Prefix, rest: value.slice(2) };
  return { prefix: 'eq', rest: value };
}

/*
 * Precision is whatever is written, left to right. Search also allows hh:mm without seconds and a
 * time without a zone, both of which the dateTime datatype forbids; we accept the union.
 */
const DATE_RE =
  /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;

/** ms since the epoch; avoids `Date.UTC`, which maps years 0-99 to 1900-1999. */
function utcMs(y: number, mo: number, d: number, h = 0, mi = 0, s = 0, ms = 0): number {
  const dt = new Date(0);
  dt.setUTCFullYear(y, mo, d);
  dt.setUTCHours(h, mi, s, ms);
  return dt.getTime();
}

function daysInMonth(y: number, mo: number): number {
  return new Date(utcMs(y, mo + 1, 0)).getUTCDate();
}

/** First instant of year 1: Postgres has no year 0, so anything earlier can only be `-infinity`. */
const MIN_MS = utcMs(1, 0, 1);

/** Formats an instant for `timestamptz`: years past 9999 without JS's `+0` sign, which Postgres rejects. */
export function formatInstant(ms: number): string {
  if (ms === Infinity) return POS_INF;
  if (ms === -Infinity || ms < MIN_MS) return NEG_INF;
  const iso = new Date(ms).toISOString();
  return iso.startsWith('+') ? iso.slice(1).replace(/^0+/, '') : iso;
}

/** Inverse of `formatInstant`; `NaN` for anything it would not have produced. */
export function parseInstant(s: string): number {
  if (s === NEG_INF) return -Infinity;
  if (s === POS_INF) return Infinity;
  const m = /^(\d{4,6})(-.*)$/.exec(s);
  if (!m?.[1] || !m[2]) return NaN;
  return Date.parse(m[1].length === 4 ? s : `+${m[1].padStart(6, '0')}${m[2]}`);
}

/** Parses a FHIR date/dateTime/instant (or search date) into its range in epoch ms. */
function valueMs(value: string): { low: number; high: number } | undefined {
  const m = DATE_RE.exec(value);
  if (!m) return undefined;
  const [, ys, mos, ds, hs, mis, ss, frac, tz] = m;
  const y = Number(ys);
  if (y < 1) return undefined; // FHIR's own pattern has no year 0000
  if (mos === undefined) return { low: utcMs(y, 0, 1), high: utcMs(y + 1, 0, 1) };
  const mo = Number(mos) - 1;
  if (mo < 0 || mo > 11) return undefined;
  if (ds === undefined) return { low: utcMs(y, mo, 1), high: utcMs(y, mo + 1, 1) };
  const d = Number(ds);
  if (d < 1 || d > daysInMonth(y, mo)) return undefined;
  if (hs === undefined || mis === undefined) return { low: utcMs(y, mo, d), high: utcMs(y, mo, d + 1) };

  const h = Number(hs);
  const mi = Number(mis);
  // Second 60 is in FHIR's pattern (leap seconds); it rolls into the next minute like JS does.
  if (h > 23 || mi > 59 || (ss !== undefined && Number(ss) > 60)) return undefined;
  let offsetMin = 0;
  if (tz !== undefined && tz !== 'Z') {
    const oh = Number(tz.slice(1, 3));
    const om = Number(tz.slice(4, 6));
    // FHIR allows -13:59..+13:59 and exactly ±14:00.
    if (om > 59 || oh > 14 || (oh === 14 && om !== 0)) return undefined;
    offsetMin = (tz.startsWith('-') ? -1 : 1) * (oh * 60 + om);
  }
  let ms = 0;
  let width: number;
  if (ss === undefined) width = 60_000;
  else if (frac === undefined) width = 1000;
  else {
    // Finer than a millisecond cannot be stored; the enclosing millisecond still contains the value.
    const digits = frac.slice(0, 3);
    ms = Number(digits.padEnd(3, '0'));
    width = 10 ** (3 - digits.length);
  }
  const low = utcMs(y, mo, d, h, mi, ss === undefined ? 0 : Number(ss), ms) - offsetMin * 60_000;
  return { low, high: low + width };
}

/**
 * The range a FHIR date/dateTime/instant covers at its precision, e.g. `2023` → all of 2023,
 * `2023-03-15T23:30:00-02:00` → that second on 2023-03-16 UTC. Undefined when not a valid value.
 */
export function dateValueRange(value: string): Range | undefined {
  const r = valueMs(value);
  return r && { low: formatInstant(r.low), high: formatInstant(r.high) };
}

/**
 * The range of a Period: from the start of `start`'s precision to the end of `end`'s. A missing or
 * unparsable bound is open, per R4 ("a missing lower boundary is less than any actual date"); stored
 * resources were validated on write, so "unparsable" only means "unknown" here.
 */
export function periodRange(start?: string, end?: string): Range {
  const s = start === undefined ? undefined : valueMs(start);
  const e = end === undefined ? undefined : valueMs(end);
  return { low: s ? formatInstant(s.low) : NEG_INF, high: e ? formatInstant(e.high) : POS_INF };
}

/** Share of the distance between now and the searched value that `ap` widens each end by. */
const AP_FRACTION = 0.1;

/**
 * Whether a target range matches a search range under a prefix, per the "Range" column of the R4
 * prefix table, read for half-open ranges S = [sL, sH), T = [tL, tH):
 * - eq: S fully contains T (sL ≤ tL and tH ≤ sH); ne: not eq.
 * - gt: the range above S, [sH, ∞), overlaps T: tH > sH. lt: (-∞, sL) overlaps T: tL < sL.
 * - ge: gt or eq. le: lt or eq.
 * - sa: T lies entirely at or after sH: tL ≥ sH. eb: T lies entirely before sL: tH ≤ sL.
 * - ap: S, widened at each end by 10% of that end's distance from `now`, overlaps T. 10% of the gap
 *   to now is the spec's own recommendation for dates; the Android FHIR SDK widens the same way.
 * A range with low > high (a Period that ends before it starts) is compared as written.
 */
export function matchesDate(prefix: Prefix, search: Range, target: Range, now: Date = new Date()): boolean {
  const sL = parseInstant(search.low);
  const sH = parseInstant(search.high);
  const tL = parseInstant(target.low);
  const tH = parseInstant(target.high);
  const eq = sL <= tL && tH <= sH;
  switch (prefix) {
    case 'eq':
      return eq;
    case 'ne':
      return !eq;
    case 'gt':
      return tH > sH;
    case 'lt':
      return tL < sL;
    case 'ge':
      return tH > sH || eq;
    case 'le':
      return tL < sL || eq;
    case 'sa':
      return tL >= sH;
    case 'eb':
      return tH <= sL;
    case 'ap': {
      const w = widen(sL, sH, now.getTime());
      return tL < w.high && tH > w.low;
    }
  }
}

/** Whole ms so that the range `approximateRange` hands to SQL is exactly what `matchesDate` used. */
function widen(sL: number, sH: number, now: number): { low: number; high: number } {
  // An infinite end stays infinite: Infinity - 0.1 * Infinity is NaN, hence the guards.
  const low = Number.isFinite(sL) ? Math.floor(sL - AP_FRACTION * Math.abs(now - sL)) : sL;
  const high = Number.isFinite(sH) ? Math.ceil(sH + AP_FRACTION * Math.abs(sH - now)) : sH;
  // Mirror formatInstant's clamp so SQL, which only sees the formatted range, gets the same answer.
  return { low: low < MIN_MS ? -Infinity : low, high };
}

/**
 * The search range `ap` actually uses, for the SQL compiler to bind so that it needs no clock of its
 * own and agrees with `matchesDate` for the same `now`.
 */
export function approximateRange(search: Range, now: Date = new Date()): Range {
  const w = widen(parseInstant(search.low), parseInstant(search.high), now.getTime());
  return { low: formatInstant(w.low), high: formatInstant(w.high) };
}
