/**
 * @module domain/booking/service
 * The booking workflow: book a free slot, cancel a booking, move it to another slot. Each change is one
 * transaction that takes advisory locks (`appointment:<id>`, then `slot:<id>` in id order, so two
 * changes never wait for each other in a circle), re-reads what it locked, and writes the Appointment
 * and its Slot(s) together: two citizens racing for the last slot cannot both get it, and a move frees
 * the old slot only when the new one is taken. The Slot updates also carry If-Match of the version
 * read under the lock, so a writer that bypasses the locks (a plain PUT of the Slot) makes the change
 * fail with 409 rather than be overwritten.
 *
 * Who may do what: a citizen books, cancels and moves for themself and for a child under 13 they are
 * guardian of (`ctx.access.patients`), only the visit types the clinic opens online, and cancels or
 * moves only until 24 hours before the visit (rules.ts); staff act for their own units and may always
 * cancel (the citizen is then sent "Din tid är avbokad"); system clients act for any unit.
 */
import type { Appointment, AppointmentParticipant, Slot } from '@medplum/fhirtypes';
import { errors, FhirError } from '../../fhir/error.js';
import type { DomainContext } from '../context.js';
import { createResource, readResource, updateResource, type ServerRepository } from '../repository.js';
import { holdsOpenContactWith } from '../advice/service.js';
import { CANCEL_REASON_SYSTEM, VISIT_TYPE_DISPLAY, visitTypeOf } from './codes.js';
import { checkLate, lateCancellationFee } from './late-fee.js';
import { meetingLink, meetingLinkOf, withMeetingLink } from './meeting.js';
import { notifyCancelled } from './notify.js';
import { clinicInfo, current, refId, scheduleFacts, type ScheduleFacts } from './resolve.js';
import { mayChangeOnline, tooLateMessage, type Change } from './rules.js';
import { asServer, lookups } from './server.js';
import { clinicSettings, onlineVisitTypes, type BookingSettings } from './settings.js';

export interface BookInput {
  /** `Slot/x`. */
  slot: string;
  /** `Patient/x`. */
  patient: string;
  comment?: string;
  /** `Encounter/x`: the open 1177 advice contact the booking is made in (docs/advice.md). */
  contact?: string;
}

export async function book(ctx: DomainContext, input: BookInput, now = new Date()): Promise<Appointment> {
  const slotId = refId(input.slot, 'Slot', 'slot');
  const patient = `Patient/${refId(input.patient, 'Patient', 'patient')}`;
  mayActFor(ctx, patient, 'book for');
  if (!(await current(lookups(ctx), 'Patient', patient.slice('Patient/'.length)))) throw errors.notFound(`${patient} is not known`);
  // Everything that does not change with bookings is checked before the lock, to keep it short.
  const seen = await current<Slot>(lookups(ctx), 'Slot', slotId);
  if (!seen) throw errors.notFound(`Slot/${slotId} is not known`);
  const facts = await scheduleFacts(lookups(ctx), seen.schedule.reference);
  if (!input.contact || !(await holdsOpenContactWith(ctx, input.contact, patient))) mayActAt(ctx, facts.unit);
  const { settings } = await clinicSettings(ctx, facts.unit);
  if (isCitizen(ctx)) checkOpenOnline(settings, seen, 'book');

  return ctx.repo.transaction(async (repo) => {
    const tx = asServer({ ...ctx, repo });
    const store = tx.repo;
    await store.lock(`slot:${slotId}`);
    const slot = await current<Slot>(store, 'Slot', slotId);
    if (!slot || slot.schedule.reference !== seen.schedule.reference) throw errors.conflict(`Slot/${slotId} changed while booking; search again`);
    checkBookable(slot, now);
    const appointment = await createResource<Appointment>(tx, withoutUndefined({
      resourceType: 'Appointment',
      status: 'booked',
      ...visitFields(slot, facts, settings),
      created: now.toISOString(),
      ...(input.comment ? { comment: input.comment } : {}),
      ...(input.contact ? { supportingInformation: [{ reference: input.contact }] } : {}),
      participant: [{ actor: { reference: patient }, required: 'required', status: 'accepted' }, ...clinicParticipants(facts)],
    }));
    await takeSlot(tx, slot);
    return appointment;
  });
}

