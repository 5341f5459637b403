/**
 * @module domain/booking/generate
 * `Schedule/[id]/$generate-slots`: a clinic's weekly template (template.ts) over a period becomes free
 * Slots, written together with one set-based insert after every slot is validated. Times that already
 * have a slot on the Schedule are left alone, so running it twice over the same weeks adds nothing.
 * Administrators of the Schedule's unit (and system clients) may do it.
 */
import { randomUUID } from 'node:crypto';
import type { Coding, Schedule, Slot } from '@medplum/fhirtypes';
import { errors } from '../../fhir/error.js';
import type { Holiday } from '../calendar/swedish-holidays.js';
import { addDays, startOfStockholmDay, stockholmDate } from '../calendar/working-days.js';
import type { DomainContext } from '../context.js';
import { checkWrite, readResource } from '../repository.js';
import { visitTypeConcept } from './codes.js';
import { scheduleFacts } from './resolve.js';
import { asServer, lookups } from './server.js';
import { planSlots, templateProblems, MAX_DAYS, type WeeklyTemplate } from './template.js';

/** The most slots one call may create. */
export const MAX_SLOTS = 10_000;

export interface GenerateInput {
  /** First and last calendar day (both included). */
  start: string;
  end: string;
  template: WeeklyTemplate;
  /** The service of the slots; the Schedule's first service type when absent. */
  serviceType?: Coding;
}

export interface GenerateResult {
  created: number;
  /** Planned times left alone because the Schedule already had a slot overlapping them. */
  skippedExisting: number;
  /** Holidays on which the template would have opened. */
  holidays: Holiday[];
  first?: string;
  last?: string;
}

export async function generateSlots(ctx: DomainContext, scheduleId: string, input: GenerateInput): Promise<GenerateResult> {
  const schedule = await readResource<Schedule>(ctx, 'Schedule', scheduleId);
  if (!schedule) throw errors.notFound(`Schedule/${scheduleId} is not known`);
  const facts = await scheduleFacts(lookups(ctx), `Schedule/${scheduleId}`);
  if (ctx.access.kind === 'citizen') throw errors.forbidden('Only the clinic makes slots');
  if (ctx.access.kind === 'staff' && !ctx.access.units.includes(facts.unit.slice('Organization/'.length))) {
    throw errors.forbidden(`Schedule/${scheduleId} belongs to ${facts.unit}, which is not one of your units`);
  }
  if (input.end < input.start) throw errors.badRequest('end must not be before start', ['end']);
  // Slots in the past can never be booked: say so rather than make them and have $find show nothing.
  const today = stockholmDate(new Date());
  if (input.end < today) throw errors.businessRule(`The period ${input.start} to ${input.end} is wholly in the past (today is ${today} in Sweden): no slot in it could be booked`, ['end']);
  if (addDays(input.start, MAX_DAYS) <= input.end) throw errors.badRequest(`Generate at most ${MAX_DAYS} days at a time`, ['end']);
  const problems = templateProblems(input.template);
  if (problems.length) throw errors.badRequest(`The template is not valid: ${problems.join('; ')}`, ['hours']);
  const plan = planSlots(input.template, input.start, input.end);
  if (plan.slots.length > MAX_SLOTS) throw errors.businessRule(`That would make ${plan.slots.length} slots; make at most ${MAX_SLOTS} at a time (a shorter period)`);

  const serviceType = input.serviceType ? [{ coding: [input.serviceType] }] : schedule.serviceType?.slice(0, 1);
  const slots: Slot[] = plan.slots.map((p) => ({
    resourceType: 'Slot',
    id: randomUUID(),
    ...(serviceType?.length ? { serviceType } : {}),
    appointmentType: visitTypeConcept(p.visitType),
    schedule: { reference: `Schedule/${scheduleId}` },
    status: 'free',
    start: p.start,
    end: p.end,
  }));
  if (slots.length === 0) return { created: 0, skippedExisting: 0, holidays: plan.holidays };
  // Scopes and role (administrators change catalogue data) are checked once, as for any Slot create.
  await checkWrite(ctx, slots[0]!, 'c');

  return ctx.repo.transaction(async (repo) => {
    const tx = { ...ctx, repo };
    await repo.lock(`schedule:${scheduleId}`);
    const existing = await asServer(tx).repo.findAll<Slot>('Slot', [
      ['schedule', `Schedule/${scheduleId}`],
      ['start', `ge${startOfStockholmDay(addDays(input.start, -1)).toISOString()}`],
      ['start', `lt${startOfStockholmDay(addDays(input.end, 1)).toISOString()}`],
    ]);
    const taken = existing.filter((s) => s.status !== 'entered-in-error').map((s) => [Date.parse(s.start), Date.parse(s.end)] as const).sort((a, b) => a[0] - b[0]);
    const fresh = slots.filter((s) => !overlapsAny(Date.parse(s.start), Date.parse(s.end), taken));
    if (fresh.length) await repo.createMany(fresh, '$generate');
    return {
      created: fresh.length,
      skippedExisting: slots.length - fresh.length,
      holidays: plan.holidays,
      ...(fresh.length ? { first: fresh[0]!.start, last: fresh[fresh.length - 1]!.start } : {}),
    };
  });
}

/** True when [start, end) overlaps one of `taken` (sorted by start, not overlapping each other much). */
function overlapsAny(start: number, end: number, taken: readonly (readonly [number, number])[]): boolean {
  // The first slot starting at or after `end` bounds the search; only earlier ones can overlap.
  let lo = 0;
  let hi = taken.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (taken[mid]![0] < end) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo - 1; i >= 0; i--) {
    const [s, e] = taken[i]!;
    if (e > start && s < end) return true;
    // Slots are rarely longer than a day: stop once they start a day before this one.
    if (s < start - 86_400_000) break;
  }
  return false;
}
