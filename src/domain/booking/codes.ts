/**
 * @module domain/booking/codes
 * The code systems and extensions of the booking e-service (docs/booking.md describes them). Visit
 * type (physical, video, phone) is carried in `Slot.appointmentType` and `Appointment.appointmentType`
 * (the R4 "style of appointment", searchable as `appointment-type`); the service in `serviceType`.
 */

export const VISIT_TYPE_SYSTEM = 'https://lots.example/fhir/CodeSystem/visit-type';
export const SERVICE_TYPE_SYSTEM = 'https://lots.example/fhir/CodeSystem/service-type';

export const VISIT_TYPES = ['physical', 'video', 'phone'] as const;
export type VisitType = (typeof VISIT_TYPES)[number];

export const VISIT_TYPE_DISPLAY: Record<VisitType, string> = {
  physical: 'Besök på mottagningen',
  video: 'Videobesök',
  phone: 'Telefonsamtal',
};

/** The clinic's booking settings: a complex extension on the clinic's HealthcareService (settings.ts). */
export const BOOKING_SETTINGS_URL = 'https://lots.example/fhir/StructureDefinition/booking-settings';
/** The meeting link of a video Appointment (valueUrl), read by both participants. */
export const MEETING_LINK_URL = 'https://lots.example/fhir/StructureDefinition/meeting-link';

/** R4 appointment-cancellation-reason: who cancelled. */
export const CANCEL_REASON_SYSTEM = 'http://terminology.hl7.org/CodeSystem/appointment-cancellation-reason';

export function isVisitType(code: string | undefined): code is VisitType {
  return (VISIT_TYPES as readonly (string | undefined)[]).includes(code);
}

/** The visit type of a Slot or Appointment (from appointmentType), or undefined when it has none of ours. */
export function visitTypeOf(r: { appointmentType?: { coding?: { system?: string; code?: string }[] } }): VisitType | undefined {
  const code = r.appointmentType?.coding?.find((c) => c.system === VISIT_TYPE_SYSTEM)?.code;
  return isVisitType(code) ? code : undefined;
}

export function visitTypeConcept(type: VisitType): { coding: { system: string; code: string; display: string }[] } {
  return { coding: [{ system: VISIT_TYPE_SYSTEM, code: type, display: VISIT_TYPE_DISPLAY[type] }] };
}
