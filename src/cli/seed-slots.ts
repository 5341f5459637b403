/**
 * @module cli/seed-slots
 * The demo region's free times, always ahead: `lots seed` ends with a batch of
 * `Schedule/[id]/$generate-slots` calls for the next three weeks from the day it runs (Swedish time),
 * so the booking examples find slots whenever the seed was loaded. Running it again adds only the days
 * not covered yet ($generate-slots leaves existing times alone).
 */
import type { Bundle, Parameters, Schedule } from '@medplum/fhirtypes';
import { addDays, stockholmDate } from '../domain/calendar/working-days.js';
import type { BundleSender } from './import.js';

/** Days of free slots from today, today included. */
export const SEED_SLOT_DAYS = 21;

const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => ({ name: 'day', valueCode: d }));

/** A clinic's week as the demo has it: mornings at the clinic, Wednesday afternoons by video. */
function template(start: string, end: string, sampling: boolean): Parameters {
  return {
    resourceType: 'Parameters',
    parameter: [
      { name: 'start', valueDate: start },
      { name: 'end', valueDate: end },
      { name: 'slotMinutes', valueInteger: sampling ? 10 : 20 },
      { name: 'hours', part: [...WEEKDAYS, { name: 'from', valueTime: '08:00:00' }, { name: 'to', valueTime: '12:00:00' }, { name: 'visitType', valueCode: 'physical' }] },
      ...(sampling
        ? []
        : [{ name: 'hours', part: [{ name: 'day', valueCode: 'wed' }, { name: 'from', valueTime: '13:00:00' }, { name: 'to', valueTime: '16:00:00' }, { name: 'visitType', valueCode: 'video' }] }]),
      { name: 'break', part: [{ name: 'from', valueTime: '10:00:00' }, { name: 'to', valueTime: '10:20:00' }] },
    ],
  };
}

/** The batch that makes the seeded Schedules' slots from `today` for three weeks. */
export function seedSlotsBatch(schedules: readonly Schedule[], today = stockholmDate(new Date())): Bundle {
  const end = addDays(today, SEED_SLOT_DAYS - 1);
  return {
    resourceType: 'Bundle',
    type: 'batch',
    entry: schedules.map((s) => ({
      request: { method: 'POST', url: `Schedule/${s.id}/$generate-slots` },
      resource: template(today, end, s.serviceType?.[0]?.coding?.[0]?.code === 'provtagning'),
    })),
  };
}

/** The Schedules in seed files' Bundles. */
export function schedulesIn(bundles: readonly Bundle[]): Schedule[] {
  return bundles.flatMap((b) => (b.entry ?? []).map((e) => e.resource).filter((r): r is Schedule => r?.resourceType === 'Schedule'));
}

/** Sends the batch and says what it made; returns the number of Schedules that failed. */
export async function seedSlots(send: BundleSender, bundles: readonly Bundle[], out: NodeJS.WritableStream, today = stockholmDate(new Date())): Promise<number> {
  const schedules = schedulesIn(bundles);
  if (!schedules.length) return 0;
  const response = await send(seedSlotsBatch(schedules, today));
  const failed = (response.entry ?? []).map((e, i) => [e, schedules[i]!] as const).filter(([e]) => !e.response?.status.startsWith('2'));
  for (const [e, s] of failed) out.write(`Schedule/${s.id}: no slots made: ${e.response?.outcome?.issue?.[0]?.diagnostics ?? e.response?.status}\n`);
  out.write(`Free slots from ${today} to ${addDays(today, SEED_SLOT_DAYS - 1)} on ${schedules.length - failed.length} of ${schedules.length} demo schedules\n`);
  return failed.length;
}
