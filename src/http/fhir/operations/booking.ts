/**
 * @module http/fhir/operations/booking
 * The $operations of the booking e-service (src/domain/booking/, docs/booking.md):
 *
 * - `Schedule/[id]/$generate-slots`: free Slots from a weekly template, holidays skipped.
 * - `Appointment/$find` (GET or POST): free Slots at a unit in a period, as a searchset Bundle, with the
 *   clinic's booking settings (the terms per visit type) included, in the manner of the Argonaut
 *   Scheduling `$find`.
 * - `Appointment/$book`: a slot for a patient, in one locked transaction.
 * - `Appointment/[id]/$cancel` and `Appointment/[id]/$reschedule`.
 *
 * Inputs are Parameters resources (or URL parameters for `$find`), checked with zod; a bad input is a
 * 400 naming the parameter.
 */
import type { Appointment, Bundle, BundleEntry, ParametersParameter } from '@medplum/fhirtypes';
import { z } from 'zod';
import { VISIT_TYPES } from '../../../domain/booking/codes.js';
import { DEFAULT_FIND_COUNT, findFree, MAX_FIND_COUNT } from '../../../domain/booking/find.js';
import { generateSlots } from '../../../domain/booking/generate.js';
import { book, cancel, reschedule } from '../../../domain/booking/service.js';
import { WEEKDAYS } from '../../../domain/booking/template.js';
import { collectBody, collectQuery, list, one, optionalOne, parseInput } from '../../../fhir/parameters.js';
import type { FhirRequest, FhirResponse } from '../types.js';
import type { OperationDef } from './operation.js';


// ---- Parameters -> plain values -----------------------------------------------------------------

const reference = (type: string) =>
  z
    .object({ reference: z.string().regex(new RegExp(`^${type}/[A-Za-z0-9\\-.]{1,64}$`), `must be a reference to a ${type}, e.g. ${type}/123`) }, { error: `must be a valueReference to a ${type}` })
    .transform((r) => r.reference);
const date = z
  .string({ error: 'must be a date, e.g. 2026-04-01' })
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date, e.g. 2026-04-01')
  .refine((d) => !Number.isNaN(Date.parse(d)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), 'is not a real date');
const time = z
  .string({ error: 'must be a time, e.g. 08:00:00' })
  .regex(/^([01]\d|2[0-3]):[0-5]\d(:00)?$/, 'must be a time on the minute, e.g. 08:00:00')
  .transform((t) => t.slice(0, 5));
const weekday = z.enum(WEEKDAYS, { error: `must be one of ${WEEKDAYS.join(', ')}` });
const visitType = z.enum(VISIT_TYPES, { error: `must be one of ${VISIT_TYPES.join(', ')}` });
const coding = z.object({ system: z.string().optional(), code: z.string().min(1), display: z.string().optional() }, { error: 'must be a valueCoding' });

// ---- $generate-slots ------------------------------------------------------------------------------

const generateInput = z.strictObject({
  start: one(date),
  end: one(date),
  slotMinutes: one(z.number({ error: 'must be a valueInteger' }).int().min(5).max(480)),
  serviceType: optionalOne(coding),
  visitType: optionalOne(visitType),
  hours: z
    .array(
      z.strictObject({
        day: z.array(weekday).min(1, 'name at least one day'),
        from: one(time),
        to: one(time),
        visitType: optionalOne(visitType),
      }),
      { error: 'is required: the opening hours, one part per period' },
    )
    .min(1),
  break: list(z.strictObject({ day: list(weekday), from: one(time), to: one(time) })),
});

const generateSlotsOperation: OperationDef = {
  name: 'generate-slots',
  levels: ['instance'],
  types: ['Schedule'],
  affectsState: true,
  // Reading the Schedule; creating the Slots is checked as a Slot create.
  scope: 'r',
  async handler(ctx, req, { id }) {
    const input = parseInput(generateInput, collectBody(req.body));
    const defaultVisit = input.visitType ?? 'physical';
    const result = await generateSlots(ctx, id!, {
      start: input.start,
      end: input.end,
      ...(input.serviceType ? { serviceType: input.serviceType } : {}),
      template: {
        slotMinutes: input.slotMinutes,
        hours: input.hours.map((h) => ({ days: h.day, from: h.from, to: h.to, visitType: h.visitType ?? defaultVisit })),
        breaks: input.break.map((b) => ({ ...(b.day.length ? { days: b.day } : {}), from: b.from, to: b.to })),
      },
    });
    const parameter: ParametersParameter[] = [
      { name: 'created', valueInteger: result.created },
      { name: 'skippedExisting', valueInteger: result.skippedExisting },
      ...(result.first ? [{ name: 'first', valueDateTime: result.first }] : []),
      ...(result.last ? [{ name: 'last', valueDateTime: result.last }] : []),
      ...result.holidays.map((h) => ({ name: 'holiday', part: [{ name: 'date', valueDate: h.date }, { name: 'name', valueString: h.name }] })),
    ];
    return { status: 200, resource: { resourceType: 'Parameters', parameter } };
  },
};

