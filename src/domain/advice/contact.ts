/**
 * @module domain/advice/contact
 * A contact with 1177 Sjukvårdsrådgivningen as FHIR, and who may act on it. Pure: no I/O.
 *
 * A contact is an `Encounter` (class virtual, type phone or chat, service provider the advice unit,
 * subject the citizen or an anonymous caller, the nurse as participant), `in-progress` from the moment
 * the nurse opens it until they close it (`finished`, with the end time). While it is open a Task of
 * the advice unit points at it (`Task.encounter`): for a chat the 1177 direkt chat's own Task, for a
 * call a contact Task; that open Task is what makes the citizen one of the unit's patients
 * (auth/policy.ts), so the nurses of the unit see the contact and what it writes while it is open.
 */
import type { Encounter, Patient, Reference, Task } from '@medplum/fhirtypes';
import type { Principal } from '../../auth/principal.js';
import { ADVICE_SERVICE, ADVICE_UNIT, ANONYMOUS_TAG, channelCoding, CONTACT_TASK, VIRTUAL_CLASS, type Channel } from './codes.js';

/** Why the caller may not act as the advice unit's nurse, or undefined when they may. */
export function notAdviceNurse(principal: Principal): string | undefined {
  if (principal.kind === 'citizen') return 'Only a nurse of 1177 Sjukvårdsrådgivningen handles advice contacts';
  const atUnit = (u: string) => u === ADVICE_UNIT || `Organization/${u}` === ADVICE_UNIT;
  if (principal.kind === 'staff' && (!principal.units.some(atUnit) || !principal.roles.includes('nurse'))) {
    return `Only a nurse of ${ADVICE_UNIT} (role nurse) handles advice contacts`;
  }
  return undefined;
}

export interface ContactInput {
  channel: Channel;
  patient: string;
  /** The nurse: their PractitionerRole at the advice unit, else their Practitioner (or HSA-id). */
  nurse?: Reference;
  start: Date;
}

export function newContact(c: ContactInput): Encounter {
  const encounter: Encounter = {
    resourceType: 'Encounter',
    status: 'in-progress',
    class: VIRTUAL_CLASS,
    type: [{ coding: [channelCoding(c.channel)] }],
    serviceType: { coding: [ADVICE_SERVICE], text: ADVICE_SERVICE.display! },
    subject: { reference: c.patient },
    period: { start: c.start.toISOString() },
    serviceProvider: { reference: ADVICE_UNIT },
  };
  if (c.nurse) encounter.participant = [{ type: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType', code: 'PPRF', display: 'primary performer' }] }], individual: c.nurse as NonNullable<Encounter['participant']>[number]['individual'], period: { start: c.start.toISOString() } }];
  return encounter;
}

/** True for an Encounter of the advice unit (a contact this module handles). */
export function isAdviceContact(e: Encounter): boolean {
  return e.serviceProvider?.reference === ADVICE_UNIT && (e.serviceType?.coding ?? []).some((c) => c.system === ADVICE_SERVICE.system && c.code === ADVICE_SERVICE.code);
}

export const channelOf = (e: Encounter): Channel | undefined => e.type?.[0]?.coding?.find((c) => c.code === 'phone' || c.code === 'chat')?.code as Channel | undefined;

/** Why the contact cannot change any more (assessed, advised, closed), or undefined while it is open. */
export function notOpen(e: Encounter): string | undefined {
  return e.status === 'in-progress' ? undefined : `The contact is ${e.status}; open a new contact for a new call or chat`;
}

/** The contact closed at `end`: finished, with the end time on the contact and on the nurse's part in it. */
export function closedContact(e: Encounter, end: Date): Encounter {
  const at = end.toISOString();
  return {
    ...e,
    status: 'finished',
    period: { ...e.period, end: at },
    ...(e.participant ? { participant: e.participant.map((p) => ({ ...p, period: { ...p.period, end: at } })) } : {}),
  };
}

/** The Task that holds a phone contact in the unit's queue while it is open. */
export function contactTask(encounterId: string, patient: string, start: Date, requester?: Reference): Task {
  const task: Task = {
    resourceType: 'Task',
    status: 'in-progress',
    businessStatus: { text: 'Pågående samtal' },
    intent: 'order',
    code: { coding: [CONTACT_TASK], text: 'Rådgivningssamtal (1177)' },
    focus: { reference: `Encounter/${encounterId}` },
    encounter: { reference: `Encounter/${encounterId}` },
    for: { reference: patient },
    authoredOn: start.toISOString(),
    lastModified: start.toISOString(),
    owner: { reference: ADVICE_UNIT },
  };
  if (requester) task.requester = requester as Task['requester'];
  return task;
}

/** A caller who gave no personnummer; `birthDate` (YYYY-MM-DD, estimated if need be) lets the triage rules, which read age, run. */
export function anonymousCaller(birthDate?: string): Patient {
  const patient: Patient = { resourceType: 'Patient', active: true, meta: { tag: [ANONYMOUS_TAG] }, name: [{ text: 'Anonym uppringare' }] };
  if (birthDate) patient.birthDate = birthDate;
  return patient;
}
