/**
 * @module fhir/search/parse-value
 * Parses one search value by parameter type (https://hl7.org/fhir/R4/search.html#ptypes): prefixes,
 * `system|code`, `Type/id`, `number|system|code`, composite `a$b`, with `\` escapes. A malformed value
 * is a 400 naming the parameter, never a silent no-match.
 */
import { errors } from '../error.js';
import type { ParsedValue } from './request.js';
import type { ParamType } from './registry.js';
import { dateValueRange, splitPrefix, type Prefix } from './values/date-range.js';
import { parseNear } from './values/near.js';
import { decimalRange } from './values/number-range.js';

/** Splits on an unescaped separator, keeping escapes in the pieces. */
export function splitUnescaped(value: string, sep: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    if (ch === '\\' && i + 1 < value.length) {
      cur += ch + value[i + 1];
      i++;
    } else if (ch === sep) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

export const unescape = (s: string): string => s.replace(/\\([\\,|$])/g, '$1');

export function parseValue(type: ParamType, raw: string, name: string, modifier?: string, baseUrl = ''): ParsedValue {
  // Postgres text cannot hold NUL; reject it here rather than fail in the database.
  if (raw.includes('\u0000')) throw errors.badRequest(`${name} contains a NUL character`, [name]);
  switch (type) {
    case 'token':
      return parseToken(raw, modifier);
    case 'string':
      return { kind: 'string', value: unescape(raw) };
    case 'uri':
      return { kind: 'uri', value: unescape(raw) };
    case 'date':
      return parseDate(raw, name);
    case 'number': {
      const { prefix, rest } = prefixed(raw);
      return { kind: 'number', prefix, value: rest, ...decimal(rest, name) };
    }
    case 'quantity':
      return parseQuantity(raw, name);
    case 'reference':
      return parseReference(unescape(raw), name, modifier, baseUrl);
    case 'special':
      if (name === 'near') return parseNear(raw, name);
      throw errors.badRequest(`Searching by ${name} (a ${type} parameter) is not supported`, [name]);
    default:
      throw errors.badRequest(`Searching by ${name} (a ${type} parameter) is not supported`, [name]);
  }
}

function parseToken(raw: string, modifier?: string): ParsedValue {
  const parts = splitUnescaped(raw, '|').map(unescape);
  if (modifier === 'of-type') {
    if (parts.length !== 3 || !parts[2]) {
      throw errors.badRequest(':of-type needs type-system|type-code|value, e.g. identifier:of-type=http://terminology.hl7.org/CodeSystem/v2-0203|MR|12345');
    }
    return { kind: 'token', system: `${parts[0]}|${parts[1]}`, code: parts[2] };
  }
  if (parts.length === 1) return { kind: 'token', code: parts[0]! };
  const [system, code] = parts;
  const out: ParsedValue = { kind: 'token', system: system === '' ? null : system! };
  if (code !== '' && code !== undefined) out.code = parts.slice(1).join('|');
  return out;
}

function prefixed(raw: string): { prefix: Prefix; rest: string } {
  return splitPrefix(raw);
}

function parseDate(raw: string, name: string): ParsedValue {
  // An unencoded '+' in a time zone arrives as a space (2023-03-15T10:00:00 01:00).
  const { prefix, rest } = prefixed(raw.replace(/ (\d{2}:\d{2})$/, '+$1'));
  const range = dateValueRange(rest);
  if (!range) {
    throw errors.badRequest(
      `${name}=${raw} is not a valid date; use e.g. 2023, 2023-03, 2023-03-15 or 2023-03-15T10:00:00Z, optionally with a prefix such as ge or lt`,
      [name],
    );
  }
  return { kind: 'date', prefix, range, raw: rest };
}

function decimal(value: string, name: string): { low: string; high: string } {
  const r = decimalRange(value);
  if (!r) throw errors.badRequest(`${name}: "${value}" is not a number`, [name]);
  return r;
}

function parseQuantity(raw: string, name: string): ParsedValue {
  const parts = splitUnescaped(raw, '|').map(unescape);
  const { prefix, rest } = prefixed(parts[0] ?? '');
  const out: ParsedValue = { kind: 'quantity', prefix, value: rest, ...decimal(rest, name) };
  if (parts.length > 3) throw errors.badRequest(`${name}: a quantity is number|system|code; got "${raw}"`, [name]);
  if (parts[1]) out.system = parts[1];
  if (parts[2]) out.code = parts[2];
  else if (parts.length === 2 && parts[1]) {
    // `5.4|mg` is not R4 syntax; treat a lone second part as the code, as HAPI does.
    out.code = parts[1];
    delete out.system;
  }
  return out;
}

const TYPED_ID = /^([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/\d+)?$/;

function parseReference(raw: string, name: string, modifier: string | undefined, baseUrl: string): ParsedValue {
  const value = baseUrl && raw.startsWith(baseUrl + '/') ? raw.slice(baseUrl.length + 1) : raw;
  if (/^[a-z][a-z0-9+.-]*:/.test(value)) return { kind: 'reference', url: value };
  const m = TYPED_ID.exec(value);
  if (m) return { kind: 'reference', type: m[1]!, id: m[2]! };
  if (/^[A-Za-z0-9\-.]{1,64}$/.test(value)) return modifier ? { kind: 'reference', type: modifier, id: value } : { kind: 'reference', id: value };
  throw errors.badRequest(`${name}: "${value}" is not a reference; use an id, Type/id or an absolute URL`, [name]);
}