export interface CancelInput {
  reason?: string;
  /** Staff only, under 24 h before the visit: charge the late cancellation (kr) as a fee outside the cap. */
  lateFee?: number;
}

export async function cancel(ctx: DomainContext, appointmentId: string, input: CancelInput = {}, now = new Date()): Promise<Appointment> {
  const { appointment: seen, facts } = await changeable(ctx, appointmentId, 'cancel', now);
  if (input.lateFee !== undefined) {
    if (isCitizen(ctx)) throw errors.forbidden('lateFee: a late cancellation fee is decided by the clinic');
    checkLate(seen, now);
  }
  return ctx.repo.transaction(async (repo) => {
    const tx = asServer({ ...ctx, repo });
    const store = tx.repo;
    await store.lock(`appointment:${appointmentId}`);
    const slotId = slotIdOf(seen);
    if (slotId) await store.lock(`slot:${slotId}`);
    const appointment = await lockedAppointment(store, appointmentId, seen);
    const cancelled = await updateResource<Appointment>(
      tx,
      withoutUndefined({
        ...appointment,
        status: 'cancelled',
        cancelationReason: { coding: [{ system: CANCEL_REASON_SYSTEM, code: isCitizen(ctx) ? 'pat' : 'prov' }], ...(input.reason ? { text: input.reason } : {}) },
        extension: withMeetingLink(appointment.extension, undefined),
      }),
      version(appointment),
    );
    if (slotId) await freeSlot(tx, slotId);
    if (input.lateFee !== undefined) await createResource(tx, lateCancellationFee(cancelled, patientOf(cancelled), facts.unit, input.lateFee, now));
    // Staff (or the clinic's systems) cancelled: the citizen is told, in the same transaction.
    if (!isCitizen(ctx)) await notifyCancelled(tx, cancelled, facts);
    return cancelled;
  });
}

export interface RescheduleInput {
  /** `Slot/x`: the new time. */
  slot: string;
}

export async function reschedule(ctx: DomainContext, appointmentId: string, input: RescheduleInput, now = new Date()): Promise<Appointment> {
  const newSlotId = refId(input.slot, 'Slot', 'slot');
  const { appointment: seen, facts: oldFacts, settings } = await changeable(ctx, appointmentId, 'reschedule', now);
  const oldSlotId = slotIdOf(seen);
  if (oldSlotId === newSlotId) throw errors.businessRule('The appointment is already in that slot');
  const target = await current<Slot>(lookups(ctx), 'Slot', newSlotId);
  if (!target) throw errors.notFound(`Slot/${newSlotId} is not known`);
  const facts = await scheduleFacts(lookups(ctx), target.schedule.reference);
  if (facts.unit !== oldFacts.unit) {
    throw errors.businessRule(`A booking moves within its clinic (${oldFacts.unit}); the new slot is at ${facts.unit}. Book there and cancel this one instead.`, ['slot']);
  }
  if (isCitizen(ctx)) checkOpenOnline(settings, target, 'reschedule');

  return ctx.repo.transaction(async (repo) => {
    const tx = asServer({ ...ctx, repo });
    const store = tx.repo;
    await store.lock(`appointment:${appointmentId}`);
    for (const id of [newSlotId, ...(oldSlotId ? [oldSlotId] : [])].sort()) await store.lock(`slot:${id}`);
    const appointment = await lockedAppointment(store, appointmentId, seen);
    const slot = await current<Slot>(store, 'Slot', newSlotId);
    if (!slot || slot.schedule.reference !== target.schedule.reference) throw errors.conflict(`Slot/${newSlotId} changed while rebooking; search again`);
    checkBookable(slot, now);
    await takeSlot(tx, slot);
    const moved = await updateResource<Appointment>(
      tx,
      withoutUndefined({
        ...appointment,
        ...visitFields(slot, facts, settings, appointment),
        participant: [...appointment.participant.filter((p) => p.actor?.reference?.startsWith('Patient/')), ...clinicParticipants(facts)],
      }),
      version(appointment),
    );
    if (oldSlotId) await freeSlot(tx, oldSlotId);
    return moved;
  });
}

