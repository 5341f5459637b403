import { describe, expect, it } from 'vitest';
import { missedPeriods, periodDays } from './missed.js';

const at = (s: string) => Date.parse(s);

describe('missedPeriods', () => {
  it('counts Swedish days from the day after enrolment, across the autumn DST change (a 25-hour day)', () => {
    // Sweden leaves summer time on 2026-10-25: that day runs 22:00Z (24th) to 23:00Z (25th).
    const missed = missedPeriods({ since: new Date('2026-10-23T12:00:00Z'), now: new Date('2026-10-27T06:00:00Z'), graceHours: 4, days: 1, measured: [at('2026-10-24T08:00:00Z'), at('2026-10-25T22:30:00Z')], lookback: 30 });
    // 22:30Z on the 25th is 23:30 in Sweden, still the 25th (which ends at 23:00Z): only the 26th is missed.
    expect(missed.map((p) => p.key)).toEqual(['2026-10-26']);
    const none = missedPeriods({ since: new Date('2026-10-23T12:00:00Z'), now: new Date('2026-10-27T06:00:00Z'), graceHours: 4, days: 1, measured: [], lookback: 30 });
    expect(none.map((p) => p.key)).toEqual(['2026-10-24', '2026-10-25', '2026-10-26']);
    const dst = none[1]!;
    expect(dst.start.toISOString()).toBe('2026-10-24T22:00:00.000Z');
    expect(dst.end.toISOString()).toBe('2026-10-25T23:00:00.000Z');
  });

  it('counts the spring DST change (a 23-hour day) and waits for the grace time', () => {
    const none = missedPeriods({ since: new Date('2026-03-27T10:00:00Z'), now: new Date('2026-03-30T01:00:00Z'), graceHours: 2, days: 1, measured: [], lookback: 30 });
    // The 29th (23 hours: 23:00Z on the 28th to 22:00Z on the 29th) is due at 00:00Z on the 30th.
    expect(none.map((p) => [p.key, p.end.getTime() - p.start.getTime()])).toEqual([
      ['2026-03-28', 24 * 3_600_000],
      ['2026-03-29', 23 * 3_600_000],
    ]);
    expect(missedPeriods({ since: new Date('2026-03-27T10:00:00Z'), now: new Date('2026-03-29T23:30:00Z'), graceHours: 2, days: 1, measured: [], lookback: 30 }).map((p) => p.key)).toEqual(['2026-03-28']);
  });

  it('uses weekly periods, stops at the plan’s end and looks back only so far', () => {
    expect(periodDays({ repeat: { frequency: 1, period: 1, periodUnit: 'wk' } })).toBe(7);
    expect(periodDays(undefined)).toBe(1);
    const weeks = missedPeriods({ since: new Date('2026-11-01T10:00:00Z'), now: new Date('2026-11-30T10:00:00Z'), graceHours: 0, days: 7, measured: [at('2026-11-10T10:00:00Z')], lookback: 10 });
    expect(weeks.map((p) => p.key)).toEqual(['2026-11-02', '2026-11-16', '2026-11-23']);
    const ended = missedPeriods({ since: new Date('2026-11-01T10:00:00Z'), until: new Date('2026-11-04T10:00:00Z'), now: new Date('2026-11-30T10:00:00Z'), graceHours: 0, days: 1, measured: [], lookback: 10 });
    expect(ended.map((p) => p.key)).toEqual(['2026-11-02', '2026-11-03']);
    expect(missedPeriods({ since: new Date('2026-11-01T10:00:00Z'), now: new Date('2026-11-30T10:00:00Z'), graceHours: 0, days: 1, measured: [], lookback: 2 }).map((p) => p.key)).toEqual(['2026-11-28', '2026-11-29']);
  });
});
