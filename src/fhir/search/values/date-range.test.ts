import { describe, expect, it } from 'vitest';
import {
  approximateRange,
  dateValueRange,
  formatInstant,
  matchesDate,
  parseInstant,
  periodRange,
  splitPrefix,
  type Prefix,
  type Range,
} from './date-range.js';

function r(value: string): Range {
  const range = dateValueRange(value);
  if (!range) throw new Error(`test value ${value} does not parse`);
  return range;
}

describe('dateValueRange', () => {
  it.each([
    ['2023', '2023-01-01T00:00:00.000Z', '2024-01-01T00:00:00.000Z'],
    ['2023-03', '2023-03-01T00:00:00.000Z', '2023-04-01T00:00:00.000Z'],
    ['2023-12', '2023-12-01T00:00:00.000Z', '2024-01-01T00:00:00.000Z'],
    ['2023-03-15', '2023-03-15T00:00:00.000Z', '2023-03-16T00:00:00.000Z'],
    ['2023-12-31', '2023-12-31T00:00:00.000Z', '2024-01-01T00:00:00.000Z'],
    ['2024-02', '2024-02-01T00:00:00.000Z', '2024-03-01T00:00:00.000Z'],
    ['2024-02-29', '2024-02-29T00:00:00.000Z', '2024-03-01T00:00:00.000Z'],
    ['2000-02-29', '2000-02-29T00:00:00.000Z', '2000-03-01T00:00:00.000Z'],
    ['2023-03-15T10:30', '2023-03-15T10:30:00.000Z', '2023-03-15T10:31:00.000Z'],
    ['2023-03-15T10:30Z', '2023-03-15T10:30:00.000Z', '2023-03-15T10:31:00.000Z'],
    ['2023-03-15T10:30:15', '2023-03-15T10:30:15.000Z', '2023-03-15T10:30:16.000Z'],
    ['2023-03-15T10:30:15Z', '2023-03-15T10:30:15.000Z', '2023-03-15T10:30:16.000Z'],
    ['2023-03-15T10:30:15.1Z', '2023-03-15T10:30:15.100Z', '2023-03-15T10:30:15.200Z'],
    ['2023-03-15T10:30:15.12Z', '2023-03-15T10:30:15.120Z', '2023-03-15T10:30:15.130Z'],
    ['2023-03-15T10:30:15.123Z', '2023-03-15T10:30:15.123Z', '2023-03-15T10:30:15.124Z'],
    ['2023-03-15T10:30:15.123456Z', '2023-03-15T10:30:15.123Z', '2023-03-15T10:30:15.124Z'],
    ['2023-03-15T10:30:15.999Z', '2023-03-15T10:30:15.999Z', '2023-03-15T10:30:16.000Z'],
    // Zones convert to UTC, across midnight, month and year ends.
    ['2023-03-15T23:30:00-02:00', '2023-03-16T01:30:00.000Z', '2023-03-16T01:30:01.000Z'],
    ['2023-03-16T00:30:00+01:00', '2023-03-15T23:30:00.000Z', '2023-03-15T23:30:01.000Z'],
    ['2023-01-01T00:15+01:00', '2022-12-31T23:15:00.000Z', '2022-12-31T23:16:00.000Z'],
    ['2023-03-15T10:30:00.5+05:30', '2023-03-15T05:00:00.500Z', '2023-03-15T05:00:00.600Z'],
    ['2023-03-15T10:30:00+14:00', '2023-03-14T20:30:00.000Z', '2023-03-14T20:30:01.000Z'],
    ['2023-03-15T10:30:00-13:59', '2023-03-16T00:29:00.000Z', '2023-03-16T00:29:01.000Z'],
    ['2023-03-15T10:30:00-00:00', '2023-03-15T10:30:00.000Z', '2023-03-15T10:30:01.000Z'],
    ['2024-02-28T23:00:00-02:00', '2024-02-29T01:00:00.000Z', '2024-02-29T01:00:01.000Z'],
    // A leap second rolls into the next minute.
    ['2016-12-31T23:59:60Z', '2017-01-01T00:00:00.000Z', '2017-01-01T00:00:01.000Z'],
    // Calendar ends: Postgres has no year 0, and wants year 10000 unsigned.
    ['0001', '0001-01-01T00:00:00.000Z', '0002-01-01T00:00:00.000Z'],
    ['0099-05', '0099-05-01T00:00:00.000Z', '0099-06-01T00:00:00.000Z'],
    ['0001-01-01T00:30+01:00', '-infinity', '-infinity'],
    ['9999', '9999-01-01T00:00:00.000Z', '10000-01-01T00:00:00.000Z'],
    ['9999-12-31T23:00:00-05:00', '10000-01-01T04:00:00.000Z', '10000-01-01T04:00:01.000Z'],
  ])('%s → [%s, %s)', (value, low, high) => {
    expect(dateValueRange(value)).toEqual({ low, high });
  });

  it.each([
    'notadate', '', '2023-13-01', '2023-00-01', '2023-02-30', '2023-02-29', '1900-02-29', '2023-04-31',
    '2023-03-00', '2023-3-1', '2023-03-1', '23', '20230315', '+2023', '0000', '2023-', '2023-03-15T',
    '2023-03-15T10', '2023-03-15T10Z', '2023-03-15T24:00', '2023-03-15T10:60', '2023-03-15T10:30:61Z',
    '2023-03-15T10:30:00.Z', '2023-03-15T10:30:00z', '2023-03-15 10:30:00Z', '2023-03-15T10:30:00+14:30',
    '2023-03-15T10:30:00+15:00', '2023-03-15T10:30:00+01:60', '2023-03-15T10:30:00+0100',
    '2023-03-15T10:30:00 01:00', '2023-03-15Z', 'ge2023',
  ])('rejects %j', (value) => {
    expect(dateValueRange(value)).toBeUndefined();
  });
});

