/**
 * @module fhir/fhirpath
 * The one wrapper around HL7's reference FHIRPath engine (`fhirpath` with its R4 model): expressions
 * are compiled once and cached, so rules written by users (triage rules, alert conditions) and
 * invariant re-checks cost one function call each.
 */
import fhirpath from 'fhirpath';
import r4model from 'fhirpath/fhir-context/r4';

type Compiled = (input: unknown, vars?: Record<string, unknown>) => unknown[];

const cache = new Map<string, Compiled>();
const MAX_CACHED = 5000;

export interface FhirPathOptions {
  /** The path of `input` inside its resource (e.g. `RiskAssessment.prediction`), for type information. */
  base?: string;
}

/** Compiles (once) and returns the expression as a function; throws a plain Error when it does not parse. */
export function compileFhirPath(expression: string, options: FhirPathOptions = {}): Compiled {
  const key = `${options.base ?? ''}\u0000${expression}`;
  let fn = cache.get(key);
  if (!fn) {
    const path = options.base ? { base: options.base, expression } : expression;
    fn = fhirpath.compile(path, r4model) as Compiled;
    if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!);
    cache.set(key, fn);
  }
  return fn;
}

export function evaluateFhirPath(input: unknown, expression: string, vars: Record<string, unknown> = {}, options: FhirPathOptions = {}): unknown[] {
  return compileFhirPath(expression, options)(input, vars);
}
