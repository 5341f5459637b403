/**
 * @module domain/booking/meeting
 * The meeting link of a video visit: the clinic's pattern (settings.ts) with `{room}` replaced by a
 * random room name of 128 bits, so the link cannot be guessed from the visit. It is stored on the
 * Appointment (extension meeting-link), which both the patient and the clinic's staff read.
 */
import { randomBytes } from 'node:crypto';
import type { Appointment, Extension } from '@medplum/fhirtypes';
import { MEETING_LINK_URL } from './codes.js';

export function meetingLink(pattern: string, room = randomBytes(16).toString('base64url')): string {
  return pattern.replaceAll('{room}', room);
}

export function meetingLinkOf(a: Pick<Appointment, 'extension'>): string | undefined {
  return a.extension?.find((e) => e.url === MEETING_LINK_URL)?.valueUrl;
}

/** The Appointment's extensions with the meeting link set to `link` (or removed when undefined). */
export function withMeetingLink(extensions: Extension[] | undefined, link: string | undefined): Extension[] | undefined {
  const others = (extensions ?? []).filter((e) => e.url !== MEETING_LINK_URL);
  const out = link ? [...others, { url: MEETING_LINK_URL, valueUrl: link }] : others;
  return out.length ? out : undefined;
}
