import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { scorePoint, tableFor } from './chart.js';
import { loadGrowthReferences, type GrowthReferences } from './load-references.js';
import { lmsAt, type Sex } from './reference.js';
import { valueAtSd, zScore } from './lms.js';
import type { Measure } from './measures.js';
import type { Measurement } from './points.js';

/**
 * The shipped WHO tables scored as WHO's software does, against the check values of
 * references/growth/who/README.md (two of them from WHO anthro's own unit tests).
 */
let refs: GrowthReferences;
beforeAll(async () => {
  refs = await loadGrowthReferences(fileURLToPath(new URL('../../../references/growth', import.meta.url)));
});

const MONTH = 30.4375;
const point = (measure: Measure, ageDays: number, value: number, extra: Partial<Measurement> = {}): Measurement => ({
  measure,
  date: '2020-01-01',
  ageDays,
  value,
  observations: ['Observation/x'],
  instant: 0,
  lastUpdated: '',
  ...extra,
});
const score = (measure: Measure, sex: Sex, ageDays: number, value: number, extra: Partial<Measurement> = {}) =>
  scorePoint(point(measure, ageDays, value, extra), refs.selection[measure], sex);

describe('SD scores agree with WHO to 0.01', () => {
  it.each([
    ['weight', 'female', 1522, 17, 0.24, 'who-2006'],
    ['weight', 'male', 365, 9, -0.63, 'who-2006'],
    ['weight', 'female', 731, 10.5, -0.73, 'who-2006'],
    ['height', 'male', 44, 50, -3.29, 'who-2006'],
    ['height', 'female', 365, 72, -0.78, 'who-2006'],
    ['height', 'male', 1000, 92, -0.55, 'who-2006'],
    ['head-circumference', 'male', 0, 35, 0.42, 'who-2006'],
    ['head-circumference', 'female', 183, 42, -0.16, 'who-2006'],
    ['head-circumference', 'male', 1826, 50, -0.49, 'who-2006'],
    ['bmi', 'female', 0, 13, -0.28, 'who-2006'],
    ['bmi', 'male', 365, 17.5, 0.51, 'who-2006'],
    ['bmi', 'female', 1096, 16, 0.45, 'who-2006'],
  ] as const)('%s, %s, %i days, %d → %d (%s)', (measure, sex, days, value, z, ref) => {
    const p = score(measure, sex, days, value);
    expect(p.reference).toBe(ref);
    expect(p.sdScore).toBe(z);
  });

  // The 5–19 y table is by month; the age in days is converted (÷ 30.4375) and L, M, S interpolated.
  it.each([
    ['weight', 'male', 61, 18, -0.21],
    ['weight', 'female', 96, 22, -0.83],
    ['weight', 'female', 120, 35, 0.53],
    ['height', 'male', 61, 105, -1.15],
    ['height', 'female', 150, 155, 0.14],
    ['height', 'male', 228, 180, 0.47],
    ['bmi', 'male', 61, 15, -0.21],
    ['bmi', 'female', 144, 20, 0.75],
    ['bmi', 'male', 228, 23.5, 0.43],
  ] as const)('%s, %s, %i months, %d → %d (who-2007)', (measure, sex, months, value, z) => {
    const table = tableFor(refs.selection[measure], months * MONTH)!;
    expect(table.reference.id).toBe('who-2007');
    const row = lmsAt(table, sex, months * MONTH)!;
    const z4 = ((value / row.m) ** row.l - 1) / (row.l * row.s);
    expect(Math.round(z4 * 100) / 100).toBe(z);
  });

  it('interpolates between two months: girl, 150.5 months, 155 cm → L 1, M 154.21655, S 0.044795, z 0.11', () => {
    const table = refs.selection.height.find((t) => t.reference.id === 'who-2007')!;
    const row = lmsAt(table, 'female', 150.5 * MONTH)!;
    expect(row.m).toBeCloseTo(154.21655, 5);
    expect(row.s).toBeCloseTo(0.044795, 6);
    expect(score('height', 'female', 150.5 * MONTH, 155).sdScore).toBe(0.11);
  });

  it('scores a real age in days in the 5–19 y table between two months (day 4581 = 150.5 months)', () => {
    // 4581 / 30.4375 = 150.505 months: between rows 150 and 151.
    expect(score('height', 'female', 4581, 155).sdScore).toBe(0.11);
  });
});

