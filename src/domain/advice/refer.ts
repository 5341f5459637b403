/**
 * @module domain/advice/refer
 * Hänvisning, pure: which units suit a level of care, whether a unit is open at a moment (its
 * `availableTime` on the Swedish calendar: closed on public holidays and the eves midsommarafton,
 * julafton and nyårsafton unless the service says it is open on holidays), how far it is, and the
 * order the nurse sees them in: open now first, then the citizen's listed unit, then nearest.
 */
import type { HealthcareService } from '@medplum/fhirtypes';
import { holidayOn } from '../calendar/swedish-holidays.js';
import { stockholmDate } from '../calendar/working-days.js';
import type { Level } from '../triage/codes.js';

export const SERVICE_TYPE_SYSTEM = 'https://lots.example/fhir/CodeSystem/service-type';
/** HealthcareService extension (valueBoolean): open on public holidays and eves too, by its availableTime. */
export const OPEN_ON_HOLIDAYS_URL = 'https://lots.example/fhir/StructureDefinition/open-on-holidays';

/** The service types that take each level: emergency care at an emergency department; the rest in primary care. */
export const SERVICE_TYPES: Record<Level, readonly string[]> = {
  emergency: ['akut'],
  chat: ['narakut', 'listning'],
  book: ['narakut', 'listning'],
  'self-care': ['narakut', 'listning'],
};

const WEEKDAY = new Intl.DateTimeFormat('en-US', { timeZone: 'Europe/Stockholm', weekday: 'short' });
const CLOCK = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Stockholm', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });

/** Whether the service is open at `at` (Europe/Stockholm), by its availableTime and the Swedish holidays. */
export function openAt(service: HealthcareService, at: Date): boolean {
  const holiday = holidayOn(stockholmDate(at));
  if (holiday && !service.extension?.some((e) => e.url === OPEN_ON_HOLIDAYS_URL && e.valueBoolean === true)) return false;
  const day = WEEKDAY.format(at).toLowerCase().slice(0, 3);
  const time = CLOCK.format(at);
  return (service.availableTime ?? []).some(
    (a) => (a.daysOfWeek ?? []).includes(day as never) && (a.allDay || ((a.availableStartTime ?? '00:00:00') <= time && time < (a.availableEndTime ?? '24:00:00'))),
  );
}

/** Great-circle distance in km (haversine, mean Earth radius). */
export function distanceKm(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371.0088 * Math.asin(Math.sqrt(h));
}

export interface Candidate {
  service: HealthcareService;
  open: boolean;
  listed: boolean;
  distance?: number;
}

/** Open now first, then the citizen's listed unit, then nearest (units without a position last), then by name. */
export function rank(units: readonly Candidate[]): Candidate[] {
  const far = (c: Candidate) => c.distance ?? Number.POSITIVE_INFINITY;
  return [...units].sort((a, b) => Number(b.open) - Number(a.open) || Number(b.listed) - Number(a.listed) || far(a) - far(b) || (a.service.name ?? '').localeCompare(b.service.name ?? ''));
}
