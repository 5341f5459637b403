import { describe, expect, it } from 'vitest';
import { lastOnlineChange, mayChangeOnline, tooLateMessage } from './rules.js';
import { stockholmInstant } from './time.js';

const at = (date: string, time: string) => new Date(stockholmInstant(date, time)!);
const minutes = (n: number) => n * 60_000;
const hours = (n: number) => n * 3_600_000;

describe('the 24-hour rule for changing a booking online', () => {
  const start = at('2026-03-10', '10:00');

  it('allows a change 24 hours and 1 minute before the start, and exactly 24 hours before', () => {
    expect(mayChangeOnline(start, new Date(start.getTime() - hours(24) - minutes(1)))).toBe(true);
    expect(mayChangeOnline(start, new Date(start.getTime() - hours(24)))).toBe(true);
  });

  it('refuses it 23 hours and 59 minutes before the start, and after the start', () => {
    expect(mayChangeOnline(start, new Date(start.getTime() - hours(24) + minutes(1)))).toBe(false);
    expect(mayChangeOnline(start, new Date(start.getTime() + minutes(5)))).toBe(false);
  });

  it('counts real hours over the night summer time starts (29 March 2026)', () => {
    // A visit at 10:00 on Sunday 29 March (CEST) is 23 hours after 10:00 on Saturday (CET).
    const visit = at('2026-03-29', '10:00');
    expect(visit.toISOString()).toBe('2026-03-29T08:00:00.000Z');
    expect(lastOnlineChange(visit).toISOString()).toBe('2026-03-28T08:00:00.000Z'); // 09:00 on Saturday, Swedish time
    expect(mayChangeOnline(visit, at('2026-03-28', '08:59'))).toBe(true);
    expect(mayChangeOnline(visit, at('2026-03-28', '09:01'))).toBe(false);
    expect(mayChangeOnline(visit, at('2026-03-28', '10:00'))).toBe(false);
  });

  it('counts real hours over the night summer time ends (25 October 2026)', () => {
    // A visit at 10:00 on Sunday 25 October (CET) is 25 hours after 10:00 on Saturday (CEST).
    const visit = at('2026-10-25', '10:00');
    expect(visit.toISOString()).toBe('2026-10-25T09:00:00.000Z');
    expect(lastOnlineChange(visit).toISOString()).toBe('2026-10-24T09:00:00.000Z'); // 11:00 on Saturday, Swedish time
    expect(mayChangeOnline(visit, at('2026-10-24', '10:00'))).toBe(true);
    expect(mayChangeOnline(visit, at('2026-10-24', '10:59'))).toBe(true);
    expect(mayChangeOnline(visit, at('2026-10-24', '11:01'))).toBe(false);
  });
});

describe('tooLateMessage', () => {
  it('tells the citizen to phone the clinic and that a late cancellation may be charged', () => {
    const text = tooLateMessage('cancel', { name: 'Vårdcentralen Centrum, Växjö', phone: '0470-58 70 00' });
    expect(text).toMatch(/less than 24 hours/);
    expect(text).toMatch(/Phone Vårdcentralen Centrum, Växjö on 0470-58 70 00/);
    expect(text).toMatch(/may be charged/);
    expect(tooLateMessage('reschedule', { name: 'VC' })).toMatch(/can no longer be rebooked online\. Phone VC to change it/);
  });
});
