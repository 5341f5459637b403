/**
 * Date search (https://hl7.org/fhir/R4/search.html#date): date, dateTime, instant, Period and Timing
 * targets, every precision and prefix, open-ended periods and time zones.
 *
 * The grid tests check the SQL against the JS oracle `matchesDate`: for every stored value × search value
 * × prefix, the server must return exactly the resources the oracle accepts (a resource matches when any
 * of its values does). The hand-written tables above them pin the oracle's meaning to the spec.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dateValueRange, matchesDate, periodRange, type Prefix, type Range } from '../../src/fhir/search/values/date-range.js';
import { matchLabels, seed } from '../support/search.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

type Effective =
  | { dateTime: string }
  | { instant: string }
  | { period: { start?: string; end?: string } }
  | { timing: { event?: string[]; bounds?: { start?: string; end?: string } } };

/** Observation.effective[x] values: the `date` parameter of Observation covers all four types. */
const STORED: Record<string, Effective> = {
  y2023: { dateTime: '2023' },
  m202303: { dateTime: '2023-03' },
  d20230315: { dateTime: '2023-03-15' },
  d20230316: { dateTime: '2023-03-16' },
  t10z: { dateTime: '2023-03-15T10:00:00Z' },
  t10plus1: { dateTime: '2023-03-15T10:00:00+01:00' },
  t2330minus2: { dateTime: '2023-03-15T23:30:00-02:00' },
  tLastMs: { dateTime: '2023-03-14T23:59:59.999Z' },
  tMidnight: { dateTime: '2023-03-16T00:00:00Z' },
  tNewYearEve: { dateTime: '2022-12-31T23:59:59Z' },
  tMs: { dateTime: '2023-03-15T10:00:00.123Z' },
  instant: { instant: '2023-03-15T10:00:00.000Z' },
  march: { period: { start: '2023-03-01', end: '2023-03-31' } },
  openEnd: { period: { start: '2023-03-15T08:00:00Z' } },
  openStart: { period: { end: '2023-03-15' } },
  longPeriod: { period: { start: '2022-06-01', end: '2023-06-01' } },
  minutePeriod: { period: { start: '2023-03-15T10:00:00Z', end: '2023-03-15T10:00:59Z' } },
  events: { timing: { event: ['2023-03-10', '2023-03-20'] } },
  bounds: { timing: { bounds: { start: '2023-03-15', end: '2023-03-16' } } },
};

const SEARCH_VALUES = [
  '2023',
  '2022',
  '2024-01-01',
  '2023-03',
  '2023-03-15',
  '2023-03-16',
  '2023-03-15T10:00',
  '2023-03-15T10:00:00',
  '2023-03-15T10:00:00Z',
  '2023-03-15T11:00:00+01:00',
  '2023-03-15T10:00:00.123Z',
  '2023-03-15T21:30:00-05:00',
];

const PREFIXES: Prefix[] = ['eq', 'ne', 'gt', 'lt', 'ge', 'le', 'sa', 'eb', 'ap'];

function observation(e: Effective): Record<string, unknown> {
  const base = { resourceType: 'Observation', status: 'final', code: { text: 'date test' } };
  if ('dateTime' in e) return { ...base, effectiveDateTime: e.dateTime };
  if ('instant' in e) return { ...base, effectiveInstant: e.instant };
  if ('period' in e) return { ...base, effectivePeriod: e.period };
  const timing: Record<string, unknown> = {};
  if (e.timing.event) timing.event = e.timing.event;
  if (e.timing.bounds) timing.repeat = { boundsPeriod: e.timing.bounds };
  return { ...base, effectiveTiming: timing };
}

/** The ranges a stored value covers, computed independently of the extractor's code path. */
function ranges(e: Effective): Range[] {
  if ('dateTime' in e) return [dateValueRange(e.dateTime)!];
  if ('instant' in e) return [dateValueRange(e.instant)!];
  if ('period' in e) return [periodRange(e.period.start, e.period.end)];
  const out = (e.timing.event ?? []).map((v) => dateValueRange(v)!);
  if (e.timing.bounds) out.push(periodRange(e.timing.bounds.start, e.timing.bounds.end));
  return out;
}

function oracle(prefix: Prefix, value: string, now = new Date()): string[] {
  const search = dateValueRange(value)!;
  return Object.entries(STORED)
    .filter(([, e]) => ranges(e).some((r) => matchesDate(prefix, search, r, now)))
    .map(([label]) => label)
    .sort();
}

let t: TestApp;
let refs: Map<string, string>;
let patients: Map<string, string>;

beforeAll(async () => {
  t = await createTestApp();
  refs = await seed(t, Object.fromEntries(Object.entries(STORED).map(([label, e]) => [label, observation(e)])));
  patients = await seed(t, {
    born1950: { resourceType: 'Patient', birthDate: '1950' },
    bornSep1950: { resourceType: 'Patient', birthDate: '1950-09' },
    born19500907: { resourceType: 'Patient', birthDate: '1950-09-07' },
    born19500908: { resourceType: 'Patient', birthDate: '1950-09-08' },
    born19491231: { resourceType: 'Patient', birthDate: '1949-12-31' },
    unborn: { resourceType: 'Patient' },
  });
});
afterAll(() => t.close());

const q = (prefix: Prefix, value: string) => `date=${prefix === 'eq' ? '' : prefix}${encodeURIComponent(value)}`;

