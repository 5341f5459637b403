/**
 * @module fhir/fhirpath
 * The one wrapper around HL7's reference FHIRPath engine (`fhirpath` with its R4 model): expressions
 * are compiled once and cached, so rules written by users (triage rules, alert conditions) and
 * invariant re-checks cost one function call each.
 *
 * The regular-expression functions (`matches`, `matchesFull`, `replaceMatches`) run on RE2 (`re2js`)
 * instead of the backtracking RegExp: their patterns come from users (patches, triage rules), and
 * `matches('^(a+)+$')` on a long string would otherwise block the whole process for seconds. RE2 matches
 * in linear time; it has no lookaround or backreferences, which FHIRPath does not promise anyway.
 */
import fhirpath, { type UserInvocationTable } from 'fhirpath';
import r4model from 'fhirpath/fhir-context/r4';
import { RE2JS } from 're2js';

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
    fn = fhirpath.compile(path, r4model, { userInvocationTable: LINEAR_REGEX_FUNCTIONS }) as Compiled;
    if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!);
    cache.set(key, fn);
  }
  return fn;
}

export function evaluateFhirPath(input: unknown, expression: string, vars: Record<string, unknown> = {}, options: FhirPathOptions = {}): unknown[] {
  return compileFhirPath(expression, options)(input, vars);
}

/** Compiled RE2 patterns by flags and source: rules evaluate the same few patterns over and over. */
const patterns = new Map<string, RE2JS>();

function re2(regex: string, flags = ''): RE2JS {
  const key = `${flags}\u0000${regex}`;
  let p = patterns.get(key);
  if (!p) {
    let f = RE2JS.DOTALL; // FHIRPath evaluates patterns in single-line mode
    for (const ch of flags) {
      if (ch === 'i') f |= RE2JS.CASE_INSENSITIVE;
      else if (ch === 'm') f |= RE2JS.MULTILINE;
      else throw new Error('matches/matchesFull flags must only contain i and/or m');
    }
    try {
      p = RE2JS.compile(regex, f);
    } catch (e) {
      throw new Error(`Invalid regular expression ${JSON.stringify(regex)}: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (patterns.size >= MAX_CACHED) patterns.delete(patterns.keys().next().value!);
    patterns.set(key, p);
  }
  return p;
}

/** The input string of a string function, or undefined for an empty input (FHIRPath's empty propagation). */
function inputString(coll: unknown[]): string | undefined {
  if (coll.length > 1) throw new Error('Expected a single string, but got a collection of several items');
  const v = coll[0];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new Error(`Expected a string, but got ${typeof v}`);
  return v;
}

const isEmpty = (v: unknown) => v === undefined || v === null || (Array.isArray(v) && v.length === 0);

/**
 * Replacements for fhirpath's built-in regex functions (`userInvocationTable` wins over built-ins).
 * Same arities and empty-collection rules as https://hl7.org/fhirpath/#matchesregex-string-boolean.
 */
export const LINEAR_REGEX_FUNCTIONS: UserInvocationTable = {
  matches: {
    fn: (coll: unknown[], regex?: string, flags?: string) => {
      const str = inputString(coll);
      return str === undefined || isEmpty(regex) ? [] : re2(regex!, flags ?? '').matcher(str).find();
    },
    arity: { 1: ['String'], 2: ['String', 'String'] },
  },
  matchesFull: {
    fn: (coll: unknown[], regex?: string, flags?: string) => {
      const str = inputString(coll);
      return str === undefined || isEmpty(regex) ? [] : re2(`^(?:${regex})$`, flags ?? '').matcher(str).find();
    },
    arity: { 1: ['String'], 2: ['String', 'String'] },
  },
  replaceMatches: {
    fn: (coll: unknown[], regex?: string, repl?: string) => {
      const str = inputString(coll);
      return str === undefined || isEmpty(regex) || isEmpty(repl) ? [] : re2(regex!).matcher(str).replaceAll(repl!);
    },
    arity: { 2: ['String', 'String'] },
  },
};
