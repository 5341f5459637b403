import { describe, expect, it } from 'vitest';
import { stockholmInstant, stockholmWallClock, swedishDateAndTime } from './time.js';

describe('stockholmInstant', () => {
  it('writes winter and summer times with their offsets', () => {
    expect(stockholmInstant('2026-01-15', '08:00')).toBe('2026-01-15T08:00:00+01:00');
    expect(stockholmInstant('2026-07-15', '08:00')).toBe('2026-07-15T08:00:00+02:00');
  });

  it('has no 02:30 on the night summer time starts, and takes the first 02:30 when it ends', () => {
    expect(stockholmInstant('2026-03-29', '02:30')).toBeUndefined();
    expect(stockholmInstant('2026-03-29', '03:30')).toBe('2026-03-29T03:30:00+02:00');
    expect(stockholmInstant('2026-10-25', '02:30')).toBe('2026-10-25T02:30:00+02:00');
  });

  it('round-trips through the wall clock', () => {
    expect(stockholmWallClock(new Date('2026-03-29T08:00:00Z'))).toEqual({ date: '2026-03-29', time: '10:00' });
  });
});

describe('swedishDateAndTime', () => {
  it('writes the date and time as a Swedish message does', () => {
    expect(swedishDateAndTime(new Date('2026-03-30T08:00:00Z'))).toEqual({ date: 'måndag 30 mars 2026', time: '10:00' });
  });
});