/** The appointment, when the caller may cancel or move it now; 403, 404, 409 or 422 otherwise. */
async function changeable(ctx: DomainContext, id: string, change: Change, now: Date): Promise<{ appointment: Appointment; facts: ScheduleFacts; settings: BookingSettings }> {
  const appointment = await readResource<Appointment>(ctx, 'Appointment', id);
  if (!appointment) throw errors.notFound(`Appointment/${id} is not known`);
  const patient = patientOf(appointment);
  if (isCitizen(ctx)) mayActFor(ctx, patient, change === 'cancel' ? 'cancel for' : 'rebook for');
  const slotId = slotIdOf(appointment);
  if (!slotId) throw errors.businessRule(`Appointment/${id} was not booked in a slot, so it cannot be ${change === 'cancel' ? 'cancelled' : 'rebooked'} here`);
  const slot = await current<Slot>(lookups(ctx), 'Slot', slotId);
  if (!slot) throw errors.businessRule(`The slot of Appointment/${id} no longer exists`);
  const facts = await scheduleFacts(lookups(ctx), slot.schedule.reference);
  mayActAt(ctx, facts.unit);
  checkStatus(appointment);
  const { settings } = await clinicSettings(ctx, facts.unit);
  if (isCitizen(ctx)) {
    if (!appointment.start || !mayChangeOnline(new Date(appointment.start), now)) {
      throw errors.businessRule(tooLateMessage(change, await clinicInfo(lookups(ctx), facts.unit)));
    }
    if (change === 'reschedule' && !settings.onlineRebooking) {
      const clinic = await clinicInfo(lookups(ctx), facts.unit);
      throw errors.businessRule(`${clinic.name} does not take rebookings online. Phone ${clinic.phone ? `${clinic.name} on ${clinic.phone}` : 'the clinic'}, or cancel this time and book a new one.`);
    }
  }
  return { appointment, facts, settings };
}

/** The appointment under the lock: 409 when it changed since it was checked. */
async function lockedAppointment(store: ServerRepository, id: string, seen: Appointment): Promise<Appointment> {
  const appointment = await current<Appointment>(store, 'Appointment', id);
  if (!appointment || appointment.meta?.versionId !== seen.meta?.versionId) {
    checkStatus(appointment ?? { ...seen, status: 'entered-in-error' });
    throw errors.conflict(`Appointment/${id} changed at the same time; read it again and retry`);
  }
  return appointment;
}

function checkStatus(a: Appointment): void {
  if (a.status !== 'booked') throw errors.conflict(`Appointment/${a.id} is ${a.status}; only a booked appointment can be cancelled or rebooked`);
}

function checkBookable(slot: Slot, now: Date): void {
  if (slot.status !== 'free') throw errors.conflict(`Slot/${slot.id} is already taken (${slot.status}); choose another time`);
  if (Date.parse(slot.start) <= now.getTime()) throw errors.businessRule(`Slot/${slot.id} has already started; choose a later time`, ['slot']);
}

function checkOpenOnline(settings: BookingSettings, slot: Slot, change: 'book' | 'reschedule'): void {
  const type = visitTypeOf(slot);
  if (type && onlineVisitTypes(settings).includes(type)) return;
  const what = type ? VISIT_TYPE_DISPLAY[type].toLowerCase() : 'this kind of visit';
  throw errors.businessRule(`The clinic does not take online ${change === 'book' ? 'bookings' : 'rebookings'} for ${what}; phone the clinic to book it`, ['slot']);
}

