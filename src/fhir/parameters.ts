/**
 * @module fhir/parameters
 * The input of an `$operation`, checked with zod: a Parameters body (POST) or URL parameters (GET) are
 * first collected as name -> values, then parsed into typed input. A bad input is a 400 naming the
 * parameter; an unknown parameter is a 400 too (never silently ignored).
 */
import type { Parameters, ParametersParameter } from '@medplum/fhirtypes';
import { z } from 'zod';
import { FhirError, type Issue } from './error.js';

export type Collected = Record<string, unknown[]>;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A Parameters body as name -> values (value[x], resource, or parts as a nested record); 400 for anything else. */
export function collectBody(body: unknown, operation?: string): Collected {
  if (body === undefined) return Object.create(null) as Collected;
  if (!isObject(body) || body.resourceType !== 'Parameters') {
    throw new FhirError(400, { code: 'invalid', diagnostics: `${operation ? `$${operation}` : 'This operation'} takes a Parameters resource as its body` });
  }
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

/** URL parameters as name -> values, without those every request may carry (`_format`, `_pretty`, `_page`). */
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

/** Exactly one value. */
export const one = <T extends z.ZodType>(t: T) =>
  z
    .array(t, { error: (i) => (i.input === undefined ? 'is required' : 'has the wrong type') })
    .length(1, 'must be given once')
    .transform((a) => a[0]! as z.output<T>);

/** At most one value. */
export const optionalOne = <T extends z.ZodType>(t: T) =>
  z
    .array(t)
    .max(1, 'may be given at most once')
    .optional()
    .transform((a) => a?.[0] as z.output<T> | undefined);

/** Any number of values (undefined when none is given). */
export const many = <T extends z.ZodType>(t: T) => z.array(t).optional();

/** Any number of values (an empty list when none is given). */
export const list = <T extends z.ZodType>(t: T) =>
  z
    .array(t)
    .optional()
    .transform((a) => (a ?? []) as z.output<T>[]);
