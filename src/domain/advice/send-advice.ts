/**
 * @module domain/advice/send-advice
 * Sending self-care advice from the library to the citizen in a contact. The library is data: one
 * `ActivityDefinition` per advice text (seed/91-advice-library.json), Swedish, versioned (`version`),
 * with its source (`relatedArtifact` citation, `copyright`), for a reason for contact (useContext
 * focus, SNOMED CT) and a level (useContext workflow, triage-level); the nurse searches it with plain
 * FHIR search (`ActivityDefinition?context=…&description:contains=…`). Sent advice is a Communication
 * of the contact (`encounter`, `instantiatesCanonical` the text's url|version), and, when the citizen
 * shares contact details, a notification in the outbox (cases' notifications).
 */
import { randomUUID } from 'node:crypto';
import type { ActivityDefinition, Communication, CommunicationRequest } from '@medplum/fhirtypes';
import { errors } from '../../fhir/error.js';
import { queueNotifications } from '../cases/notifications.js';
import type { DomainContext } from '../context.js';
import { asServer as serverContext, createResource } from '../repository.js';
import { byCanonical } from '../triage/lookup.js';
import { ADVICE_SOFTWARE, ADVICE_UNIT } from './codes.js';
import { notOpen } from './contact.js';
import { nurseReference, readContact, requireNurse } from './service.js';

const UNIT_NAME = '1177 Sjukvårdsrådgivningen';

export interface SentAdvice {
  message: Communication;
  notifications: CommunicationRequest[];
}

/** Sends the advice `canonical` names (url or url|version; the active version when none), with the nurse's own words added. */
export async function sendAdvice(ctx: DomainContext, encounterId: string, canonical: string, note?: string, now = new Date()): Promise<SentAdvice> {
  requireNurse(ctx);
  const encounter = await readContact(ctx, encounterId);
  const why = notOpen(encounter);
  if (why) throw errors.conflict(why);
  const [advice] = await byCanonical<ActivityDefinition>(ctx, 'ActivityDefinition', canonical, ['active']);
  if (!advice?.description) throw errors.badRequest(`advice: no active advice text ${canonical} is known`, ['advice']);
  const nurse = await nurseReference(ctx);
  const patient = encounter.subject!.reference!;
  const message: Communication = {
    resourceType: 'Communication',
    id: randomUUID(),
    instantiatesCanonical: [advice.version ? `${advice.url}|${advice.version}` : advice.url!],
    status: 'completed',
    subject: { reference: patient },
    encounter: { reference: `Encounter/${encounterId}` },
    topic: { text: advice.title ?? 'Egenvårdsråd' },
    sent: now.toISOString(),
    sender: (nurse ?? { reference: ADVICE_UNIT }) as Communication['sender'],
    recipient: [{ reference: patient }],
    payload: [{ contentString: advice.description }, ...(note?.trim() ? [{ contentString: note.trim() }] : [])],
  };
  return ctx.repo.transaction(async (repo) => {
    const tx = serverContext({ ...ctx, repo }, ADVICE_SOFTWARE);
    const saved = await createResource(tx, message);
    const notifications = await queueNotifications(tx, { patient, about: [`Communication/${saved.id}`], unit: ADVICE_UNIT, unitName: UNIT_NAME }, now);
    return { message: saved, notifications };
  });
}
