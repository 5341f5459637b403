/**
 * @module domain/cases/notifications
 * Telling a citizen that the clinic has written to them (DOMAIN.md section 8, PU-tjänsten): by SMS or
 * e-mail, only when they have shared their contact details (an active Consent, scope patient-privacy,
 * category kontaktuppgifter, provision permit) and only on the channels they chose in it
 * (provision.code from the notification-channel CodeSystem; none listed = every channel they shared),
 * to the mobile number or e-mail address in their Patient.telecom. A child under 13 is notified
 * through the guardians who act for them, each by their own choices.
 *
 * Nothing is sent here: each notification is a CommunicationRequest in the outbox (status active,
 * category notification, `medium` SMS or e-mail, the address in an extension), for a sender service to
 * send and complete. The text says only that there is a message on 1177, never what it says.
 */
import { randomUUID } from 'node:crypto';
import type { CommunicationRequest, Consent, ContactPoint, Patient, RelatedPerson } from '@medplum/fhirtypes';
import { ageInYears } from '../../auth/age.js';
import { GUARDIAN_AGE_LIMIT, guardianMayAct, isGuardianRecord } from '../../auth/proxy-access.js';
import { PERSONNUMMER_SYSTEM } from '../../fhir/identifiers/personnummer.js';
import type { DomainContext } from '../context.js';
import { createResource } from '../repository.js';
import { CONSENT_SCOPE_SYSTEM, CONTACT_SHARING_CATEGORY, EXT, NOTIFICATION_CHANNEL_SYSTEM, OUTBOX_CATEGORY } from './codes.js';
import { findAsServer, idOf, readAsServer } from './server.js';

export type Medium = 'sms' | 'email';
export interface Channel {
  medium: Medium;
  address: string;
}

