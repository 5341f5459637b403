/**
 * @module domain/booking/settings
 * A clinic's booking settings are data: a `booking-settings` extension on the clinic's HealthcareService
 * (seed/30-booking.json), so a clinic changes them with an ordinary update and they are versioned
 * like any resource. Per visit type: whether citizens may book it online, and its terms text
 * (villkorstext); for the clinic: whether citizens may rebook online, and the meeting-link pattern of
 * video visits. A clinic without settings takes no online bookings.
 *
 * ```json
 * { "url": "https://lots.example/fhir/StructureDefinition/booking-settings", "extension": [
 *   { "url": "onlineRebooking", "valueBoolean": true },
 *   { "url": "meetingLinkPattern", "valueString": "https://video.region.example/join/{room}" },
 *   { "url": "visitType", "extension": [
 *     { "url": "type", "valueCoding": { "system": "https://lots.example/fhir/CodeSystem/visit-type", "code": "video" } },
 *     { "url": "online", "valueBoolean": true },
 *     { "url": "terms", "valueMarkdown": "..." } ] } ] }
 * ```
 */
import type { Extension, HealthcareService } from '@medplum/fhirtypes';
import type { DomainContext } from '../context.js';
import { searchResources } from '../repository.js';
import { BOOKING_SETTINGS_URL, isVisitType, VISIT_TYPE_SYSTEM, type VisitType } from './codes.js';
import { asServer } from './server.js';

/**
 * The meeting-link pattern used when neither the clinic nor the deployment (LOTS_VIDEO_LINK_PATTERN)
 * sets one: `{room}` is replaced by a random, unguessable room name per visit.
 */
export const DEFAULT_MEETING_LINK_PATTERN = 'https://video.lots.example/join/{room}';

export interface VisitTypeSettings {
  online: boolean;
  terms?: string;
}

export interface BookingSettings {
  visitTypes: Partial<Record<VisitType, VisitTypeSettings>>;
  onlineRebooking: boolean;
  meetingLinkPattern: string;
}

/** A clinic with no settings: staff book, citizens cannot book or rebook online (they may still cancel). */
export const NO_SETTINGS: BookingSettings = { visitTypes: {}, onlineRebooking: false, meetingLinkPattern: DEFAULT_MEETING_LINK_PATTERN };

const sub = (e: Extension | undefined, url: string): Extension | undefined => e?.extension?.find((x) => x.url === url);

/** The settings in a HealthcareService, or undefined when it carries none. */
export function parseBookingSettings(service: HealthcareService, defaultPattern = DEFAULT_MEETING_LINK_PATTERN): BookingSettings | undefined {
  const ext = service.extension?.find((e) => e.url === BOOKING_SETTINGS_URL);
  if (!ext) return undefined;
  const visitTypes: BookingSettings['visitTypes'] = {};
  for (const v of ext.extension?.filter((x) => x.url === 'visitType') ?? []) {
    const coding = sub(v, 'type')?.valueCoding;
    const code = coding?.system === VISIT_TYPE_SYSTEM ? coding.code : undefined;
    if (!isVisitType(code)) continue;
    const terms = sub(v, 'terms')?.valueMarkdown ?? sub(v, 'terms')?.valueString;
    visitTypes[code] = { online: sub(v, 'online')?.valueBoolean === true, ...(terms ? { terms } : {}) };
  }
  const pattern = sub(ext, 'meetingLinkPattern')?.valueString;
  return {
    visitTypes,
    onlineRebooking: sub(ext, 'onlineRebooking')?.valueBoolean !== false,
    meetingLinkPattern: pattern && isMeetingLinkPattern(pattern) ? pattern : defaultPattern,
  };
}

/** An https URL with a `{room}` placeholder. */
export function isMeetingLinkPattern(pattern: string): boolean {
  return /^https:\/\/[^\s{}]+/.test(pattern) && pattern.includes('{room}');
}

/** The visit types citizens may book online at the clinic. */
export function onlineVisitTypes(settings: BookingSettings): VisitType[] {
  return (Object.entries(settings.visitTypes) as [VisitType, VisitTypeSettings][]).filter(([, s]) => s.online).map(([t]) => t);
}

export interface ClinicSettings {
  settings: BookingSettings;
  /** The HealthcareService that holds them, when there is one. */
  service?: HealthcareService;
}

/** The booking settings of a unit (`Organization/x`): its active HealthcareService carrying them. */
export async function clinicSettings(ctx: DomainContext, unit: string): Promise<ClinicSettings> {
  const services = await searchResources<HealthcareService>(asServer(ctx), 'HealthcareService', [['organization', unit], ['_sort', '_id']]);
  for (const service of services) {
    if (service.active === false) continue;
    const settings = parseBookingSettings(service, ctx.config.booking.videoLinkPattern);
    if (settings) return { settings, service };
  }
  return { settings: { ...NO_SETTINGS, meetingLinkPattern: ctx.config.booking.videoLinkPattern } };
}
