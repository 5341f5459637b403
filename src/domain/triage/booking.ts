/**
 * @module domain/triage/booking
 * The `book` level's use of the booking e-service: the free slots at the patient's listed unit within
 * the rule's days. Triage never fails because booking does: an error is logged and the caller falls
 * back to a Task for the unit, as it does when no slot is free.
 */
import type { Slot } from '@medplum/fhirtypes';
import { FhirError } from '../../fhir/error.js';
import { findFreeSlots } from '../booking/find.js';
import type { DomainContext } from '../context.js';

/** How many free slots a triage offers at most (the earliest). */
export const OFFERED_SLOTS = 10;

export async function findFreeSlotsIfAvailable(ctx: DomainContext, q: { unit: string; start: Date; end: Date }): Promise<Slot[]> {
  try {
    return await findFreeSlots(ctx, { unit: q.unit, start: q.start.toISOString(), end: q.end.toISOString() }, { count: OFFERED_SLOTS, now: q.start });
  } catch (err) {
    ctx.log.warn('triage: free slots could not be found; a Task is created for the unit instead', {
      unit: q.unit,
      error: err instanceof FhirError ? err.message : err instanceof Error ? err.stack : String(err),
    });
    return [];
  }
}
