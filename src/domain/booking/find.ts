/**
 * @module domain/booking/find
 * Free slots at a unit in a period, optionally of one service type and visit type (what
 * `Appointment/$find` answers, and what 1177 direkt triage offers at its "book" level). Citizens are
 * offered only the visit types the clinic opens for online booking (settings.ts); staff and systems
 * see every free slot. Slots that have started are never offered.
 */
import type { Schedule, Slot } from '@medplum/fhirtypes';
import { errors } from '../../fhir/error.js';
import { startOfStockholmDay, addDays } from '../calendar/working-days.js';
import type { DomainContext } from '../context.js';
import { searchResources } from '../repository.js';
import { isVisitType, VISIT_TYPE_SYSTEM, VISIT_TYPES, type VisitType } from './codes.js';
import { refId } from './resolve.js';
import { asServer } from './server.js';
import { clinicSettings, onlineVisitTypes, type ClinicSettings } from './settings.js';

export interface FindQuery {
  /** `Organization/x` (or `x`). */
  unit: string;
  /** A date (from the start of that day, Swedish time) or a dateTime with a time zone. */
  start: string;
  /** A date (to the end of that day, Swedish time) or a dateTime with a time zone. */
  end: string;
  /** A token: `code` or `system|code`. */
  serviceType?: string;
  /** physical, video or phone (or `system|code`). */
  visitType?: string;
}

/** The longest period one search may cover. */
export const MAX_FIND_DAYS = 93;
export const DEFAULT_FIND_COUNT = 100;
export const MAX_FIND_COUNT = 1000;

export interface FindResult extends ClinicSettings {
  unit: string;
  slots: Slot[];
  /** The visit types offered (for a citizen: those open online). */
  visitTypes: VisitType[];
}

/** The free slots, earliest first (at most `count`, default 100). */
export async function findFreeSlots(ctx: DomainContext, q: FindQuery, options: { count?: number; now?: Date } = {}): Promise<Slot[]> {
  return (await findFree(ctx, q, options)).slots;
}

export async function findFree(ctx: DomainContext, q: FindQuery, { count = DEFAULT_FIND_COUNT, now = new Date() }: { count?: number; now?: Date } = {}): Promise<FindResult> {
  const unit = `Organization/${refId(q.unit.includes('/') ? q.unit : `Organization/${q.unit}`, 'Organization', 'unit')}`;
  const from = instant(q.start, 'start');
  const to = instant(q.end, 'end');
  if (to.getTime() <= from.getTime()) throw errors.badRequest('end must be after start', ['end']);
  if (to.getTime() - from.getTime() > MAX_FIND_DAYS * 86_400_000) throw errors.badRequest(`Search at most ${MAX_FIND_DAYS} days at a time`, ['end']);
  const wanted = q.visitType ? [visitTypeParam(q.visitType)] : [...VISIT_TYPES];
  const server = asServer(ctx);
  const clinic = await clinicSettings(ctx, unit);
  const visitTypes = ctx.principal.kind === 'citizen' ? wanted.filter((t) => onlineVisitTypes(clinic.settings).includes(t)) : wanted;
  const result: FindResult = { ...clinic, unit, slots: [], visitTypes };
  if (visitTypes.length === 0) return result;
  const schedules = await unitSchedules(server, unit);
  if (schedules.length === 0) return result;
  const earliest = Math.max(from.getTime(), now.getTime());
  if (earliest >= to.getTime()) return result;
  const params: [string, string][] = [
    ['schedule', schedules.join(',')],
    ['status', 'free'],
    ['start', `ge${new Date(earliest).toISOString()}`],
    ['start', `lt${to.toISOString()}`],
    ['_sort', 'start'],
  ];
  if (q.visitType || visitTypes.length < VISIT_TYPES.length) params.push(['appointment-type', visitTypes.map((t) => `${VISIT_TYPE_SYSTEM}|${t}`).join(',')]);
  if (q.serviceType) params.push(['service-type', q.serviceType]);
  result.slots = await searchResources<Slot>(server, 'Slot', params, Math.min(Math.max(1, count), MAX_FIND_COUNT));
  return result;
}

/** The active Schedules of a unit: of its practitioner roles, its locations (rooms) and its services. */
async function unitSchedules(ctx: DomainContext, unit: string): Promise<string[]> {
  const ids = new Set<string>();
  for (const chain of ['actor:PractitionerRole.organization', 'actor:Location.organization', 'actor:HealthcareService.organization']) {
    const found = await searchResources<Schedule>(ctx, 'Schedule', [[chain, unit]], 1000);
    for (const s of found) if (s.active !== false) ids.add(`Schedule/${s.id}`);
  }
  return [...ids].sort();
}

function visitTypeParam(value: string): VisitType {
  const [system, code] = value.includes('|') ? value.split('|') : [VISIT_TYPE_SYSTEM, value];
  if (system !== VISIT_TYPE_SYSTEM || !isVisitType(code)) throw errors.badRequest(`visit-type must be one of ${VISIT_TYPES.join(', ')}; got ${JSON.stringify(value)}`, ['visit-type']);
  return code;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** A date as the start of that day (or of the next, for an end), Swedish time; a dateTime as it is. */
function instant(value: string, name: 'start' | 'end'): Date {
  if (DATE.test(value) && !Number.isNaN(Date.parse(value))) return startOfStockholmDay(name === 'start' ? value : addDays(value, 1));
  if (DATE_TIME.test(value) && !Number.isNaN(Date.parse(value))) return new Date(value);
  throw errors.badRequest(`${name} must be a date (2026-04-01) or a dateTime with a time zone (2026-04-01T08:00:00+02:00); got ${JSON.stringify(value)}`, [name]);
}
