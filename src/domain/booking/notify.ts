/**
 * @module domain/booking/notify
 * When the clinic cancels a visit, the citizen gets the case template "Din tid är avbokad"
 * (`din-tid-ar-avbokad`, from the cases e-service) with the date, time, resource and clinic filled in.
 */
import type { Appointment, Communication } from '@medplum/fhirtypes';
import { sendTemplateMessage } from '../cases/templates.js';
import type { DomainContext } from '../context.js';
import { clinicInfo, type ScheduleFacts } from './resolve.js';
import { lookups } from './server.js';
import { swedishDateAndTime } from './time.js';

export const CANCELLED_TEMPLATE = 'din-tid-ar-avbokad';

/** The template's values for a visit: "måndag 30 mars 2026", "10:00", "Anna Lind", the clinic's name. */
export function cancelledValues(appointment: Appointment, facts: ScheduleFacts, clinic: string): Record<string, string> {
  const { date, time } = swedishDateAndTime(new Date(appointment.start!));
  const resource = facts.practitionerRole?.display ?? facts.healthcareService?.display ?? facts.location?.display ?? clinic;
  return { date, time, resource, clinic };
}

export async function notifyCancelled(ctx: DomainContext, appointment: Appointment, facts: ScheduleFacts): Promise<Communication> {
  const patient = appointment.participant.find((p) => p.actor?.reference?.startsWith('Patient/'))!.actor!.reference!;
  const clinic = await clinicInfo(lookups(ctx), facts.unit);
  return sendTemplateMessage(ctx, { template: CANCELLED_TEMPLATE, unit: facts.unit, patient, values: cancelledValues(appointment, facts, clinic.name) });
}