describe('the spec, by hand', () => {
  it.each([
    // Timing bounds ending 2023-03-16 cover [15th, 17th): wider than the day, so not equal to it.
    ['a day contains its times, not the month or wider periods', 'date=2023-03-15', ['d20230315', 'instant', 'minutePeriod', 't10plus1', 't10z', 'tMs']],
    ['eq a month', 'date=2023-03', ['bounds', 'd20230315', 'd20230316', 'events', 'instant', 'm202303', 'march', 'minutePeriod', 't10plus1', 't10z', 't2330minus2', 'tLastMs', 'tMidnight', 'tMs']],
    ['eq a second finds the instant and the dateTimes at that second', 'date=2023-03-15T10:00:00Z', ['instant', 't10z', 'tMs']],
    ['a zone offset converts', 'date=2023-03-15T11:00:00%2B01:00', ['instant', 't10z', 'tMs']],
    ['an unencoded + (a space) is read as a zone', 'date=2023-03-15T11:00:00+01:00', ['instant', 't10z', 'tMs']],
    ['milliseconds', 'date=2023-03-15T10:00:00.123Z', ['tMs']],
    ['23:30 at -02:00 is the next day in UTC', 'date=2023-03-16', ['d20230316', 't2330minus2', 'tMidnight']],
    ['the last millisecond of a day belongs to it', 'date=2023-03-14', ['tLastMs']],
    ['sa: starts after the end of the day', 'date=sa2023-03-15', ['d20230316', 'events', 't2330minus2', 'tMidnight']],
    ['eb: ends before the day starts', 'date=eb2023-01-01', ['tNewYearEve']],
  ])('%s: %s', async (_what, query, expected) => {
    expect(await matchLabels(t, refs, `Observation?${query}`)).toEqual(expected);
  });

  it.each([
    ['open end is after everything', 'gt2999', true],
    ['open end starts before 2024', 'sa2024', false],
    ['open end starts after 2023-03-14', 'sa2023-03-14', true],
    ['open end never ends before', 'eb2999', false],
    ['open end is not less than its start', 'lt2023-03-15T08:00:00Z', false],
    ['open end is ge anything', 'ge2999-12-31', true],
    ['open end is not equal to a day', 'eq2023-03-15', false],
  ])('a Period without end: %s (%s)', async (_what, search, expected) => {
    const found = (await matchLabels(t, refs, `Observation?date=${search}`)).includes('openEnd');
    expect(found).toBe(expected);
  });

  it.each([
    ['open start is before everything', 'lt1900', true],
    ['open start ends before 2023-03-16', 'eb2023-03-16', true],
    ['open start does not end before the 15th', 'eb2023-03-15', false],
    ['open start never starts after', 'sa1900', false],
    ['open start is not greater than its end', 'gt2023-03-15', false],
    ['open start is le anything', 'le1900', true],
  ])('a Period without start: %s (%s)', async (_what, search, expected) => {
    const found = (await matchLabels(t, refs, `Observation?date=${search}`)).includes('openStart');
    expect(found).toBe(expected);
  });
});

describe('the SQL agrees with matchesDate on every stored value × search value × prefix', () => {
  const cases = PREFIXES.flatMap((prefix) => SEARCH_VALUES.map((value) => [prefix, value] as const));
  it.each(cases)('%s %s', async (prefix, value) => {
    const found = await matchLabels(t, refs, `Observation?${q(prefix, value)}&_count=100`);
    expect(found).toEqual(oracle(prefix, value));
  });

  it('the grid is not degenerate: every prefix matches something and leaves something out', () => {
    for (const prefix of PREFIXES) {
      const sizes = SEARCH_VALUES.map((v) => oracle(prefix, v).length);
      expect(Math.max(...sizes), prefix).toBeGreaterThan(0);
      expect(Math.min(...sizes), prefix).toBeLessThan(Object.keys(STORED).length);
    }
  });
});

describe('date (birthdate) at each precision', () => {
  const born = ['born19491231', 'born1950', 'born19500907', 'born19500908', 'bornSep1950'];
  it.each([
    ['Patient?birthdate=1950', ['born1950', 'born19500907', 'born19500908', 'bornSep1950']],
    ['Patient?birthdate=1950-09', ['born19500907', 'born19500908', 'bornSep1950']],
    ['Patient?birthdate=1950-09-07', ['born19500907']],
    ['Patient?birthdate=lt1950', ['born19491231']],
    ['Patient?birthdate=ge1950-09-08', ['born1950', 'born19500908', 'bornSep1950']],
    ['Patient?birthdate=le1950-09-07', ['born19491231', 'born1950', 'born19500907', 'bornSep1950']],
    ['Patient?birthdate=gt1950-09-07&birthdate=lt1950-09-30', ['born1950', 'born19500908', 'bornSep1950']],
    ['Patient?birthdate=eb1950-09-07', ['born19491231']],
    ['Patient?birthdate=sa1950-09', []],
    ['Patient?birthdate=1950-09-07,1949-12-31', ['born19491231', 'born19500907']],
    ['Patient?birthdate:missing=true', ['unborn']],
    ['Patient?birthdate:missing=false', born],
  ])('%s', async (query, expected) => {
    expect(await matchLabels(t, patients, query)).toEqual(expected);
  });
});
