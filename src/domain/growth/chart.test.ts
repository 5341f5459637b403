import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildChart, defaultSpan } from './chart.js';
import { loadGrowthReferences, select, type GrowthReferences } from './load-references.js';
import type { Measurement } from './points.js';
import { ageTicks, renderSvg, valueTicks } from './svg.js';

let refs: GrowthReferences;
beforeAll(async () => {
  refs = await loadGrowthReferences(fileURLToPath(new URL('../../../references/growth', import.meta.url)));
});

const m = (ageDays: number, value: number, extra: Partial<Measurement> = {}): Measurement => ({
  measure: 'height',
  date: `d${ageDays}`,
  ageDays,
  value,
  observations: [`Observation/${ageDays}`],
  instant: 0,
  lastUpdated: '',
  ...extra,
});

describe('the chart', () => {
  it('spans the smallest usual chart that holds the points', () => {
    expect(defaultSpan([])).toEqual({ fromDays: 0, toDays: 365 });
    expect(defaultSpan([m(400, 75)])).toEqual({ fromDays: 0, toDays: 730 });
    expect(defaultSpan([m(1900, 112)])).toEqual({ fromDays: 0, toDays: 3652 });
    expect(defaultSpan([m(400, 75)], 1000)).toEqual({ fromDays: 1000, toDays: 1826 }); // from=… alone
  });

  it('draws the curves of both references, with the step at the 5-year hand-off', () => {
    const chart = buildChart({ measure: 'height', sex: 'male', tables: refs.selection.height, measurements: [m(1000, 92), m(2000, 115)] });
    expect(chart.tables.map((t) => t.reference.id)).toEqual(['who-2006', 'who-2007']);
    const median = chart.curves.find((c) => c.sd === 0)!.points;
    const at = (d: number) => median.find((p) => p.ageDays === d)!.value;
    expect(at(1826)).toBeCloseTo(109.9593, 3); // WHO 2006, day 1826
    expect(at(1827)).toBeCloseTo(109.7397, 2); // WHO 2007 at 60.02 months: the small step down
    expect(at(1827)).toBeLessThan(at(1826));
    expect(median.at(-1)!.ageDays).toBe(3652);
  });

  it('ends the weight curves at 10 years, and lists a later point without a score', () => {
    const chart = buildChart({ measure: 'weight', sex: 'female', tables: refs.selection.weight, measurements: [m(4000, 35, { measure: 'weight' })] });
    expect(chart.curves[0]!.points.at(-1)!.ageDays).toBeLessThanOrEqual(3653);
    expect(chart.points[0]!.sdScore).toBeUndefined();
    expect(chart.points[0]!.note).toMatch(/who-2007 60–120 months/);
  });

  it('scores nothing and draws no curves when the child is neither male nor female', () => {
    const chart = buildChart({ measure: 'height', tables: refs.selection.height, measurements: [m(100, 60)] });
    expect(chart.curves).toEqual([]);
    expect(chart.points[0]!.note).toMatch(/by sex/);
    expect(renderSvg(chart)).toContain('kön okänt');
  });

  it('uses the region’s selection: a reference left out is not drawn', () => {
    const onlyInfants = select(refs.references, { height: ['who-2006'] });
    expect(onlyInfants.height.map((t) => t.reference.id)).toEqual(['who-2006']);
    expect(onlyInfants.weight).toEqual([]);
    expect(() => select(refs.references, { height: ['gbg-74'] })).toThrow(/not a loaded reference/);
  });
});

describe('the SVG', () => {
  it('labels the age axis in weeks, months or years by span', () => {
    expect(ageTicks(0, 84).title).toBe('Ålder (veckor)');
    expect(ageTicks(0, 84).major.map((t) => t.label)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12']);
    expect(ageTicks(0, 365).title).toMatch(/^Ålder \(månader/);
    expect(ageTicks(0, 365).major.at(-1)!.label).toBe('1 år');
    expect(ageTicks(0, 1826).title).toBe('Ålder (år)');
    expect(ageTicks(0, 1826).major.map((t) => t.label)).toEqual(['0', '1', '2', '3', '4', '5']);
  });

  it('chooses round value lines', () => {
    expect(valueTicks(2.1, 17.3)).toEqual({ lo: 2, hi: 18, step: 2 });
    expect(valueTicks(44, 121)).toEqual({ lo: 40, hi: 130, step: 10 });
    expect(valueTicks(12, 12)).toEqual({ lo: 11, hi: 13, step: 0.2 });
  });

  it('draws the channels, the points and the source, escaping text', () => {
    const chart = buildChart({ measure: 'bmi', sex: 'female', tables: refs.selection.bmi, measurements: [m(400, 16.2, { measure: 'bmi', computed: true }), m(500, 16.4, { measure: 'bmi' })] });
    const svg = renderSvg(chart);
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).toContain('BMI (kg/m²), flicka');
    for (const label of ['+3 SD', '+2 SD', 'Medel', '−2 SD', '−3 SD']) expect(svg).toContain(label);
    expect(svg.match(/<circle /g)).toHaveLength(2);
    expect(svg).toContain('fill="#fff" stroke="#000"'); // the computed BMI: an open circle
    expect(svg).toContain('GPL-3.0');
  });
});
