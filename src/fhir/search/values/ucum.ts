/**
 * @module fhir/search/values/ucum
 * Canonical UCUM forms for quantity search, so `5 kg` and `5000 g` index and compare as the same
 * quantity (https://hl7.org/fhir/R4/search.html#quantity: "the server may ... convert to canonical").
 *
 * The unit algebra is `@lhncbc/ucum-lhc` (what `fhirpath` uses); only the per-code conversion factor
 * comes from it, and it is cached, so the per-value work is exact decimal arithmetic on strings.
 *
 * Things UCUM decides that can surprise:
 * - The canonical form is UCUM's base units: g (not kg), m, s, K, etc. mg/dL → `g.m-3`.
 * - `mol` is a dimensionless count (6.0221367e23) in UCUM, so mmol/L → `m-3` with a factor of ~10^23,
 *   and mol, %, `{score}` and `1` all share the code `1`. Numbers stay exact, Postgres `numeric` copes.
 * - Temperatures: Cel and [degF] are "special" (offset) units; ucum-lhc converts them to absolute
 *   kelvin (37 Cel → 310.15 K), which is what we index. A Cel quantity meant as a temperature
 *   difference would be shifted by 273.15; FHIR gives no way to tell, and absolute is the common case.
 * - Other special units ([pH], B, Np, ...) are logarithmic: they have no linear canonical form (order
 *   would even reverse for [pH]), so they get none and match on their own code only.
 * - Arbitrary units ([iU], [arb'U]) and unknown codes have no canonical form either.
 */
import { createRequire } from 'node:module';
import {
  addDecimal,
  coefficientDigits,
  formatDecimal,
  multiplyDecimal,
  parseDecimal,
  roundSignificant,
  type Decimal,
} from './number-range.js';

interface BaseUnits {
  status: string;
  magnitude?: number;
  unitToExp?: Record<string, number>;
  fromUnitIsSpecial?: boolean;
}
interface UcumUtils {
  convertToBaseUnits(unit: string, value: number): BaseUnits;
}

let utils: UcumUtils | undefined;

/**
 * Loaded on first use: reading UCUM's tables costs ~30 ms, which a process that never sees a
 * quantity should not pay. `createRequire` because the package is CommonJS without type declarations.
 */
function ucum(): UcumUtils {
  if (!utils) {
    const require = createRequire(import.meta.url);
    const mod = require('@lhncbc/ucum-lhc') as { UcumLhcUtils: { getInstance(): UcumUtils } };
    utils = mod.UcumLhcUtils.getInstance();
  }
  return utils;
}

/** canonical = value × scale + offset, in unit `code`. */
interface Conversion {
  scale: Decimal;
  offset: Decimal;
  code: string;
}

/*
 * ucum-lhc computes in doubles (10*3/uL gives 999999999999.9999); 15 significant digits is what a
 * double reliably holds, so rounding there removes the noise and keeps every real digit.
 */
const FLOAT_DIGITS = 15;

/** Codes come from search URLs too; bound the cache so arbitrary strings cannot grow it forever. */
const CACHE_LIMIT = 10_000;
const MAX_CODE_LENGTH = 200;
const cache = new Map<string, Conversion | null>();

function fromFloat(n: number): Decimal | undefined {
  if (!Number.isFinite(n)) return undefined;
  const d = parseDecimal(n.toPrecision(FLOAT_DIGITS));
  return d && roundSignificant(d, FLOAT_DIGITS);
}

/** UCUM expression for base-unit exponents; numerator first so it reads as usual (`g.m-3`). */
function codeOf(unitToExp: Record<string, number>): string {
  const parts = Object.entries(unitToExp).filter(([, e]) => e !== 0);
  const ordered = [...parts.filter(([, e]) => e > 0), ...parts.filter(([, e]) => e < 0)];
  return ordered.length === 0 ? '1' : ordered.map(([u, e]) => (e === 1 ? u : `${u}${e}`)).join('.');
}

function base(code: string, value: number): BaseUnits | undefined {
  const r = ucum().convertToBaseUnits(code, value);
  return r.status === 'succeeded' && r.unitToExp && typeof r.magnitude === 'number' ? r : undefined;
}

/*
 * Special units are only usable when the conversion is affine and increasing (temperatures), which
 * we test rather than list, so that [degRe] and any future ones are handled. The span is wide so the
 * slope is not drowned by the offset's rounding error (274.15 - 273.15 is 0.99999999999994 in doubles).
 */
const SPAN = 1e6;

function conversionFor(code: string): Conversion | null {
  // ucum-lhc prints to the console for an empty code; and nothing this long is a real unit.
  if (typeof code !== 'string' || code.trim() === '' || code.length > MAX_CODE_LENGTH) return null;
  const one = base(code, 1);
  if (!one?.unitToExp) return null;
  const canonCode = codeOf(one.unitToExp);
  if (!one.fromUnitIsSpecial) {
    const scale = fromFloat(one.magnitude ?? NaN);
    return scale ? { scale, offset: { coef: 0n, scale: 0 }, code: canonCode } : null;
  }
  const f0 = base(code, 0)?.magnitude;
  const f1 = base(code, SPAN)?.magnitude;
  const f2 = base(code, 2 * SPAN)?.magnitude;
  if (f0 === undefined || f1 === undefined || f2 === undefined) return null;
  const slope = (f1 - f0) / SPAN;
  const affine = Math.abs(f2 - f1 - (f1 - f0)) <= 1e-9 * Math.max(1, Math.abs(f2));
  if (!affine || !(slope > 0)) return null;
  const scale = fromFloat(slope);
  const offset = fromFloat(f0);
  return scale && offset ? { scale, offset, code: canonCode } : null;
}

function cachedConversion(code: string): Conversion | null {
  let c = cache.get(code);
  if (c === undefined) {
    c = conversionFor(code);
    if (cache.size >= CACHE_LIMIT) {
      const oldest = cache.keys().next();
      if (!oldest.done) cache.delete(oldest.value);
    }
    cache.set(code, c);
  }
  return c;
}

/**
 * The quantity in UCUM base units, e.g. (`5`, `kg`) → (`5000`, `g`), (`37`, `Cel`) → (`310.15`, `K`).
 * `value` is a FHIR decimal; the result is a plain decimal string (no exponent). Undefined when the
 * value is not a decimal or the code has no canonical form (unknown, arbitrary or logarithmic unit).
 * Codes are case-sensitive UCUM (`Cel`, not `cel`), as in Quantity.code with system UCUM.
 */
export function canonicalQuantity(value: string, code: string): { value: string; code: string } | undefined {
  const v = parseDecimal(value);
  if (!v) return undefined;
  const c = cachedConversion(code);
  if (!c) return undefined;
  // Never fewer digits than the input had, so exact factors (kg → g) lose nothing.
  const digits = Math.max(FLOAT_DIGITS, coefficientDigits(v));
  const exact = addDecimal(multiplyDecimal(v, c.scale), c.offset);
  return { value: formatDecimal(roundSignificant(exact, digits)), code: c.code };
}

/** The canonical code alone, for a search that gives a unit but whose bounds are converted apart. */
export function canonicalCode(code: string): string | undefined {
  return cachedConversion(code)?.code;
}