// ---- $find ----------------------------------------------------------------------------------------

const findInput = z.strictObject({
  unit: one(z.string({ error: 'must be a reference to the unit, e.g. Organization/vc-centrum' }).min(1)),
  start: one(z.string({ error: 'must be a date or dateTime' })),
  end: one(z.string({ error: 'must be a date or dateTime' })),
  'service-type': optionalOne(z.string()),
  'visit-type': optionalOne(z.string()),
  _count: optionalOne(z.coerce.number({ error: 'must be a number' }).int().min(1).max(MAX_FIND_COUNT)),
});

const findOperation: OperationDef = {
  name: 'find',
  levels: ['type'],
  types: ['Appointment'],
  affectsState: false,
  scope: 's',
  async handler(ctx, req) {
    const input = parseInput(findInput, req.method === 'POST' && req.body !== undefined ? collectBody(req.body) : collectQuery(req.query));
    const found = await findFree(
      ctx,
      {
        unit: input.unit,
        start: input.start,
        end: input.end,
        ...(input['service-type'] ? { serviceType: input['service-type'] } : {}),
        ...(input['visit-type'] ? { visitType: input['visit-type'] } : {}),
      },
      { count: input._count ?? DEFAULT_FIND_COUNT },
    );
    const base = ctx.config.baseUrl;
    const entry: BundleEntry[] = found.slots.map((s) => ({ fullUrl: `${base}/Slot/${s.id}`, resource: s, search: { mode: 'match' } }));
    if (found.service) entry.push({ fullUrl: `${base}/HealthcareService/${found.service.id}`, resource: found.service, search: { mode: 'include' } });
    const self = new URLSearchParams(Object.entries({ unit: found.unit, start: input.start, end: input.end, 'service-type': input['service-type'], 'visit-type': input['visit-type'] }).filter((e): e is [string, string] => e[1] !== undefined));
    const bundle: Bundle = { resourceType: 'Bundle', type: 'searchset', link: [{ relation: 'self', url: `${base}/Appointment/$find?${self}` }], entry };
    return { status: 200, resource: bundle };
  },
};

// ---- $book, $cancel, $reschedule -------------------------------------------------------------------

const bookInput = z.strictObject({ slot: one(reference('Slot')), patient: one(reference('Patient')), comment: optionalOne(z.string().min(1).max(2000)), contact: optionalOne(reference('Encounter')) });
const cancelInput = z.strictObject({ reason: optionalOne(z.string().min(1).max(2000)), lateFee: optionalOne(z.number().positive().max(100_000)) });
const rescheduleInput = z.strictObject({ slot: one(reference('Slot')) });

function appointmentResponse(ctx: { config: { baseUrl: string } }, a: Appointment, status: number): FhirResponse {
  const headers: Record<string, string> = { ETag: `W/"${a.meta!.versionId}"`, 'Last-Modified': new Date(a.meta!.lastUpdated!).toUTCString() };
  if (status === 201) headers.Location = `${ctx.config.baseUrl}/Appointment/${a.id}/_history/${a.meta!.versionId}`;
  return { status, resource: a, headers };
}

const bookOperation: OperationDef = {
  name: 'book',
  levels: ['type'],
  types: ['Appointment'],
  affectsState: true,
  scope: 'c',
  async handler(ctx, req) {
    const input = parseInput(bookInput, collectBody(req.body));
    const appointment = await book(ctx, { slot: input.slot, patient: input.patient, ...(input.comment ? { comment: input.comment } : {}), ...(input.contact ? { contact: input.contact } : {}) });
    return appointmentResponse(ctx, appointment, 201);
  },
};

const cancelOperation: OperationDef = {
  name: 'cancel',
  levels: ['instance'],
  types: ['Appointment'],
  affectsState: true,
  scope: 'u',
  async handler(ctx, req: FhirRequest, { id }) {
    const input = parseInput(cancelInput, collectBody(req.body));
    const options = { ...(input.reason ? { reason: input.reason } : {}), ...(input.lateFee !== undefined ? { lateFee: input.lateFee } : {}) };
    return appointmentResponse(ctx, await cancel(ctx, id!, options), 200);
  },
};

const rescheduleOperation: OperationDef = {
  name: 'reschedule',
  levels: ['instance'],
  types: ['Appointment'],
  affectsState: true,
  scope: 'u',
  async handler(ctx, req, { id }) {
    const input = parseInput(rescheduleInput, collectBody(req.body));
    return appointmentResponse(ctx, await reschedule(ctx, id!, { slot: input.slot }), 200);
  },
};

export const bookingOperations: OperationDef[] = [generateSlotsOperation, findOperation, bookOperation, cancelOperation, rescheduleOperation];
