import { describe, expect, it } from 'vitest';
import { lmsZ, percentile, round, valueAtSd, zScore } from './lms.js';

describe('LMS', () => {
  const row = { l: 0.0645, m: 9.646, s: 0.10925 }; // WHO weight, boy, 365 days

  it('inverts: the value at z has that z', () => {
    for (const z of [-3, -1.5, 0, 0.7, 3]) expect(lmsZ(row, valueAtSd(row, z))).toBeCloseTo(z, 10);
  });

  it('uses ln(X/M)/S when L is 0', () => {
    const r = { l: 0, m: 10, s: 0.1 };
    expect(lmsZ(r, 10 * Math.exp(0.2))).toBeCloseTo(2, 10);
    expect(valueAtSd(r, 2)).toBeCloseTo(10 * Math.exp(0.2), 10);
  });

  it('restricts beyond ±3 SD only when asked (weight and BMI), as WHO does', () => {
    expect(zScore(row, 14, 'lms')).toBeCloseTo(3.451, 3);
    expect(zScore(row, 14, 'who-restricted')).toBeCloseTo(3.4849, 4);
    expect(zScore(row, 6, 'who-restricted')).toBeCloseTo(-4.1366, 4);
    expect(zScore(row, 9, 'who-restricted')).toBe(zScore(row, 9, 'lms'));
  });

  it('gives percentiles of the normal distribution', () => {
    expect(percentile(0)).toBeCloseTo(50, 5);
    expect(percentile(-1.959964)).toBeCloseTo(2.5, 4);
    expect(percentile(2)).toBeCloseTo(97.725, 3);
  });

  it('rounds half away from zero', () => {
    expect(round(0.245, 2)).toBe(0.25);
    expect(round(-0.245, 2)).toBe(-0.25);
    expect(round(3.44496, 2)).toBe(3.44);
  });
});