const MEDIA: readonly Medium[] = ['sms', 'email'];
const MEDIUM_CODING = {
  sms: [{ system: NOTIFICATION_CHANNEL_SYSTEM, code: 'sms', display: 'SMS' }],
  email: [
    { system: NOTIFICATION_CHANNEL_SYSTEM, code: 'email', display: 'E-post' },
    { system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationMode', code: 'EMAILWRIT', display: 'email' },
  ],
};

/** The citizen's current contact-sharing Consent (the latest active one in its period), if any. */
export function contactSharing(consents: readonly Consent[], now: Date): Consent | undefined {
  const t = now.getTime();
  return consents
    .filter((c) => c.status === 'active')
    .filter((c) => (c.scope?.coding ?? []).some((x) => x.system === CONSENT_SCOPE_SYSTEM && x.code === 'patient-privacy'))
    .filter((c) => (c.category ?? []).some((cc) => (cc.coding ?? []).some((x) => x.system === CONTACT_SHARING_CATEGORY.system && x.code === CONTACT_SHARING_CATEGORY.code)))
    .filter((c) => {
      const p = c.provision?.period;
      return (!p?.start || Date.parse(p.start) <= t) && (!p?.end || t < Date.parse(p.end));
    })
    .sort((a, b) => Date.parse(b.dateTime ?? '1900-01-01') - Date.parse(a.dateTime ?? '1900-01-01'))[0];
}

/** Where to notify a citizen, following their Consent and contact details. Pure. */
export function notificationChannels(person: Patient, consents: readonly Consent[], now: Date): Channel[] {
  if (person.active === false || person.deceasedBoolean === true || person.deceasedDateTime) return [];
  const consent = contactSharing(consents, now);
  if (!consent || consent.provision?.type !== 'permit') return [];
  const chosen = (consent.provision.code ?? []).flatMap((cc) => (cc.coding ?? []).filter((c) => c.system === NOTIFICATION_CHANNEL_SYSTEM).map((c) => c.code));
  const media = chosen.length ? MEDIA.filter((m) => chosen.includes(m)) : MEDIA;
  const out: Channel[] = [];
  for (const medium of media) {
    const address = contactFor(person.telecom ?? [], medium, now);
    if (address) out.push({ medium, address });
  }
  return out;
}

function contactFor(telecom: readonly ContactPoint[], medium: Medium, now: Date): string | undefined {
  const current = telecom.filter((c) => c.value?.trim() && (!c.period?.end || Date.parse(c.period.end) > now.getTime()));
  const fits = current.filter((c) => (medium === 'email' ? c.system === 'email' : c.system === 'sms' || (c.system === 'phone' && c.use === 'mobile')));
  fits.sort((a, b) => (a.rank ?? 1000) - (b.rank ?? 1000));
  return fits[0]?.value?.trim();
}

/** A person to notify: their own Patient record (contact details and Consent live there). */
interface Recipient {
  person: Patient;
  /** What CommunicationRequest.recipient names. */
  reference: string;
}

/**
 * Who to notify about a message to `patientRef`: the guardian who asked, when the case was opened by a
 * guardian (requester = RelatedPerson); else the patient, or for a child under 13 the guardians who
 * act for them.
 */
export async function recipients(ctx: DomainContext, patientRef: string, requesterRef: string | undefined, now: Date): Promise<Recipient[]> {
  const rpId = idOf(requesterRef, 'RelatedPerson');
  if (rpId) {
    const rp = await readAsServer<RelatedPerson>(ctx, 'RelatedPerson', rpId);
    const guardian = rp ? await personOf(ctx, rp) : undefined;
    return guardian ? [guardian] : [];
  }
  const patientId = idOf(patientRef, 'Patient');
  const patient = patientId ? await readAsServer<Patient>(ctx, 'Patient', patientId) : undefined;
  if (!patient) return [];
  if (!patient.birthDate || ageInYears(patient.birthDate, now) >= GUARDIAN_AGE_LIMIT) return [{ person: patient, reference: patientRef }];
  const out: Recipient[] = [];
  for (const rp of await findAsServer<RelatedPerson>(ctx, 'RelatedPerson', [['patient', patientRef]])) {
    const pnr = personnummerOf(rp);
    if (!pnr || !isGuardianRecord(rp, pnr)) continue;
    const consents = (await findAsServer<Consent>(ctx, 'Consent', [['patient', patientRef], ['actor', `RelatedPerson/${rp.id}`]])).filter((c) => c.status === 'active');
    if (!guardianMayAct({ child: patient, relation: rp, consents }, now).allowed) continue;
    const guardian = await personOf(ctx, rp);
    if (guardian) out.push(guardian);
  }
  return out;
}

const personnummerOf = (rp: RelatedPerson) => rp.identifier?.find((i) => i.system === PERSONNUMMER_SYSTEM)?.value;

/** The guardian's own Patient record, found by the personnummer on the RelatedPerson. */
async function personOf(ctx: DomainContext, rp: RelatedPerson): Promise<Recipient | undefined> {
  const pnr = personnummerOf(rp);
  if (!pnr) return undefined;
  const [person] = await findAsServer<Patient>(ctx, 'Patient', [['identifier', `${PERSONNUMMER_SYSTEM}|${pnr}`]], 1);
  return person ? { person, reference: `Patient/${person.id}` } : undefined;
}

export interface NotifyInput {
  /** The patient the message is about (`Patient/x`). */
  patient: string;
  /** The case's requester, when there is a case. */
  requester?: string;
  /** `Communication/x` (and `Task/y`) the notification is about. */
  about: string[];
  /** The clinic (`Organization/x`) and its name, for the text. */
  unit: string;
  unitName: string;
}

/** Queues the notifications for a message from the clinic; `ctx` must be the server's. Returns them. */
export async function queueNotifications(ctx: DomainContext, input: NotifyInput, now = new Date()): Promise<CommunicationRequest[]> {
  const out: CommunicationRequest[] = [];
  for (const r of await recipients(ctx, input.patient, input.requester, now)) {
    const consents = await findAsServer<Consent>(ctx, 'Consent', [['patient', `Patient/${r.person.id}`], ['scope', `${CONSENT_SCOPE_SYSTEM}|patient-privacy`]]);
    for (const channel of notificationChannels(r.person, consents, now)) {
      out.push(await createResource<CommunicationRequest>(ctx, outboxEntry(input, r.reference, channel, now)));
    }
  }
  return out;
}

export function outboxEntry(input: NotifyInput, recipient: string, channel: Channel, now: Date): CommunicationRequest {
  return {
    resourceType: 'CommunicationRequest',
    id: randomUUID(),
    extension: [{ url: EXT.notificationAddress, valueContactPoint: { system: channel.medium, value: channel.address } }],
    status: 'active',
    category: [{ coding: [OUTBOX_CATEGORY] }],
    priority: 'routine',
    medium: [{ coding: MEDIUM_CODING[channel.medium], text: channel.medium === 'sms' ? 'SMS' : 'E-post' }],
    subject: { reference: input.patient },
    about: input.about.map((reference) => ({ reference })),
    authoredOn: now.toISOString(),
    recipient: [{ reference: recipient }],
    sender: { reference: input.unit, display: input.unitName },
    payload: [{ contentString: `Du har fått ett nytt meddelande från ${input.unitName}. Logga in på 1177.se för att läsa det.` }],
  };
}
