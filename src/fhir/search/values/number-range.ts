/**
 * @module fhir/search/values/number-range
 * Exact decimal arithmetic on FHIR decimal strings, the implicit precision range of a searched number
 * (https://hl7.org/fhir/R4/search.html#number), and the JS oracle for number/quantity prefixes.
 *
 * Everything is BigInt-scaled integers: `0.1` has to give [0.05, 0.15), not 0.15000000000000002, and
 * stored values are compared as Postgres `numeric`, which is exact too.
 */
import type { Prefix } from './date-range.js';

/** coef × 10^-scale; scale ≥ 0. */
export interface Decimal {
  readonly coef: bigint;
  readonly scale: number;
}

// FHIR's decimal pattern (https://hl7.org/fhir/R4/datatypes.html#decimal), anchored.
const DECIMAL_RE = /^(-?)(0|[1-9]\d*)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

/*
 * A search value is untrusted input: `1e999999999` would make BigInt build a billion-digit number.
 * The largest exponent in FHIR's own decimal test data is 245.
 */
const MAX_EXPONENT = 1000;

/** Parsed value plus the power of ten of its last written digit (`100` → 0, `1.50` → -2, `1e2` → 2). */
interface Parsed {
  value: Decimal;
  lastDigitExp: number;
}

function parse(s: string): Parsed | undefined {
  const m = DECIMAL_RE.exec(s);
  if (!m) return undefined;
  const [, sign, int = '', frac = '', expStr] = m;
  const exp = expStr === undefined ? 0 : Number(expStr);
  if (Math.abs(exp) > MAX_EXPONENT) return undefined;
  const lastDigitExp = exp - frac.length;
  let coef = BigInt(int + frac);
  if (sign === '-') coef = -coef;
  const value = lastDigitExp >= 0 ? { coef: coef * 10n ** BigInt(lastDigitExp), scale: 0 } : { coef, scale: -lastDigitExp };
  return { value, lastDigitExp };
}

/** A FHIR decimal as an exact value; undefined when the syntax is not FHIR's. */
export function parseDecimal(s: string): Decimal | undefined {
  return parse(s)?.value;
}

/** A plain decimal string, never with an exponent, without trailing fractional zeros. */
export function formatDecimal(d: Decimal): string {
  const neg = d.coef < 0n;
  let digits = (neg ? -d.coef : d.coef).toString();
  if (d.scale > 0) {
    digits = digits.padStart(d.scale + 1, '0');
    const int = digits.slice(0, digits.length - d.scale);
    const frac = digits.slice(digits.length - d.scale).replace(/0+$/, '');
    digits = frac ? `${int}.${frac}` : int;
  }
  return neg && digits !== '0' ? `-${digits}` : digits;
}

function rescale(d: Decimal, scale: number): bigint {
  return d.coef * 10n ** BigInt(scale - d.scale);
}

export function addDecimal(a: Decimal, b: Decimal): Decimal {
  const scale = Math.max(a.scale, b.scale);
  return { coef: rescale(a, scale) + rescale(b, scale), scale };
}

export function subtractDecimal(a: Decimal, b: Decimal): Decimal {
  return addDecimal(a, { coef: -b.coef, scale: b.scale });
}

export function multiplyDecimal(a: Decimal, b: Decimal): Decimal {
  return { coef: a.coef * b.coef, scale: a.scale + b.scale };
}

