/**
 * @module domain/cases/schema
 * The inputs of the case operations, checked with zod: a Parameters body (POST) or URL parameters
 * (GET) are first collected as name -> values, then parsed into typed input. A bad input is a 400 that
 * names the parameter; an unknown parameter is a 400 too (never silently ignored).
 */
import type { QuestionnaireResponse } from '@medplum/fhirtypes';
import { z } from 'zod';
import { many, one, optionalOne } from '../../fhir/parameters.js';
import { parseStatus, type CaseStatus } from './state-machine.js';

export { collectBody, collectQuery, parseInput, type Collected } from '../../fhir/parameters.js';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A Reference to `type` (as `{reference}`, or a string in URL parameters) -> `Type/id`. */
const reference = (type: string) => {
  const a = /^[AEIOU]/.test(type) ? 'an' : 'a';
  return z
    .union([z.object({ reference: z.string() }).transform((r) => r.reference), z.string()], { error: `must be a reference to ${a} ${type}, e.g. {"reference": "${type}/abc"}` })
    .transform((s) => s.replace(/^.*\/(?=[A-Za-z]+\/[^/]+$)/, ''))
    .refine((s) => new RegExp(`^${type}/[A-Za-z0-9\\-.]{1,64}$`).test(s), { error: `must be a reference to ${a} ${type} (${type}/<id>)` });
};

const text = (max = 10_000) => z.string({ error: 'must be a string (valueString)' }).trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);

const coding = z.union([
  z.object({ system: z.string().optional(), code: z.string().min(1), display: z.string().optional() }).transform((c) => (c.system ? { system: c.system, code: c.code } : { code: c.code })),
  z.string().min(1).transform((code) => ({ code })),
], { error: 'must be a Coding (valueCoding) or a code (valueCode)' });

const questionnaireResponse = z.custom<QuestionnaireResponse>((v) => isObject(v) && v.resourceType === 'QuestionnaireResponse', { error: 'must be a QuestionnaireResponse (resource)' });

const flag = z.enum(['true', 'false'], { error: 'must be true or false' }).transform((v) => v === 'true');

const status = z.string().transform((v, c) => {
  const out: CaseStatus[] = [];
  for (const part of v.split(',')) {
    const s = parseStatus(part);
    if (!s) {
      c.addIssue({ code: 'custom', message: `"${part}" is not a case status (Ny, Fördelat, Pågående, Väntar på invånare, Svar från invånare, Avslutat)` });
      return z.NEVER;
    }
    out.push(s);
  }
  return out;
});

export const openCaseSchema = z.strictObject({
  type: one(coding),
  unit: one(reference('Organization')),
  patient: optionalOne(reference('Patient')),
  response: optionalOne(questionnaireResponse),
  message: optionalOne(text()),
});

export const assignSchema = z.strictObject({ handler: optionalOne(reference('PractitionerRole')) });
export const messageSchema = z.strictObject({ message: one(text()) });
export const answerSchema = z.strictObject({ message: optionalOne(text()), response: optionalOne(questionnaireResponse) });
export const closeSchema = z.strictObject({ message: optionalOne(text()), reason: optionalOne(text(1000)) });

const value = optionalOne(z.string({ error: 'must be a string (valueString)' }).trim().min(1, 'must not be empty').max(2000));
export const sendCaseSchema = z.strictObject({
  template: one(z.string({ error: 'must be a template code (valueCode or valueString)' }).min(1)),
  unit: one(reference('Organization')),
  patient: one(reference('Patient')),
  task: optionalOne(reference('Task')),
  date: value,
  time: value,
  resource: value,
  clinic: value,
  message: optionalOne(text()),
});

export const inboxSchema = z.strictObject({
  unit: one(reference('Organization')),
  status: optionalOne(status),
  'include-closed': optionalOne(flag),
  handler: optionalOne(z.string().min(1)),
  type: many(z.string().min(1)).transform((v) => v?.flatMap((s) => s.split(',')).filter(Boolean)),
  received: many(z.string().min(1)),
  patient: optionalOne(z.string().trim().min(1)),
  _count: optionalOne(z.string().regex(/^\d+$/, 'must be a whole number').transform(Number)),
  _include: many(z.string().regex(/^Task:[a-z-]+(:[A-Za-z]+)?$/, 'must be a Task include, e.g. Task:patient')),
});

export const reportSchema = z.strictObject({
  unit: many(reference('Organization')).transform((v) => v),
  from: optionalOne(z.string()),
  to: optionalOne(z.string()),
});
