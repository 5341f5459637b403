import { describe, expect, it } from 'vitest';
import { stockholmDate } from '../calendar/working-days.js';
import {
  addMonths,
  changeDates,
  distanceKm,
  hasRoom,
  homeAddress,
  isFolkbokford,
  isNewborn,
  isOutOfCounty,
  mayChange,
  newbornUnit,
  queueOrder,
} from './rules.js';

const swedish = (start: string) => stockholmDate(new Date(start));

describe('addMonths', () => {
  it('moves by calendar months and clamps to the last day of a shorter month', () => {
    expect(addMonths('2026-03-15', 12)).toBe('2027-03-15');
    expect(addMonths('2026-03-15', -12)).toBe('2025-03-15');
    expect(addMonths('2024-02-29', 12)).toBe('2025-02-28');
    expect(addMonths('2026-01-31', 1)).toBe('2026-02-28');
    expect(addMonths('2026-12-05', 1)).toBe('2027-01-05');
  });
});

describe('changeDates', () => {
  it('counts every listing start but the first one ever, in Swedish dates', () => {
    // 23:30 UTC on 31 March is 1 April in Sweden (summer time).
    const dates = changeDates([{ start: '2026-03-31T23:30:00Z' }, { start: '2020-01-01' }, { start: '2026-06-01T08:00:00Z' }], swedish);
    expect(dates).toEqual(['2026-04-01', '2026-06-01']);
  });
  it('has no change for a first listing', () => {
    expect(changeDates([{ start: '2026-01-10' }], swedish)).toEqual([]);
  });
});

describe('at most two changes in a rolling 12 months', () => {
  const changes = ['2026-03-15', '2026-06-01'];
  it('allows a second change', () => {
    expect(mayChange(['2026-03-15'], '2026-07-01')).toEqual({ allowed: true });
  });
  it('refuses a third until the older change has left the window, and says from when', () => {
    expect(mayChange(changes, '2026-07-01')).toEqual({ allowed: false, from: '2027-03-15', changes });
    // The day before: the change of 2026-03-15 still counts.
    expect(mayChange(changes, '2027-03-14')).toMatchObject({ allowed: false, from: '2027-03-15' });
    // On the day: it no longer does.
    expect(mayChange(changes, '2027-03-15')).toEqual({ allowed: true });
  });
  it('names the later of the two oldest when there are more changes (staff-made changes count too)', () => {
    expect(mayChange(['2026-01-10', '2026-03-15', '2026-06-01'], '2026-07-01')).toMatchObject({ allowed: false, from: '2027-03-15' });
  });
  it('handles a change on 29 February', () => {
    expect(mayChange(['2024-02-29', '2024-05-01'], '2025-02-27')).toMatchObject({ allowed: false, from: '2025-02-28' });
    expect(mayChange(['2024-02-29', '2024-05-01'], '2025-02-28')).toEqual({ allowed: true });
  });
});

describe('caps', () => {
  it('has room below the cap, none at it, and always without a cap', () => {
    expect(hasRoom(2, 3)).toBe(true);
    expect(hasRoom(3, 3)).toBe(false);
    expect(hasRoom(4, 3)).toBe(false);
    expect(hasRoom(10_000, undefined)).toBe(true);
  });
});

describe('the waiting list', () => {
  it('is first come, first served, the id breaking a tie', () => {
    const order = queueOrder([
      { id: 'c', since: '2026-05-02T10:00:00Z' },
      { id: 'b', since: '2026-05-01T10:00:00Z' },
      { id: 'a', since: '2026-05-02T10:00:00Z' },
    ]);
    expect(order.map((p) => p.id)).toEqual(['b', 'a', 'c']);
  });
});

describe('folkbokförd', () => {
  const today = '2026-06-01';
  it('needs a current Swedish home address', () => {
    expect(isFolkbokford([{ use: 'home', country: 'SE' }], false, today)).toBe(true);
    expect(isFolkbokford([{ country: 'NO' }], false, today)).toBe(false);
    expect(isFolkbokford([{ use: 'temp', country: 'SE' }], false, today)).toBe(false);
    expect(isFolkbokford([{ use: 'home', country: 'SE', period: { end: '2026-01-01' } }], false, today)).toBe(false);
    expect(isFolkbokford([], false, today)).toBe(false);
  });
  it('holds for a protected identity, whose address is hidden', () => {
    expect(isFolkbokford([], true, today)).toBe(true);
  });
  it('takes the home address, not a postal one', () => {
    expect(homeAddress([{ type: 'postal', district: 'A' }, { district: 'B' }], today)?.district).toBe('B');
  });
});

describe('out of county', () => {
  it('is a unit of another county than the person’s', () => {
    expect(isOutOfCounty('Kronobergs län', 'Jönköpings län', 'Kronobergs län')).toBe(true);
    expect(isOutOfCounty('kronobergs län ', 'Kronobergs län', undefined)).toBe(false);
  });
  it('takes the server’s own county for a person without one', () => {
    expect(isOutOfCounty(undefined, 'Jönköpings län', 'Kronobergs län')).toBe(true);
    expect(isOutOfCounty(undefined, 'Kronobergs län', 'Kronobergs län')).toBe(false);
    expect(isOutOfCounty(undefined, undefined, 'Kronobergs län')).toBe(false);
  });
});

describe('newborns', () => {
  it('are under a year old', () => {
    expect(isNewborn('2026-05-01', '2026-06-01')).toBe(true);
    expect(isNewborn('2025-06-02', '2026-06-01')).toBe(true);
    expect(isNewborn('2025-06-01', '2026-06-01')).toBe(false);
    expect(isNewborn(undefined, '2026-06-01')).toBe(false);
  });
  it('are listed with the mother, else another guardian', () => {
    expect(newbornUnit([{ relationship: 'FTH', unit: 'Organization/b' }, { relationship: 'MTH', unit: 'Organization/a' }])).toBe('Organization/a');
    expect(newbornUnit([{ relationship: 'MTH' }, { relationship: 'FTH', unit: 'Organization/b' }])).toBe('Organization/b');
    expect(newbornUnit([{ relationship: 'MTH' }])).toBeUndefined();
  });
});

describe('distanceKm', () => {
  it('is one degree of a meridian = 2πR/360 km', () => {
    expect(distanceKm({ latitude: 56, longitude: 14 }, { latitude: 57, longitude: 14 })).toBeCloseTo((2 * Math.PI * 6371.0088) / 360, 6);
  });
  it('is symmetric and zero at one point', () => {
    const vaxjo = { latitude: 56.8777, longitude: 14.8091 };
    const ljungby = { latitude: 56.8332, longitude: 13.9408 };
    expect(distanceKm(vaxjo, vaxjo)).toBe(0);
    expect(distanceKm(vaxjo, ljungby)).toBeCloseTo(distanceKm(ljungby, vaxjo), 9);
    expect(distanceKm(vaxjo, ljungby)).toBeGreaterThan(50);
    expect(distanceKm(vaxjo, ljungby)).toBeLessThan(56);
  });
});
