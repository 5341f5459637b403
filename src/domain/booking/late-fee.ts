/**
 * @module domain/booking/late-fee
 * A late cancellation (less than 24 hours before the visit, DOMAIN.md section 3) may be charged as a
 * missed visit, by staff decision: a ChargeItem of kind `sen-avbokning`, outside the högkostnadsskydd
 * (it neither counts toward the cap nor is covered by a frikort; domain/citizen/frikort.ts). Pure.
 */
import type { Appointment, ChargeItem } from '@medplum/fhirtypes';
import { errors } from '../../fhir/error.js';
import { COUNTS_TOWARD_CAP, PATIENT_FEE_SYSTEM } from '../citizen/frikort.js';
import { mayChangeOnline, ONLINE_CHANGE_LIMIT_HOURS } from './rules.js';

/** 422 unless the visit starts within 24 hours of `now` (an earlier cancellation is free). */
export function checkLate(appointment: Appointment, now: Date): void {
  if (!appointment.start || mayChangeOnline(new Date(appointment.start), now)) {
    throw errors.businessRule(`lateFee: the visit starts more than ${ONLINE_CHANGE_LIMIT_HOURS} hours from now, so cancelling it is free`, ['lateFee']);
  }
}

export function lateCancellationFee(appointment: Appointment, patient: string, unit: string, kr: number, now: Date): ChargeItem {
  return {
    resourceType: 'ChargeItem',
    status: 'billable',
    extension: [{ url: COUNTS_TOWARD_CAP, valueBoolean: false }],
    code: { coding: [{ system: PATIENT_FEE_SYSTEM, code: 'sen-avbokning', display: 'Sen avbokning' }], text: 'Sen avbokning (debiteras som uteblivet besök)' },
    subject: { reference: patient },
    occurrenceDateTime: appointment.start!,
    enteredDate: now.toISOString(),
    performingOrganization: { reference: unit },
    priceOverride: { value: kr, currency: 'SEK' },
    supportingInformation: [{ reference: `Appointment/${appointment.id}` }],
  };
}
