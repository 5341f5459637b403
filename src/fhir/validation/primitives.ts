/**
 * @module fhir/validation/primitives
 * The lexical rules of the R4 primitive types, https://hl7.org/fhir/R4/datatypes.html#primitive, where
 * @medplum/core is more lenient than HL7's validator: real calendar dates, a time zone on every
 * dateTime with a time and on every instant, `oid` and `uuid` (also as `urn:oid:` and `urn:uuid:` in a
 * uri, url or canonical, where RFC 4122 lets a UUID be upper case), no whitespace in a uri, codes
 * without stray whitespace, base64Binary, finite decimals and integers in range. (Relative `url`s and
 * `canonical`s are left alone: the official examples use them, e.g. `Library/example`.) Pure. Diagnostics never repeat the value (it may be patient data).
 */
import type { Issue } from '../error.js';
import type { TypedNode } from './walk.js';

const YEAR = '([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)';
const MONTH_DAY = '(-(0[1-9]|1[0-2])(-(0[1-9]|[1-2][0-9]|3[0-1]))?)?';
const TIME = '([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\\.[0-9]+)?';
const ZONE = '(Z|(\\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00))';

const PATTERNS: Record<string, { re: RegExp; rule: string }> = {
  date: { re: new RegExp(`^${YEAR}${MONTH_DAY}$`), rule: 'YYYY, YYYY-MM or YYYY-MM-DD' },
  dateTime: {
    re: new RegExp(`^${YEAR}(-(0[1-9]|1[0-2])(-(0[1-9]|[1-2][0-9]|3[0-1])(T${TIME}${ZONE})?)?)?$`),
    rule: 'YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDThh:mm:ss with a time zone (Z or +hh:mm)',
  },
  instant: { re: new RegExp(`^${YEAR}-(0[1-9]|1[0-2])-(0[1-9]|[1-2][0-9]|3[0-1])T${TIME}${ZONE}$`), rule: 'YYYY-MM-DDThh:mm:ss with a time zone (Z or +hh:mm)' },
  time: { re: new RegExp(`^${TIME}$`), rule: 'hh:mm:ss' },
  id: { re: /^[A-Za-z0-9\-.]{1,64}$/, rule: '1 to 64 letters, digits, "-" and "."' },
  oid: { re: /^urn:oid:[0-2](\.(0|[1-9][0-9]*))+$/, rule: 'urn:oid: followed by an OID such as 1.2.752.129.2.1.3.1' },
  uuid: { re: /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, rule: 'urn:uuid: followed by a lower-case UUID' },
  code: { re: /^[^\s]+( [^\s]+)*$/, rule: 'no leading, trailing or double whitespace' },
  uri: { re: /^\S*$/, rule: 'no whitespace' },
};

const UUID_URI = /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const BASE64_CHARS = /^[A-Za-z0-9+/]*={0,2}$/;
const INT32 = { integer: [-2147483648, 2147483647], positiveInt: [1, 2147483647], unsignedInt: [0, 2147483647] } as const;

/** The issues of one primitive value (pushed to `out`). */
export function checkPrimitive(node: TypedNode, out: Issue[]): void {
  const { value, type, expression } = node;
  if (typeof value === 'string') checkString(value, type, expression, out);
  else if (typeof value === 'number') checkNumber(value, type, expression, out);
}

function checkString(value: string, type: string, expression: string, out: Issue[]): void {
  if (value === '') return; // the empty-string rule reports it (validation/empty)
  const pattern = PATTERNS[type];
  if (pattern && !pattern.re.test(value)) {
    out.push(bad(expression, `The value is not a valid ${type}: ${pattern.rule}`));
    return;
  }
  if ((type === 'date' || type === 'dateTime' || type === 'instant') && !realDate(value)) {
    out.push(bad(expression, `The value is not a valid ${type}: there is no such day`));
    return;
  }
  if (type === 'uri' || type === 'url' || type === 'canonical') checkUri(value, type, expression, out);
  if (type === 'base64Binary') {
    const compact = value.replace(/\s/g, '');
    if (compact.length % 4 !== 0 || !BASE64_CHARS.test(compact)) out.push(bad(expression, `The value is not valid base64Binary`));
  }
}

function checkUri(value: string, type: string, expression: string, out: Issue[]): void {
  if (/\s/.test(value)) {
    out.push(bad(expression, `The value is not a valid ${type}: it may not contain whitespace`));
    return;
  }
  if (value.startsWith('urn:oid:') && !PATTERNS.oid!.re.test(value)) out.push(bad(expression, `The value is not a valid OID: ${PATTERNS.oid!.rule}`));
  else if (value.startsWith('urn:uuid:') && !UUID_URI.test(value)) out.push(bad(expression, 'The value is not a valid UUID: urn:uuid: followed by 8-4-4-4-12 hexadecimal digits'));
}

function checkNumber(value: number, type: string, expression: string, out: Issue[]): void {
  if (!Number.isFinite(value)) {
    out.push(bad(expression, `The ${type} value is not a finite number`));
    return;
  }
  const range = INT32[type as keyof typeof INT32];
  if (range && (!Number.isInteger(value) || value < range[0] || value > range[1])) {
    out.push(bad(expression, `${value} is not a valid ${type}: a whole number from ${range[0]} to ${range[1]}`));
  }
}

/** The calendar exists: no 2023-02-29 or 2024-04-31 (the regexes allow day 31 in every month). */
function realDate(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(value);
  if (!m) return true;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function bad(expression: string, diagnostics: string): Issue {
  return { severity: 'error', code: 'value', diagnostics, expression: [expression] };
}
