/**
 * @module domain/booking/server
 * Booking acting with the server's rights after it has checked the caller: when a citizen books, the
 * Appointment and the busy Slot are written by the server, which a citizen's own rights would not allow
 * (a Slot is catalogue data). Through the one door (domain/repository.ts `asServer`): the access log
 * names the person who booked, and `lots-booking` as the acting software.
 */
import type { DomainContext } from '../context.js';
import { asServer as serverContext, type ServerRepository } from '../repository.js';

export const BOOKING_SOFTWARE = 'lots-booking';

export function asServer(ctx: DomainContext): DomainContext & { repo: ServerRepository } {
  return serverContext(ctx, BOOKING_SOFTWARE);
}

/** The server's lookups for booking (catalogue data, to decide; not logged). */
export const lookups = (ctx: DomainContext): ServerRepository => asServer(ctx).repo;
