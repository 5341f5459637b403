/**
 * Writes sample growth charts as SVG (docs/growth.md's screenshots are made from them):
 * `npx tsx bench/growth-sample.ts <out-dir>`. A made-up child who follows a channel near +0.5 SD.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildChart } from '../src/domain/growth/chart.js';
import { valueAtSd } from '../src/domain/growth/lms.js';
import { loadGrowthReferences } from '../src/domain/growth/load-references.js';
import type { Measure } from '../src/domain/growth/measures.js';
import type { Measurement } from '../src/domain/growth/points.js';
import { lmsAt, type Sex } from '../src/domain/growth/reference.js';
import { renderSvg } from '../src/domain/growth/svg.js';

const out = process.argv[2] ?? '.';
const refs = await loadGrowthReferences(fileURLToPath(new URL('../references/growth', import.meta.url)));

function child(measure: Measure, sex: Sex, ages: number[], sd: (age: number) => number): Measurement[] {
  return ages.flatMap((ageDays) => {
    const table = refs.selection[measure].find((t) => lmsAt(t, sex, ageDays));
    const row = table && lmsAt(table, sex, ageDays);
    if (!row) return [];
    return [{ measure, date: `d${ageDays}`, ageDays, value: Math.round(valueAtSd(row, sd(ageDays)) * 10) / 10, observations: [], instant: 0, lastUpdated: '' }];
  });
}

const infant = [3, 10, 21, 35, 49, 63, 90, 120, 150, 180, 240, 300, 365, 450, 540, 640, 730];
const charts: [string, Measure, Sex, number[], (a: number) => number, { toDays?: number }][] = [
  ['weight-girl-0-2y', 'weight', 'female', infant, (a) => 0.4 - a / 1500, {}],
  ['height-boy-0-19y', 'height', 'male', [...infant, 1000, 1461, 1826, 2200, 2922, 3652, 4383, 5113, 5844, 6574], (a) => 0.6 + Math.sin(a / 2000) * 0.4, {}],
  ['head-girl-0-12w', 'head-circumference', 'female', [0, 7, 14, 28, 42, 56, 70, 84], () => -0.3, { toDays: 84 }],
];
for (const [name, measure, sex, ages, sd, span] of charts) {
  const chart = buildChart({ measure, sex, tables: refs.selection[measure], measurements: child(measure, sex, ages, sd), span });
  writeFileSync(join(out, `${name}.svg`), renderSvg(chart));
}
