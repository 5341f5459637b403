/**
 * @module domain/growth/lms
 * The LMS method (Cole 1990) as WHO applies it in its `anthro` and `anthroplus` software: the SD score
 * (z-score) of a measurement, the measurement at a given SD (the curves), and the percentile. For
 * weight and BMI WHO restricts the z-score beyond ±3 SD: the LMS curves are stretched too far out
 * there, so it measures distances past ±3 SD in units of the 2–3 SD gap instead. Pure.
 */

export interface Lms {
  l: number;
  m: number;
  s: number;
}

/** How a table scores values beyond ±3 SD: plain LMS, or WHO's restricted (linear) extension. */
export type Beyond3Sd = 'lms' | 'who-restricted';

/** The value at `z` SD: M·(1 + L·S·z)^(1/L), or M·e^(S·z) when L = 0. */
export function valueAtSd({ l, m, s }: Lms, z: number): number {
  return l === 0 ? m * Math.exp(s * z) : m * Math.pow(1 + l * s * z, 1 / l);
}

/** The plain LMS z-score: ((X/M)^L − 1)/(L·S), or ln(X/M)/S when L = 0. */
export function lmsZ({ l, m, s }: Lms, x: number): number {
  return l === 0 ? Math.log(x / m) / s : (Math.pow(x / m, l) - 1) / (l * s);
}

/** The SD score as WHO computes it (unrounded); `beyond3sd` says whether the restriction applies. */
export function zScore(lms: Lms, x: number, beyond3sd: Beyond3Sd): number {
  const z = lmsZ(lms, x);
  if (beyond3sd === 'lms' || Math.abs(z) <= 3) return z;
  if (z > 3) {
    const sd3 = valueAtSd(lms, 3);
    return 3 + (x - sd3) / (sd3 - valueAtSd(lms, 2));
  }
  const sdm3 = valueAtSd(lms, -3);
  return -3 + (x - sdm3) / (valueAtSd(lms, -2) - sdm3);
}

/** Rounded to `digits` decimals, half away from zero (as R's round() does at WHO's 2 decimals). */
export function round(x: number, digits: number): number {
  const f = 10 ** digits;
  const r = Math.round(Math.abs(x) * f + 1e-9) / f;
  return x < 0 ? -r : r;
}

/** The percentile (0–100) of an SD score under the normal distribution. */
export function percentile(z: number): number {
  return 100 * normalCdf(z);
}

/**
 * Φ(z) via the complementary error function (W. J. Cody's rational approximation as in Numerical
 * Recipes' erfc, relative error < 1.2e-7): ample for a percentile shown with one decimal.
 */
function normalCdf(z: number): number {
  return 0.5 * erfc(-z / Math.SQRT2);
}

function erfc(x: number): number {
  const t = 1 / (1 + 0.5 * Math.abs(x));
  const y =
    t *
    Math.exp(
      -x * x -
        1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? y : 2 - y;
}
