import { describe, expect, it } from 'vitest';
import { loginGroup, population, sharingGroup } from './login-stats.js';

const masked = (p: { extension?: { valueCode?: string }[]; count?: number }) => p.count === undefined && p.extension?.[0]?.valueCode === 'masked';

describe('small-cell suppression', () => {
  it('masks counts 1 to 4 and shows 0 and 5 upwards', () => {
    expect(masked(population('initial-population', 1))).toBe(true);
    expect(masked(population('initial-population', 4))).toBe(true);
    expect(population('initial-population', 5).count).toBe(5);
    expect(population('initial-population', 0).count).toBe(0);
  });

  it('masks the small cells of the login table, and a small total', () => {
    const g = loginGroup([
      { month: '2026-03', band: '18-29', sex: 'female', count: 12 },
      { month: '2026-03', band: '80+', sex: 'male', count: 2 },
    ]);
    const strata = g.stratifier![0]!.stratum!;
    expect(strata[0]!.population![0]!.count).toBe(12);
    expect(masked(strata[1]!.population![0]!)).toBe(true);
    expect(g.population![0]!.count).toBe(14);
    expect(masked(loginGroup([{ month: '2026-03', band: '18-29', sex: 'female', count: 3 }]).population![0]!)).toBe(true);
  });

  it('gives the share sharing contact details, unless a side of it is under 5', () => {
    const g = sharingGroup({ citizens: 40, sharing: 10 });
    expect(g.measureScore?.value).toBe(25);
    expect(g.population!.map((p) => p.count)).toEqual([40, 10]);
    const few = sharingGroup({ citizens: 40, sharing: 3 });
    expect(few.measureScore).toBeUndefined();
    expect(masked(few.population![1]!)).toBe(true);
    // Almost everyone sharing would single out the few who do not.
    expect(sharingGroup({ citizens: 40, sharing: 38 }).measureScore).toBeUndefined();
  });
});
