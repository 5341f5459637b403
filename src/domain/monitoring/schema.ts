/**
 * @module domain/monitoring/schema
 * The inputs of the monitoring operations, checked with zod (see fhir/parameters.ts): a bad input is a
 * 400 naming the parameter, an unknown parameter is a 400 too.
 */
import type { Range } from '@medplum/fhirtypes';
import { z } from 'zod';
import { list, one, optionalOne } from '../../fhir/parameters.js';

export { collectBody, collectQuery, parseInput } from '../../fhir/parameters.js';

const reference = (type: string) =>
  z
    .union([z.object({ reference: z.string() }).transform((r) => r.reference), z.string()], { error: `must be a reference to ${type} (${type}/<id>)` })
    .transform((s) => s.replace(/^.*\/(?=[A-Za-z]+\/[^/]+$)/, ''))
    .refine((s) => new RegExp(`^${type}/[A-Za-z0-9\\-.]{1,64}$`).test(s), { error: `must be a reference to ${type} (${type}/<id>)` });

const coding = z.union(
  [
    z.object({ system: z.string().optional(), code: z.string().min(1), display: z.string().optional() }).transform((c) => (c.system ? { system: c.system, code: c.code } : { code: c.code })),
    z.string().min(1).transform((code) => ({ code })),
  ],
  { error: 'must be a Coding (valueCoding) or a code (valueCode)' },
);

const quantity = z.object({ value: z.number(), code: z.string().min(1), system: z.string().optional(), unit: z.string().optional() }, { error: 'must be a Quantity with value and UCUM code' });
const range = z.object({ low: quantity.optional(), high: quantity.optional() }, { error: 'must be a Range (valueRange)' }).transform((r) => r as Range);

const dateTime = z.string().regex(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/, 'must be a date or dateTime');

export const overrideSchema = z.strictObject({ code: one(coding), yellow: optionalOne(range), red: optionalOne(range) });

export const enrollSchema = z.strictObject({
  template: one(z.string({ error: 'must be the canonical URL of a monitoring template (valueCanonical)' }).min(1)),
  patient: one(reference('Patient')),
  unit: one(reference('Organization')),
  end: optionalOne(dateTime),
  override: list(overrideSchema),
});

export const applySchema = z.strictObject({
  subject: one(reference('Patient')),
  organization: optionalOne(reference('Organization')),
});

const ref = z.union([z.object({ reference: z.string() }).transform((r) => r.reference), z.string().min(1)], { error: 'must be a reference to a Patient' });
const tokens = z.array(z.union([z.string().min(1), z.object({ system: z.string().optional(), code: z.string() }).transform((c) => (c.system ? `${c.system}|${c.code}` : c.code))])).optional();

export const lastnSchema = z.strictObject({
  patient: optionalOne(ref),
  subject: optionalOne(ref),
  code: tokens,
  category: tokens,
  max: optionalOne(z.union([z.number(), z.string().regex(/^\d+$/, 'must be a whole number').transform(Number)]).pipe(z.number().int().min(1, 'must be at least 1').max(100, 'must be at most 100'))),
});

const instant = z.string().regex(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/, 'must be a date or dateTime');
const periodString = z.string().transform((v, c) => {
  const [start, end, ...rest] = v.split('/');
  if (rest.length || !start || !end || !instant.safeParse(start).success || !instant.safeParse(end).success) {
    c.addIssue({ code: 'custom', message: 'must be start/end, e.g. 2026-11-01/2026-12-01' });
    return z.NEVER;
  }
  return { start, end };
});
const periodValue = z.object({ start: instant, end: instant }).transform((p) => p);

export const statsSchema = z.strictObject({
  patient: optionalOne(ref),
  subject: optionalOne(ref),
  code: tokens,
  statistic: z.array(z.string().min(1)).optional(),
  period: optionalOne(z.union([periodString, periodValue])),
  duration: optionalOne(z.union([z.number(), z.string().regex(/^\d+(\.\d+)?$/, 'must be a number of hours').transform(Number)])),
});

export const chartSchema = z.strictObject({
  patient: one(ref),
  code: one(z.string().min(1)),
  start: one(instant),
  end: one(instant),
});
