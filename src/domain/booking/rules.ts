/**
 * @module domain/booking/rules
 * The region's rules for changing a booking online, as pure functions of the visit and "now": a citizen
 * may cancel or rebook online until 24 hours before the start, measured in real elapsed time (so on
 * the nights the clocks change, "24 hours before" is 23 or 25 hours on the wall clock before the same
 * clock time the day before). Later than that they phone the clinic, and a late cancellation may be
 * charged as a missed visit (DOMAIN.md section 3). Staff may always change a booking.
 */

export const ONLINE_CHANGE_LIMIT_HOURS = 24;
const LIMIT_MS = ONLINE_CHANGE_LIMIT_HOURS * 3_600_000;

/** The last instant at which a citizen may still cancel or rebook the visit online. */
export function lastOnlineChange(start: Date): Date {
  return new Date(start.getTime() - LIMIT_MS);
}

/** True when a citizen may cancel or rebook online at `now`: at least 24 hours before the start. */
export function mayChangeOnline(start: Date, now: Date): boolean {
  return now.getTime() <= lastOnlineChange(start).getTime();
}

export type Change = 'cancel' | 'reschedule';

export interface Clinic {
  name: string;
  phone?: string;
}

/** What a citizen is told when it is too late to change the visit online. */
export function tooLateMessage(change: Change, clinic: Clinic): string {
  const what = change === 'cancel' ? 'cancelled' : 'rebooked';
  const call = clinic.phone ? `Phone ${clinic.name} on ${clinic.phone}` : `Phone ${clinic.name}`;
  return (
    `The visit starts in less than ${ONLINE_CHANGE_LIMIT_HOURS} hours, so it can no longer be ${what} online. ${call} to ${change === 'cancel' ? 'cancel' : 'change'} it. ` +
    'A late cancellation may be charged as a missed visit.'
  );
}
