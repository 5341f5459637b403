import { describe, expect, it } from 'vitest';
import { deadline, isWorkingDay, stockholmDate } from './working-days.js';
import { easterSunday, swedishHolidays } from './swedish-holidays.js';

describe('Swedish holidays', () => {
  it.each([
    [2023, 4, 9],
    [2024, 3, 31],
    [2025, 4, 20],
    [2026, 4, 5],
    [2027, 3, 28],
  ])('Easter %i is %i-%i', (y, m, d) => expect(easterSunday(y)).toEqual({ month: m, day: d }));

  it.each([
    [2023, '2023-06-23', '2023-06-24', '2023-11-04'],
    [2024, '2024-06-21', '2024-06-22', '2024-11-02'],
    [2025, '2025-06-20', '2025-06-21', '2025-11-01'],
    [2026, '2026-06-19', '2026-06-20', '2026-10-31'],
    [2027, '2027-06-25', '2027-06-26', '2027-11-06'],
  ])('%i: midsommarafton %s, midsommardagen %s, alla helgons dag %s', (y, eve, day, allSaints) => {
    const h = swedishHolidays(y);
    expect(h.find((x) => x.name === 'Midsommarafton')?.date).toBe(eve);
    expect(h.find((x) => x.name === 'Midsommardagen')?.date).toBe(day);
    expect(h.find((x) => x.name === 'Alla helgons dag')?.date).toBe(allSaints);
  });

  it('knows 2026: Kristi himmelsfärd 14 May, pingst 24 May, national day on a Saturday', () => {
    const h = swedishHolidays(2026);
    expect(h.find((x) => x.name === 'Kristi himmelsfärdsdag')?.date).toBe('2026-05-14');
    expect(h.find((x) => x.name === 'Pingstdagen')?.date).toBe('2026-05-24');
    expect(isWorkingDay('2026-06-08')).toBe(true);
    expect(h.some((x) => x.date === '2026-06-08')).toBe(false);
  });

  it('eves are not working days, Annandag pingst is', () => {
    expect(isWorkingDay('2023-12-24')).toBe(false);
    expect(isWorkingDay('2024-12-31')).toBe(false);
    expect(isWorkingDay('2025-06-20')).toBe(false);
    expect(isWorkingDay('2023-05-29')).toBe(true);
  });
});

describe('deadline: end of the 2nd working day after the day received', () => {
  const cases: [string, string, string][] = [
    // received (UTC), due date in Sweden, why
    ['2023-04-06T09:00:00Z', '2023-04-12', 'Thursday before Easter: Good Friday and Easter Monday are holidays'],
    ['2023-06-23T09:00:00Z', '2023-06-27', 'Midsommarafton'],
    ['2023-12-22T15:00:00Z', '2023-12-28', 'Friday before Christmas'],
    ['2024-05-08T10:00:00Z', '2024-05-13', 'before Kristi himmelsfärd (9 May)'],
    ['2024-12-30T08:00:00Z', '2025-01-03', 'nyårsafton and nyårsdagen'],
    ['2025-04-30T10:00:00Z', '2025-05-05', 'Första maj'],
    ['2025-11-03T10:00:00Z', '2025-11-05', 'an ordinary Monday'],
    ['2026-01-05T10:00:00Z', '2026-01-08', 'before Trettondedag jul'],
    ['2026-06-04T10:00:00Z', '2026-06-08', 'National day on a Saturday moves nothing'],
    ['2027-03-24T10:00:00Z', '2027-03-30', 'Wednesday before Easter 2027'],
    ['2023-04-07T21:30:00Z', '2023-04-12', '23:30 Swedish time on Good Friday counts as that day'],
  ];
  it.each(cases)('received %s is due at the end of %s (%s)', (received, due) => {
    const d = deadline(new Date(received), 2);
    expect(stockholmDate(d)).toBe(due);
    expect(stockholmDate(new Date(d.getTime() + 1))).not.toBe(due);
  });

  it('ends at 23:59:59.999 Swedish time, in summer and in winter', () => {
    expect(deadline(new Date('2023-06-23T09:00:00Z'), 2).toISOString()).toBe('2023-06-27T21:59:59.999Z');
    expect(deadline(new Date('2023-12-22T15:00:00Z'), 2).toISOString()).toBe('2023-12-28T22:59:59.999Z');
  });
});
