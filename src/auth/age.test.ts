import { describe, expect, it } from 'vitest';
import { ageInYears, swedishDate } from './age.js';

describe('age in Europe/Stockholm', () => {
  it('turns 13 at midnight Swedish time on the birthday', () => {
    // 2026-03-14 23:30 UTC is already 15 March in Stockholm (UTC+1 in winter).
    expect(ageInYears('2013-03-15', new Date('2026-03-14T22:59:59Z'))).toBe(12);
    expect(ageInYears('2013-03-15', new Date('2026-03-14T23:00:00Z'))).toBe(13);
  });

  it('uses summer time in summer', () => {
    // Stockholm is UTC+2 in June.
    expect(swedishDate(new Date('2026-06-09T21:59:00Z'))).toBe('2026-06-09');
    expect(swedishDate(new Date('2026-06-09T22:00:00Z'))).toBe('2026-06-10');
    expect(ageInYears('2013-06-10', new Date('2026-06-09T22:00:00Z'))).toBe(13);
  });

  it('gives a 29 February child its birthday on 1 March in other years', () => {
    expect(ageInYears('2012-02-29', new Date('2025-02-28T12:00:00Z'))).toBe(12);
    expect(ageInYears('2012-02-29', new Date('2025-03-01T12:00:00Z'))).toBe(13);
  });
});