export function compareDecimal(a: Decimal, b: Decimal): -1 | 0 | 1 {
  const scale = Math.max(a.scale, b.scale);
  const x = rescale(a, scale);
  const y = rescale(b, scale);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Digits in the coefficient: the precision a value carries as parsed (`100.00` → 5). */
export function coefficientDigits(d: Decimal): number {
  return (d.coef < 0n ? -d.coef : d.coef).toString().length;
}

/** Rounds to `digits` significant digits, half away from zero. */
export function roundSignificant(d: Decimal, digits: number): Decimal {
  const drop = coefficientDigits(d) - digits;
  if (drop <= 0 || d.coef === 0n) return d;
  const div = 10n ** BigInt(drop);
  const neg = d.coef < 0n;
  const abs = neg ? -d.coef : d.coef;
  let q = abs / div;
  if ((abs % div) * 2n >= div) q += 1n;
  const coef = neg ? -q : q;
  // Keep scale ≥ 0: a rounded 123456 → 123000 stays an integer rather than 123 × 10^3.
  return drop <= d.scale ? { coef, scale: d.scale - drop } : { coef: coef * 10n ** BigInt(drop - d.scale), scale: 0 };
}

/** Half a unit in the last written digit, the spec's implicit precision. */
function halfUnit(lastDigitExp: number): Decimal {
  const e = lastDigitExp - 1;
  return e >= 0 ? { coef: 5n * 10n ** BigInt(e), scale: 0 } : { coef: 5n, scale: -e };
}

function rangeOf(p: Parsed): { low: Decimal; high: Decimal } {
  const half = halfUnit(p.lastDigitExp);
  return { low: subtractDecimal(p.value, half), high: addDecimal(p.value, half) };
}

/**
 * The range [low, high) a searched decimal stands for: ± half a unit in its last written digit, so
 * `100` → [99.5, 100.5), `100.00` → [99.995, 100.005), `0.1` → [0.05, 0.15).
 *
 * Exponent forms count their mantissa's digits as significant: `1.0e2` → [95, 105) and `1e2` →
 * [50, 150). R4's table lists `1e2` as "1 significant figure ... [95 ... 105)", which contradicts
 * itself; we follow the stated significant figures, since [95, 105) is what 2 figures give.
 */
export function decimalRange(value: string): { low: string; high: string } | undefined {
  const p = parse(value);
  if (!p) return undefined;
  const r = rangeOf(p);
  return { low: formatDecimal(r.low), high: formatDecimal(r.high) };
}

/**
 * Whether a stored decimal matches a searched one under a prefix, as R4 defines number search:
 * - eq: the target lies in the search value's implicit range [low, high); ne: it does not.
 * - gt/lt/ge/le: compare with the search value itself ("the implicit precision of the number is
 *   ignored" for these prefixes). sa/eb: as gt/lt, since a single number starts and ends at itself.
 * - ap: within 10% of the search value (the spec's recommendation), or within its implicit range, so
 *   that `ap0` still means something.
 * The target is a point: stored numbers are indexed as their value only, so the SQL can match the
 * same way. Unparsable input never matches; callers validate search values first.
 */
export function matchesNumber(prefix: Prefix, searchValue: string, target: string): boolean {
  const s = parse(searchValue);
  const t = parseDecimal(target);
  if (!s || !t) return false;
  const { low, high } = rangeOf(s);
  const inRange = compareDecimal(low, t) <= 0 && compareDecimal(t, high) < 0;
  const cmp = compareDecimal(t, s.value);
  switch (prefix) {
    case 'eq':
      return inRange;
    case 'ne':
      return !inRange;
    case 'gt':
    case 'sa':
      return cmp > 0;
    case 'lt':
    case 'eb':
      return cmp < 0;
    case 'ge':
      return cmp >= 0;
    case 'le':
      return cmp <= 0;
    case 'ap':
      return inRange || compareDecimal(abs(multiplyDecimal(subtractDecimal(t, s.value), TEN)), abs(s.value)) <= 0;
  }
}

const TEN: Decimal = { coef: 10n, scale: 0 };

function abs(d: Decimal): Decimal {
  return d.coef < 0n ? { coef: -d.coef, scale: d.scale } : d;
}

/** The closed interval `ap` accepts besides the implicit range, for the SQL compiler to bind. */
export function approximateBounds(searchValue: string): { low: string; high: string } | undefined {
  const s = parse(searchValue);
  if (!s) return undefined;
  const tenth = abs(multiplyDecimal(s.value, { coef: 1n, scale: 1 }));
  return { low: formatDecimal(subtractDecimal(s.value, tenth)), high: formatDecimal(addDecimal(s.value, tenth)) };
}
