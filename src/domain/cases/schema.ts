/**
 * @module domain/cases/schema
 * The inputs of the case operations, checked with zod: a Parameters body (POST) or URL parameters
 * (GET) are first collected as name -> values, then parsed into typed input. A bad input is a 400 that
 * names the parameter; an unknown parameter is a 400 too (never silently ignored).
 */
import type { Parameters, ParametersParameter, QuestionnaireResponse } from '@medplum/fhirtypes';
import { z } from 'zod';
import { FhirError, type Issue } from '../../fhir/error.js';
import { parseStatus, type CaseStatus } from './state-machine.js';

export type Collected = Record<string, unknown[]>;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A Parameters body as name -> values (value[x], resource, or parts as a nested record). */
export function collectBody(body: unknown, operation: string): Collected {
  if (body === undefined) return Object.create(null) as Collected;
  if (!isObject(body) || body.resourceType !== 'Parameters') throw new FhirError(400, { code: 'invalid', diagnostics: `$${operation} takes a Parameters resource as its body` });
  return collect((body as unknown as Parameters).parameter);
}

function collect(parameters: ParametersParameter[] | undefined): Collected {
  const out = Object.create(null) as Collected;
  for (const p of parameters ?? []) {
    const key = Object.keys(p).find((k) => k.startsWith('value'));
    const value = p.part ? collect(p.part) : key ? (p as unknown as Record<string, unknown>)[key] : p.resource;
    (out[p.name] ??= []).push(value);
  }
  return out;
}

/** URL parameters as name -> values (without `_format`, `_pretty` and the paging token). */
export function collectQuery(query: URLSearchParams): Collected {
  const out = Object.create(null) as Collected;
  for (const [k, v] of query) if (k !== '_format' && k !== '_pretty' && k !== '_page') (out[k] ??= []).push(v);
  return out;
}

export function parseInput<S extends z.ZodType>(schema: S, input: Collected): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues: Issue[] = result.error.issues.map((i) => {
    if (i.code === 'unrecognized_keys') return { code: 'not-supported', diagnostics: `Unknown parameter ${i.keys.join(', ')}`, expression: i.keys };
    const name = i.path.filter((p) => typeof p === 'string').join('.');
    return { code: 'invalid', diagnostics: `${name || 'Parameters'}: ${i.message}`, ...(name ? { expression: [name] } : {}) };
  });
  throw new FhirError(400, issues);
}

const one = <T extends z.ZodType>(t: T) =>
  z
    .array(t, { error: (i) => (i.input === undefined ? 'is required' : 'has the wrong type') })
    .length(1, 'must be given once')
    .transform((a) => a[0]! as z.output<T>);
const optionalOne = <T extends z.ZodType>(t: T) =>
  z
    .array(t)
    .max(1, 'may be given at most once')
    .optional()
    .transform((a) => a?.[0] as z.output<T> | undefined);
const many = <T extends z.ZodType>(t: T) => z.array(t).optional();

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
