import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadGrowthReferences } from './load-references.js';
import { lmsAt } from './reference.js';

/** A region's own reference, as docs/growth.md describes it: a folder with reference.json and a table. */
function region(table: string, manifest: Record<string, unknown> = {}, selection?: unknown): string {
  const root = mkdtempSync(join(tmpdir(), 'lots-growth-'));
  mkdirSync(join(root, 'se'));
  writeFileSync(
    join(root, 'se', 'reference.json'),
    JSON.stringify({
      format: 'lots-growth-reference/1',
      id: 'se-test',
      name: 'Test reference',
      source: 'https://example.org',
      licence: 'test only',
      sexCodes: { male: 'M', female: 'F' },
      tables: [{ measure: 'height', file: 'height.csv', unit: 'cm', ageUnit: 'year', from: 0, to: 2, interpolation: 'linear', beyond3sd: 'lms' }],
      ...manifest,
    }),
  );
  writeFileSync(join(root, 'se', 'height.csv'), table);
  if (selection) writeFileSync(join(root, 'selection.json'), JSON.stringify(selection));
  return root;
}
const CSV = 'Sex,Age,L,M,S\nM,0,1,50,0.04\nM,1,1,76,0.035\nM,2,1,88,0.035\nF,0,1,49,0.04\nF,1,1,74,0.035\nF,2,1,86,0.035\n';

describe('loading references', () => {
  it('loads a comma-separated table by year and interpolates between years', async () => {
    const refs = await loadGrowthReferences(region(CSV));
    const [table] = refs.selection.height;
    expect(table!.reference.id).toBe('se-test');
    expect(refs.selection.weight).toEqual([]);
    expect(lmsAt(table!, 'male', 1.5 * 365.25)!.m).toBeCloseTo(82, 10);
    expect(lmsAt(table!, 'female', 2 * 365.25)!.m).toBe(86);
    expect(lmsAt(table!, 'female', 2 * 365.25 + 1)).toBeUndefined();
  });

  it('says which file and line is wrong', async () => {
    await expect(loadGrowthReferences(region(CSV.replace('M,1,1,76', 'X,1,1,76')))).rejects.toThrow(/se\/reference.json: height.csv line 3: sex "X"/);
    await expect(loadGrowthReferences(region(CSV.replace('M,1,1,76,0.035\n', '')))).rejects.toThrow(/no male row for age 1 years/);
    await expect(loadGrowthReferences(region(CSV, { id: 'Bad Id' }))).rejects.toThrow(/id: must be lower-case/);
    await expect(loadGrowthReferences(region(CSV, {}, { format: 'lots-growth-selection/1', measures: { height: ['who-2006'] } }))).rejects.toThrow(/not a loaded reference/);
    await expect(loadGrowthReferences('/nonexistent/growth')).rejects.toThrow(/cannot read/);
  });
});
