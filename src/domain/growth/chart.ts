/**
 * @module domain/growth/chart
 * A growth chart as data: each day's measurement with its SD score and percentile against the
 * reference that covers the child's age (or the reason there is none), and the SD curves (−3…+3) as
 * age/value series over the chart's span. Which reference covers which ages is the region's selection
 * (references/growth/selection.json). Pure.
 */
import { percentile, round, valueAtSd, zScore } from './lms.js';
import type { Measure } from './measures.js';
import type { Measurement } from './points.js';
import { covers, DAYS_PER, lmsAt, type LmsAt, type Sex, type Table } from './reference.js';

export const SD_LINES = [-3, -2, -1, 0, 1, 2, 3] as const;

export interface ScoredPoint extends Measurement {
  /** Rounded to 2 decimals, as WHO reports it. */
  sdScore?: number;
  /** Rounded to 1 decimal. */
  percentile?: number;
  reference?: string;
  /** Why there is no score. */
  note?: string;
}

export interface Curve {
  sd: number;
  points: { ageDays: number; value: number }[];
}

export interface Chart {
  measure: Measure;
  sex?: Sex;
  /** The references drawn, in age order. */
  tables: Table[];
  span: { fromDays: number; toDays: number };
  points: ScoredPoint[];
  curves: Curve[];
}

/** The first table in the selection that covers the age. */
export function tableFor(tables: readonly Table[], ageDays: number): Table | undefined {
  return tables.find((t) => covers(t, ageDays));
}

/** WHO's length/height rule: ±0.7 cm when the child was measured in the other position than the row's. */
function adjustForPosition(value: number, measured: LmsAt['position'] | undefined, row: LmsAt, table: Table): number {
  const adj = table.positionAdjustment ?? 0;
  if (!measured || !row.position || measured === row.position) return value;
  return measured === 'standing' ? value + adj : value - adj;
}

/** The value WHO scores: a length adjusted for position, a computed BMI from the adjusted length. */
function scoredValue(p: Measurement, row: LmsAt, table: Table): number {
  if (p.bmiFrom) {
    const h = adjustForPosition(p.bmiFrom.heightCm, p.bmiFrom.position, row, table);
    return p.bmiFrom.weightKg / (h / 100) ** 2;
  }
  return p.measure === 'height' ? adjustForPosition(p.value!, p.position, row, table) : p.value!;
}

function describeAge(days: number): string {
  return `${days} days (${round(days / DAYS_PER.month, 1)} months)`;
}

/** One point with its score against the selected tables, or the reason it has none. */
export function scorePoint(p: Measurement, tables: readonly Table[], sex: Sex | undefined): ScoredPoint {
  if (p.value === undefined) return { ...p, note: `No value: ${p.problem}` };
  if (p.ageDays < 0) return { ...p, note: 'Measured before the birth date' };
  if (!sex) return { ...p, note: 'No SD score: the references are by sex, and the child’s gender is not male or female' };
  const table = tableFor(tables, p.ageDays);
  if (!table) {
    const ranges = tables.map((t) => `${t.reference.id} ${t.from}–${t.to} ${t.ageUnit}s`).join(', ');
    return { ...p, note: `No SD score: age ${describeAge(p.ageDays)} is outside the references configured for ${p.measure} (${ranges || 'none'})` };
  }
  const row = lmsAt(table, sex, p.ageDays)!;
  const z = zScore(row, scoredValue(p, row, table), table.beyond3sd);
  return { ...p, sdScore: round(z, 2), percentile: round(percentile(z), 1), reference: table.reference.id };
}

/** The default span: the smallest usual chart (1, 2, 5, 10, 19 years) that holds every point (and starts before it ends). */
export function defaultSpan(points: readonly Measurement[], fromDays = 0): { fromDays: number; toDays: number } {
  const last = Math.max(fromDays + 1, ...points.map((p) => p.ageDays));
  const windows = [365, 730, 1826, 3652, 6939];
  return { fromDays, toDays: windows.find((w) => w >= last) ?? last };
}

const CURVE_STEPS = 120;

/** Ages to draw curves at: an even grid, plus each table's first and last day so hand-offs show as steps. */
function curveAges(tables: readonly Table[], span: { fromDays: number; toDays: number }): number[] {
  const { fromDays: a, toDays: b } = span;
  const step = Math.max(1, (b - a) / CURVE_STEPS);
  const ages = new Set<number>();
  for (let x = a; x < b; x += step) ages.add(Math.round(x));
  ages.add(b);
  for (const t of tables) {
    const first = Math.ceil(t.from * DAYS_PER[t.ageUnit] - (t.interpolation === 'nearest-day' ? 0.5 : 0));
    const last = Math.floor(t.to * DAYS_PER[t.ageUnit] + (t.interpolation === 'nearest-day' ? 0.49 : 0));
    for (const x of [first, last]) if (x >= a && x <= b) ages.add(x);
  }
  return [...ages].sort((x, y) => x - y);
}

export function curves(tables: readonly Table[], sex: Sex, span: { fromDays: number; toDays: number }): Curve[] {
  const rows = curveAges(tables, span).flatMap((ageDays) => {
    const t = tableFor(tables, ageDays);
    const lms = t && lmsAt(t, sex, ageDays);
    return lms ? [{ ageDays, lms }] : [];
  });
  return SD_LINES.map((sd) => ({ sd, points: rows.map(({ ageDays, lms }) => ({ ageDays, value: round(valueAtSd(lms, sd), 3) })) }));
}

export interface ChartInput {
  measure: Measure;
  sex?: Sex;
  tables: readonly Table[];
  measurements: readonly Measurement[];
  span?: { fromDays?: number; toDays?: number };
}

export function buildChart(input: ChartInput): Chart {
  const auto = defaultSpan(input.measurements, input.span?.fromDays);
  const span = { fromDays: auto.fromDays, toDays: input.span?.toDays ?? auto.toDays };
  const inSpan = input.measurements.filter((m) => m.ageDays >= span.fromDays && m.ageDays <= span.toDays);
  const points = inSpan.map((m) => scorePoint(m, input.tables, input.sex));
  const used = input.tables.filter((t) => curveAges([t], span).some((a) => covers(t, a)));
  return {
    measure: input.measure,
    ...(input.sex ? { sex: input.sex } : {}),
    tables: used,
    span,
    points,
    curves: input.sex ? curves(input.tables, input.sex, span) : [],
  };
}