describe('periodRange', () => {
  it.each([
    [undefined, undefined, '-infinity', 'infinity'],
    ['2023-03', undefined, '2023-03-01T00:00:00.000Z', 'infinity'],
    [undefined, '2023-03-15', '-infinity', '2023-03-16T00:00:00.000Z'],
    ['2023-03-01', '2023-03-15', '2023-03-01T00:00:00.000Z', '2023-03-16T00:00:00.000Z'],
    ['2023-03-01T10:00:00+01:00', '2023-03-01T11:00:00+01:00', '2023-03-01T09:00:00.000Z', '2023-03-01T10:00:01.000Z'],
    ['garbage', '2023', '-infinity', '2024-01-01T00:00:00.000Z'],
  ])('[%s, %s] → [%s, %s)', (start, end, low, high) => {
    expect(periodRange(start, end)).toEqual({ low, high });
  });
});

describe('splitPrefix', () => {
  it.each([
    ['2023', 'eq', '2023'],
    ['eq2023', 'eq', '2023'],
    ['ne2023', 'ne', '2023'],
    ['gt2023', 'gt', '2023'],
    ['lt2023', 'lt', '2023'],
    ['ge2023', 'ge', '2023'],
    ['le2023', 'le', '2023'],
    ['sa2023', 'sa', '2023'],
    ['eb2023', 'eb', '2023'],
    ['ap2023', 'ap', '2023'],
    ['ge', 'ge', ''],
    ['', 'eq', ''],
    ['GE2023', 'eq', 'GE2023'],
    ['xx2023', 'eq', 'xx2023'],
    ['-5.4', 'eq', '-5.4'],
    ['gt-5.4', 'gt', '-5.4'],
  ])('%j → %s %j', (value, prefix, rest) => {
    expect(splitPrefix(value)).toEqual({ prefix, rest });
  });
});