/** Citizens act for themselves and the children they are guardian of; staff and systems for anyone. */
function mayActFor(ctx: DomainContext, patient: string, what: string): void {
  if (ctx.access.kind !== 'citizen' || ctx.access.patients.includes(patient)) return;
  throw errors.forbidden(`You may ${what} yourself, or a child under 13 you are guardian of, but not ${patient}`);
}

/** Staff act for their own units only (a 1177 advice nurse also books for the caller of an open contact, see `book`). */
function mayActAt(ctx: DomainContext, unit: string): void {
  if (ctx.access.kind !== 'staff' || ctx.access.units.includes(unit.slice('Organization/'.length))) return;
  throw errors.forbidden(`The slot belongs to ${unit}, which is not one of your units`);
}

const isCitizen = (ctx: DomainContext) => ctx.principal.kind === 'citizen';

function patientOf(a: Appointment): string {
  const ref = a.participant.find((p) => p.actor?.reference?.startsWith('Patient/'))?.actor?.reference;
  if (!ref) throw errors.businessRule(`Appointment/${a.id} has no patient`);
  return ref;
}

function slotIdOf(a: Appointment): string | undefined {
  const ref = a.slot?.[0]?.reference;
  return ref ? refId(ref, 'Slot', 'Appointment.slot') : undefined;
}

/** The fields an Appointment takes from its slot: time, service, visit type and the meeting link. */
function visitFields(slot: Slot, facts: ScheduleFacts, settings: BookingSettings, before?: Appointment): Partial<Appointment> {
  // A video visit keeps its link when it moves to another video slot; other visits have none.
  const link = visitTypeOf(slot) === 'video' ? ((before && meetingLinkOf(before)) ?? meetingLink(settings.meetingLinkPattern)) : undefined;
  return {
    extension: withMeetingLink(before?.extension, link),
    serviceType: slot.serviceType,
    appointmentType: slot.appointmentType,
    start: slot.start,
    end: slot.end,
    minutesDuration: Math.round((Date.parse(slot.end) - Date.parse(slot.start)) / 60_000),
    slot: [{ reference: `Slot/${slot.id}` }],
    ...(facts.schedule.serviceCategory ? { serviceCategory: facts.schedule.serviceCategory } : {}),
  };
}

/** The clinic's side of the Appointment: the practitioner role, the room or clinic, the service. */
function clinicParticipants(facts: ScheduleFacts): AppointmentParticipant[] {
  return [facts.practitionerRole, facts.location, facts.healthcareService]
    .filter((a) => a !== undefined)
    .map((actor) => ({ actor, required: 'required', status: 'accepted' }));
}

async function takeSlot(tx: DomainContext, slot: Slot): Promise<void> {
  await onStale(() => updateResource<Slot>(tx, { ...slot, status: 'busy' }, version(slot)), `Slot/${slot.id} changed while booking; search again`);
}

async function freeSlot(tx: DomainContext, id: string): Promise<void> {
  const slot = await current<Slot>(lookups(tx), 'Slot', id);
  if (!slot || slot.status !== 'busy') return;
  await onStale(() => updateResource<Slot>(tx, { ...slot, status: 'free' }, version(slot)), `Slot/${id} changed at the same time; retry`);
}

/** A 412 from If-Match under the lock means someone wrote without the lock: a conflict for the caller. */
async function onStale<T>(write: () => Promise<T>, message: string): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (err instanceof FhirError && err.status === 412) throw errors.conflict(message);
    throw err;
  }
}

function version(r: { meta?: { versionId?: string } }): number {
  return Number(r.meta?.versionId);
}

function withoutUndefined<T extends object>(r: T): T {
  return Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)) as T;
}
