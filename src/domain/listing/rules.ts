/**
 * @module domain/listing/rules
 * The rules of listing (listning) at a primary-care unit, DOMAIN.md section 4, as pure functions of
 * the facts and "today" (the Swedish calendar date):
 * - a person may change unit at most twice in a rolling 12 months (HSL 7 kap. 3 b §) unless there are
 *   special reasons; a "change" is a listing that started while or after another one existed (the
 *   first listing of one's life is a choice, not a change);
 * - a unit may cap its list (listningstak, 3 c §) and a doctor their own list as fast läkarkontakt;
 * - the waiting list of a full unit is first come, first served;
 * - the person must be folkbokförd in Sweden: a Swedish home address, or a protected identity (whose
 *   real address Skatteverket keeps and nobody else sees);
 * - a unit of another region makes the listing wait for that region's confirmation (utomlänslistning);
 * - a newborn is listed where the mother (else another guardian) is listed (Region Halland's practice).
 * Nothing here reads or writes; service.ts gathers the facts and applies the answers.
 */
import { addDays } from '../calendar/working-days.js';

/** At most this many changes in the rolling window, unless staff give a special reason. */
export const MAX_CHANGES = 2;
export const WINDOW_MONTHS = 12;
/** A child under this many days old with no listing is a newborn: listed with a guardian's unit. */
export const NEWBORN_DAYS = 365;

/** One of the person's listings, past or present: when it started (a date or dateTime). */
export interface PastListing {
  start: string;
}

/** `date` (YYYY-MM-DD) plus whole months; the 29th-31st fall back to the month's last day (2024-02-29 + 12 = 2025-02-28). */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const index = y * 12 + (m - 1) + months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}

/**
 * The Swedish dates of the person's changes of unit, oldest first: every listing start except the
 * first one ever. `swedishDateOf` turns a stored start into the Swedish calendar date.
 */
export function changeDates(listings: readonly PastListing[], swedishDateOf: (start: string) => string): string[] {
  const dates = listings.map((l) => swedishDateOf(l.start)).sort();
  return dates.slice(1);
}

export type ChangeDecision = { allowed: true } | { allowed: false; from: string; changes: string[] };

/**
 * May the person change unit on `today`? The window is the 12 months up to and including today:
 * a change on D counts until the day before D + 12 months. With two changes in it, the next one is
 * allowed from the day the older of the two leaves the window.
 */
export function mayChange(changes: readonly string[], today: string): ChangeDecision {
  // A change on D counts while today < D + 12 months (so the answer's `from` is exactly the first day allowed).
  const inWindow = changes.filter((d) => d <= today && today < addMonths(d, WINDOW_MONTHS)).sort();
  if (inWindow.length < MAX_CHANGES) return { allowed: true };
  const oldest = inWindow[inWindow.length - MAX_CHANGES]!;
  return { allowed: false, from: addMonths(oldest, WINDOW_MONTHS), changes: inWindow };
}

/** Room on a list: `cap` undefined means no cap. */
export function hasRoom(listed: number, cap: number | undefined): boolean {
  return cap === undefined || listed < cap;
}

/** A place on a unit's waiting list. */
export interface QueuePlace {
  id: string;
  /** When the person joined (ISO dateTime). */
  since: string;
}

/** The waiting list in the order places are given: first come, first served (the id breaks a tie). */
export function queueOrder<T extends QueuePlace>(places: readonly T[]): T[] {
  return [...places].sort((a, b) => Date.parse(a.since) - Date.parse(b.since) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** An address as the rules need it (Patient.address). */
export interface AddressFacts {
  use?: string;
  type?: string;
  country?: string;
  /** The county (län), e.g. "Kronobergs län"; FHIR's `district` ("aka county"). */
  district?: string;
  period?: { end?: string };
}

/** The person's current Swedish home address (not temporary or old, not a postal-only address). */
export function homeAddress(addresses: readonly AddressFacts[], today: string): AddressFacts | undefined {
  return addresses.find(
    (a) => (a.use ?? 'home') === 'home' && a.type !== 'postal' && (a.country ?? 'SE').toUpperCase() === 'SE' && (!a.period?.end || a.period.end.slice(0, 10) >= today),
  );
}

/** Folkbokförd: a Swedish home address, or a protected identity (the address is hidden, not absent). */
export function isFolkbokford(addresses: readonly AddressFacts[], protectedIdentity: boolean, today: string): boolean {
  return protectedIdentity || homeAddress(addresses, today) !== undefined;
}

/**
 * Out of county when the unit's region and the person's county are both known and differ; a person
 * whose county is not recorded is taken to live in the region that runs this server.
 */
export function isOutOfCounty(personCounty: string | undefined, unitCounty: string | undefined, homeCounty: string | undefined): boolean {
  const person = personCounty ?? homeCounty;
  return person !== undefined && unitCounty !== undefined && normalise(person) !== normalise(unitCounty);
}

const normalise = (s: string) => s.trim().toLocaleLowerCase('sv');

/** A newborn: under NEWBORN_DAYS days old on `today`. */
export function isNewborn(birthDate: string | undefined, today: string): boolean {
  if (!birthDate || birthDate.length < 10) return false;
  return birthDate.slice(0, 10) <= today && addDays(birthDate.slice(0, 10), NEWBORN_DAYS) > today;
}

/** A guardian of a newborn and where they are listed. */
export interface GuardianListing {
  /** v3-RoleCode relationship: MTH, FTH, PRN, GUARD. */
  relationship: string;
  unit?: string;
}

/** Where a newborn is listed: the mother's unit, else another guardian's (DOMAIN.md section 4). */
export function newbornUnit(guardians: readonly GuardianListing[]): string | undefined {
  const rank = (r: string) => (r === 'MTH' ? 0 : 1);
  return [...guardians].filter((g) => g.unit).sort((a, b) => rank(a.relationship) - rank(b.relationship))[0]?.unit;
}

/** Great-circle distance in km (haversine), the same formula as `Location?near`. */
export { distanceKm } from '../../fhir/search/values/near.js';