describe('formatInstant / parseInstant', () => {
  it.each(['-infinity', 'infinity', '2023-03-15T10:30:00.000Z', '0001-01-01T00:00:00.000Z', '10000-01-01T00:00:00.000Z'])(
    'round-trips %s',
    (s) => {
      expect(formatInstant(parseInstant(s))).toBe(s);
    },
  );
  it('rejects what it would not produce', () => {
    expect(parseInstant('yesterday')).toBeNaN();
  });
});

type Target = string | [string | undefined, string | undefined];
const target = (t: Target): Range => (typeof t === 'string' ? r(t) : periodRange(t[0], t[1]));

// Spec rows (R4 search.html §date) first, then boundaries, zones, open periods and leap years.
const CASES: [Prefix, string, Target, boolean][] = [
  ['eq', '2013-01-14', '2013-01-14T00:00Z', true],
  ['eq', '2013-01-14', '2013-01-14T10:00Z', true],
  ['eq', '2013-01-14', '2013-01-15T00:00Z', false],
  ['ne', '2013-01-14', '2013-01-15T00:00Z', true],
  ['ne', '2013-01-14', '2013-01-14T00:00Z', false],
  ['ne', '2013-01-14', '2013-01-14T10:00Z', false],
  ['lt', '2013-01-14T10:00Z', '2013-01-14', true],
  ['gt', '2013-01-14T10:00Z', '2013-01-14', true],
  ['ge', '2013-03-14', ['2013-01-21', undefined], true],
  ['le', '2013-03-14', ['2013-01-21', undefined], true],
  ['sa', '2013-03-14', ['2013-03-15', undefined], true],
  ['sa', '2013-03-14', ['2013-01-21', undefined], false],
  ['sa', '2013-03-14', [undefined, '2013-01-21'], false],
  ['eb', '2013-03-14', ['2013-03-15', undefined], false],
  ['eb', '2013-03-14', ['2013-01-21', undefined], false],
  ['eb', '2013-03-14', [undefined, '2013-01-21'], true],
  // Precision boundaries: the high end is exclusive.
  ['eq', '2023', '2023-12-31T23:59:59.999Z', true],
  ['eq', '2023', '2024-01-01T00:00:00Z', false],
  ['eq', '2023', '2022-12-31T23:59:59.999Z', false],
  ['eq', '2023', '2023-06', true],
  ['eq', '2023', '2023', true],
  ['eq', '2023-06', '2023', false],
  ['ne', '2023-06', '2023', true],
  ['eq', '2023-03', '2023-03-31', true],
  ['eq', '2023-03', '2023-04-01', false],
  ['eq', '2023-03-15T10:30Z', '2023-03-15T10:30:59.999Z', true],
  ['eq', '2023-03-15T10:30Z', '2023-03-15T10:31:00Z', false],
  ['gt', '2023-03-15', '2023-03-15T23:59:59.999Z', false],
  ['gt', '2023-03-15', '2023-03-16', true],
  ['gt', '2023-03-15', '2023-03', true],
  ['gt', '2023-03-15', '2023-03-15', false],
  ['ge', '2023-03-15', '2023-03-15', true],
  ['ge', '2023-03-15', '2023-03-15T12:00Z', true],
  ['ge', '2023-03-15', '2023-03-14T23:59:59.999Z', false],
  ['ge', '2023-03-15', ['2023-03-14T12:00Z', '2023-03-15T12:00Z'], false],
  ['lt', '2023-03-15', '2023-03-15T00:00:00.000Z', false],
  ['lt', '2023-03-15', '2023-03-14T23:59:59.999Z', true],
  ['lt', '2023-03-15', '2023-03', true],
  ['le', '2023-03-15', '2023-03-15T23:59:59.999Z', true],
  ['le', '2023-03-15', '2023-03-16', false],
  ['le', '2023-03-15', ['2023-03-15T12:00Z', '2023-03-16T12:00Z'], false],
  ['sa', '2023-03-15', '2023-03-16T00:00:00.000Z', true],
  ['sa', '2023-03-15', '2023-03-15T23:59:59.999Z', false],
  ['sa', '2023-03-15', '2023-03', false],
  ['eb', '2023-03-15', '2023-03-14', true],
  ['eb', '2023-03-15', '2023-03-14T23:59:59.999Z', true],
  ['eb', '2023-03-15', '2023-03-15T00:00:00.000Z', false],
  ['eb', '2023-03-15', '2023-03', false],
  // Time zones, in the target and in the search value.
  ['eq', '2023-03-16', '2023-03-15T23:30:00-02:00', true],
  ['eq', '2023-03-15', '2023-03-15T23:30:00-02:00', false],
  ['eq', '2023-03-15', '2023-03-16T00:30:00+01:00', true],
  ['gt', '2023-03-15', '2023-03-15T23:30:00-02:00', true],
  ['sa', '2023-03-15', '2023-03-15T23:30:00-02:00', true],
  ['eq', '2023-03-15T10:00+02:00', '2023-03-15T08:00:30Z', true],
  ['gt', '2023-03-15T10:00+02:00', '2023-03-15T08:00:30Z', false],
  ['gt', '2023-03-15T10:00+02:00', '2023-03-15T08:01:00Z', true],
  ['eq', '2023-03-15T10:00', '2023-03-15T10:00:30Z', true],
  ['eq', '2023-03-15T10:00', '2023-03-15T10:00:30+01:00', false],
  // Periods with open ends.
  ['gt', '2030', ['2023-01-01', undefined], true],
  ['ge', '2030', ['2023-01-01', undefined], true],
  ['lt', '2030', ['2023-01-01', undefined], true],
  ['lt', '2020', ['2023-01-01', undefined], false],
  ['le', '2020', ['2023-01-01', undefined], false],
  ['sa', '2030', ['2023-01-01', undefined], false],
  ['sa', '2020', ['2023-01-01', undefined], true],
  ['eb', '2030', ['2023-01-01', undefined], false],
  ['eq', '2023', ['2023-01-01', undefined], false],
  ['ne', '2023', ['2023-01-01', undefined], true],
  ['lt', '2020', [undefined, '2022-12-31'], true],
  ['gt', '2020', [undefined, '2022-12-31'], true],
  ['gt', '2023', [undefined, '2022-12-31'], false],
  ['eb', '2023', [undefined, '2022-12-31'], true],
  ['eb', '2022', [undefined, '2022-12-31'], false],
  ['sa', '1900', [undefined, '2022-12-31'], false],
  ['eq', '2023', [undefined, undefined], false],
  ['gt', '2023', [undefined, undefined], true],
  ['lt', '2023', [undefined, undefined], true],
  ['sa', '2023', [undefined, undefined], false],
  ['eb', '2023', [undefined, undefined], false],
  ['eq', '2023', ['2023-02-01', '2023-02-28'], true],
  ['eq', '2023-02', ['2023-02-01', '2023-02-28'], true],
  ['eq', '2023-02-15', ['2023-02-01', '2023-02-28'], false],
  ['gt', '2023-02-15', ['2023-02-01', '2023-02-28'], true],
  ['lt', '2023-02-15', ['2023-02-01', '2023-02-28'], true],
  ['sa', '2023-01', ['2023-02-01', '2023-02-28'], true],
  ['eb', '2023-03', ['2023-02-01', '2023-02-28'], true],
  // Leap years.
  ['eq', '2024-02', '2024-02-29T23:59:59Z', true],
  ['eq', '2024-02-29', '2024-02-28T23:30:00-01:00', true],
  ['gt', '2024-02-28', '2024-02-29', true],
  ['eq', '2023-02', '2023-03-01T00:00:00+01:00', true],
  ['eb', '2024-03-01', '2024-02-29', true],
  ['sa', '2024-02-28', '2024-02-29', true],
  ['eq', '2024', '2024-12-31T23:59:59.999Z', true],
];

