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