describe('beyond ±3 SD', () => {
  it('weight uses WHO’s restricted score past +3 and −3 SD', () => {
    expect(score('weight', 'male', 365, 14).sdScore).toBe(3.48); // plain LMS would be 3.45
    expect(score('weight', 'male', 365, 6).sdScore).toBe(-4.14); // plain LMS would be −4.28
  });

  it('BMI in the 5–19 y table too (girl, 144 months, 35 kg/m² → 3.4450, plain LMS 3.2960)', () => {
    const row = lmsAt(tableFor(refs.selection.bmi, 144 * MONTH)!, 'female', 144 * MONTH)!;
    expect(zScore(row, 35, 'who-restricted')).toBeCloseTo(3.445, 3);
    // 3.44496 unrounded, so WHO's two decimals give 3.44.
    expect(score('bmi', 'female', 144 * MONTH, 35).sdScore).toBe(3.44);
  });

  it('length keeps the plain LMS score (boy, 44 days, 50 cm → −3.29)', () => {
    expect(score('height', 'male', 44, 50).sdScore).toBe(-3.29);
  });
});

describe('the curves', () => {
  it.each([
    ['weight', 'male', 365, [6.926, 7.741, 9.646, 11.983, 13.341]],
    ['height', 'female', 731, [76.049, 79.276, 85.73, 92.184, 95.411]],
    ['head-circumference', 'male', 0, [30.651, 31.921, 34.462, 37.002, 38.273]],
    ['bmi', 'female', 1826, [11.642, 12.687, 15.275, 18.798, 21.063]],
    ['weight', 'male', 120 * MONTH, [20.42, 23.206, 31.159, 45.038, 56.434]],
    ['height', 'female', 228 * MONTH, [143.532, 150.073, 163.155, 176.237, 182.777]],
    ['bmi', 'male', 180 * MONTH, [14.708, 16.011, 19.774, 26.969, 34.081]],
  ] as const)('%s, %s at %d days: −3, −2, 0, +2, +3 SD as WHO lists them', (measure, sex, days, expected) => {
    const row = lmsAt(tableFor(refs.selection[measure], days)!, sex, days)!;
    expect([-3, -2, 0, 2, 3].map((z) => Math.round(valueAtSd(row, z) * 1000) / 1000)).toEqual(expected);
  });
});

describe('the age-range edges', () => {
  it('day 1826 is the 0–5 y standard, day 1827 the 5–19 y reference', () => {
    expect(score('height', 'male', 1826, 110).reference).toBe('who-2006');
    expect(score('height', 'male', 1827, 110).reference).toBe('who-2007');
  });

  it('month 228 is the last scored age; the day after it has no score and says why', () => {
    expect(score('height', 'male', 6939, 180).sdScore).toBeTypeOf('number'); // 227.97 months
    const after = score('height', 'male', 6940, 180); // 228.01 months
    expect(after.sdScore).toBeUndefined();
    expect(after.note).toMatch(/outside the references/);
  });

  it('weight stops at 120 months (WHO publishes none after 10 years); head circumference at 5 years', () => {
    expect(score('weight', 'female', 120 * MONTH, 35).sdScore).toBe(0.53);
    expect(score('weight', 'female', 3653 + 31, 35).sdScore).toBeUndefined();
    expect(score('head-circumference', 'male', 1827, 50).sdScore).toBeUndefined();
  });

  it('a standing height before 2 years gets WHO’s +0.7 cm; a lying length from 2 years −0.7 cm', () => {
    const lying = score('height', 'female', 365, 72, { position: 'lying' }).sdScore!;
    const standing = score('height', 'female', 365, 72, { position: 'standing' }).sdScore!;
    expect(lying).toBe(-0.78);
    expect(standing).toBeCloseTo((72.7 - 74.0049) / (74.0049 * 0.03479), 2);
    expect(score('height', 'male', 1000, 92, { position: 'lying' }).sdScore).toBeCloseTo((91.3 - 93.9706) / (93.9706 * 0.03783), 2);
  });
});