describe('matchesDate', () => {
  it.each(CASES)('%s%s against %j → %s', (prefix, search, t, expected) => {
    expect(matchesDate(prefix, r(search), target(t))).toBe(expected);
  });

  it('ap widens by 10% of the gap to now', () => {
    const search = r('2013-03-14');
    // Now three months later: ±~9 days.
    const june = new Date('2013-06-14T00:00:00Z');
    expect(matchesDate('ap', search, r('2013-03-14'), june)).toBe(true);
    expect(matchesDate('ap', search, r('2013-03-08'), june)).toBe(true);
    expect(matchesDate('ap', search, r('2013-03-24'), june)).toBe(true);
    expect(matchesDate('ap', search, r('2013-01-21'), june)).toBe(false);
    expect(matchesDate('ap', search, r('2015-06-15'), june)).toBe(false);
    // Now ten years later: ±~1 year, so January is near but 2015 still is not.
    const later = new Date('2023-03-14T00:00:00Z');
    expect(matchesDate('ap', search, r('2013-01-21'), later)).toBe(true);
    expect(matchesDate('ap', search, r('2014-03-01'), later)).toBe(true);
    expect(matchesDate('ap', search, r('2015-06-15'), later)).toBe(false);
    // Open periods overlap from the side they are open to.
    expect(matchesDate('ap', search, periodRange('2014-01-01', undefined), june)).toBe(false);
    expect(matchesDate('ap', search, periodRange(undefined, '2013-03-10'), june)).toBe(true);
  });

  it('ap on now itself is eq', () => {
    const now = new Date('2023-03-15T12:00:00Z');
    const search = r('2023-03-15');
    expect(approximateRange(search, now)).toEqual({ low: '2023-03-14T22:48:00.000Z', high: '2023-03-16T01:12:00.000Z' });
    expect(matchesDate('ap', search, r('2023-03-16T01:11Z'), now)).toBe(true);
    expect(matchesDate('ap', search, r('2023-03-16T01:12Z'), now)).toBe(false);
  });

  it('approximateRange agrees with matchesDate', () => {
    const now = new Date('2023-07-01T00:00:00Z');
    const search = r('2013-03-14');
    const wide = approximateRange(search, now);
    for (const t of ['2012-12-01', '2012-12-15', '2013-01', '2013-06-01', '2013-07', '2014', '2012-11-30T23:00Z']) {
      expect(matchesDate('ap', search, r(t), now), t).toBe(matchesDate('eq', wide, r(t)) || overlaps(wide, r(t)));
    }
  });

  // Relations the prefix table implies, over every pair from a mixed grid of ranges.
  it('keeps the prefix identities', () => {
    const grid: Range[] = [
      ...['2022', '2023', '2023-03', '2023-03-15', '2023-03-15T10:30Z', '2023-03-15T23:30:00-02:00', '2024-02-29'].map(r),
      periodRange(undefined, '2023-03-15'),
      periodRange('2023-03-15', undefined),
      periodRange(undefined, undefined),
      periodRange('2023-03-01', '2023-03-31'),
    ];
    const now = new Date('2024-01-01T00:00:00Z');
    for (const s of grid.slice(0, 7)) {
      for (const t of grid) {
        const m = (p: Prefix): boolean => matchesDate(p, s, t, now);
        expect(m('ne')).toBe(!m('eq'));
        expect(m('ge')).toBe(m('gt') || m('eq'));
        expect(m('le')).toBe(m('lt') || m('eq'));
        if (m('sa')) expect(m('gt')).toBe(true);
        if (m('eb')) expect(m('lt')).toBe(true);
        if (m('eq')) expect(m('ap')).toBe(true);
        expect(m('sa') && m('eb')).toBe(false);
      }
    }
  });
});

function overlaps(a: Range, b: Range): boolean {
  return parseInstant(b.low) < parseInstant(a.high) && parseInstant(b.high) > parseInstant(a.low);
}
