/**
 * @module fhir/json-limits
 * Checks a parsed JSON body before anything else looks at it (https://hl7.org/fhir/R4/json.html):
 * - nesting depth: validation, FHIRPath and patching recurse over the tree, so a body nested thousands
 *   of levels deep would overflow the stack (a 500) instead of being refused;
 * - NUL characters: FHIR strings cannot hold them and Postgres' jsonb refuses them;
 * - keys that name members of Object.prototype (`__proto__`, `constructor`, `valueOf`, ...): no FHIR
 *   element has such a name, and engines that walk plain objects call them as functions.
 * The walk is iterative, so it cannot itself overflow. Pure.
 */
import { FhirError } from './error.js';

/** Deeper than any real resource (a Questionnaire with 20 levels of items is about 45), far below a stack overflow. */
export const DEFAULT_MAX_JSON_DEPTH = 100;

const PROTOTYPE_KEYS = new Set(Object.getOwnPropertyNames(Object.prototype));

export interface JsonLimits {
  maxDepth?: number;
  /** The name of the root in error messages, e.g. `Patient` or `Bundle.entry[0].resource`. */
  root?: string;
}

/** Throws a 400 FhirError naming the element when `value` breaks a limit; returns `value` otherwise. */
export function checkJsonLimits<T>(value: T, { maxDepth = DEFAULT_MAX_JSON_DEPTH, root }: JsonLimits = {}): T {
  const top = root ?? rootName(value);
  const stack: { value: unknown; path: string; depth: number }[] = [{ value, path: top, depth: 1 }];
  while (stack.length > 0) {
    const { value: v, path, depth } = stack.pop()!;
    if (typeof v === 'string') {
      if (v.includes('\u0000')) throw invalid(`${path} contains a NUL character (U+0000), which FHIR strings cannot hold`, path);
      continue;
    }
    if (typeof v !== 'object' || v === null) continue;
    if (depth > maxDepth) {
      throw new FhirError(400, { code: 'structure', diagnostics: `The body is nested more than ${maxDepth} levels deep (at ${path})`, expression: [path] });
    }
    if (Array.isArray(v)) {
      v.forEach((item, i) => stack.push({ value: item, path: `${path}[${i}]`, depth: depth + 1 }));
      continue;
    }
    for (const key of Object.keys(v)) {
      const child = `${path}.${key}`;
      if (key.includes('\u0000')) throw invalid(`An element name under ${path} contains a NUL character (U+0000)`, path);
      if (PROTOTYPE_KEYS.has(key)) {
        throw new FhirError(400, { code: 'structure', diagnostics: `"${key}" is not a FHIR element name (at ${child})`, expression: [child] });
      }
      stack.push({ value: (v as Record<string, unknown>)[key], path: child, depth: depth + 1 });
    }
  }
  return value;
}

/**
 * Refuses JSON text nested deeper than `maxDepth` before it is parsed: JSON.parse takes seconds on a body of
 * millions of `[` and its result would still have to be walked. One pass over the text, strings skipped.
 */
export function checkJsonTextDepth(text: string, maxDepth = DEFAULT_MAX_JSON_DEPTH): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 0x5c) i++; // backslash: skip the escaped character
      else if (ch === 0x22) inString = false;
    } else if (ch === 0x22) inString = true;
    else if (ch === 0x5b || ch === 0x7b) {
      if (++depth > maxDepth) throw new FhirError(400, { code: 'structure', diagnostics: `The body is nested more than ${maxDepth} levels deep` });
    } else if (ch === 0x5d || ch === 0x7d) depth--;
  }
}

function rootName(value: unknown): string {
  if (Array.isArray(value)) return '$';
  const type = typeof value === 'object' && value !== null ? (value as { resourceType?: unknown }).resourceType : undefined;
  return typeof type === 'string' && /^[A-Za-z]{1,64}$/.test(type) ? type : '$';
}

function invalid(diagnostics: string, path: string): FhirError {
  return new FhirError(400, { code: 'invalid', diagnostics, expression: [path] });
}
