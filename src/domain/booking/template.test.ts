import { describe, expect, it } from 'vitest';
import { planSlots, templateProblems, weekdayOf, type WeeklyTemplate } from './template.js';

const morning: WeeklyTemplate = {
  slotMinutes: 30,
  hours: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '08:00', to: '11:00', visitType: 'physical' }],
  breaks: [{ from: '09:30', to: '10:00' }],
};

describe('planSlots', () => {
  it('fills opening hours with slots around the break', () => {
    const { slots } = planSlots(morning, '2026-03-10', '2026-03-10');
    expect(slots.map((s) => s.start)).toEqual([
      '2026-03-10T08:00:00+01:00',
      '2026-03-10T08:30:00+01:00',
      '2026-03-10T09:00:00+01:00',
      '2026-03-10T10:00:00+01:00',
      '2026-03-10T10:30:00+01:00',
    ]);
    expect(slots[0]!.end).toBe('2026-03-10T08:30:00+01:00');
  });

  it('skips Good Friday and Easter Monday, and keeps the wall-clock time across the change to summer time', () => {
    // Monday 30 March to Monday 6 April 2026: summer time from Sunday 29 March; Easter Sunday 5 April.
    const { slots, holidays } = planSlots(morning, '2026-03-27', '2026-04-06');
    const days = [...new Set(slots.map((s) => s.start.slice(0, 10)))];
    expect(days).toEqual(['2026-03-27', '2026-03-30', '2026-03-31', '2026-04-01', '2026-04-02']);
    expect(holidays.map((h) => `${h.date} ${h.name}`)).toEqual(['2026-04-03 Långfredagen', '2026-04-06 Annandag påsk']);
    expect(slots.find((s) => s.start.startsWith('2026-03-27'))!.start).toBe('2026-03-27T08:00:00+01:00');
    expect(slots.find((s) => s.start.startsWith('2026-03-30'))!.start).toBe('2026-03-30T08:00:00+02:00');
    expect(slots).toHaveLength(5 * 5);
  });

  it('skips midsommarafton, julafton and nyårsafton though they are not public holidays in law', () => {
    const { holidays } = planSlots(morning, '2026-06-19', '2026-06-19');
    expect(holidays.map((h) => h.name)).toEqual(['Midsommarafton']);
    const winter = planSlots(morning, '2026-12-21', '2027-01-08');
    // Annandag jul 2026 is a Saturday, when the clinic is closed anyway.
    expect(winter.holidays.map((h) => h.name)).toEqual(['Julafton', 'Juldagen', 'Nyårsafton', 'Nyårsdagen', 'Trettondedag jul']);
    expect(winter.slots.some((s) => s.start.startsWith('2026-12-24') || s.start.startsWith('2026-12-31'))).toBe(false);
  });

  it('opens on a Saturday when the template says so, except on a Saturday holiday', () => {
    const t: WeeklyTemplate = { slotMinutes: 60, hours: [{ days: ['sat'], from: '10:00', to: '12:00', visitType: 'video' }], breaks: [] };
    // Alla helgons dag 2026 is Saturday 31 October; the Saturday before is 24 October.
    const { slots, holidays } = planSlots(t, '2026-10-24', '2026-10-31');
    expect(slots.map((s) => s.start)).toEqual(['2026-10-24T10:00:00+02:00', '2026-10-24T11:00:00+02:00']);
    expect(slots[0]!.visitType).toBe('video');
    expect(holidays.map((h) => h.name)).toEqual(['Alla helgons dag']);
  });

  it('gives different visit types to different opening hours, and drops a slot that would run past closing', () => {
    const t: WeeklyTemplate = {
      slotMinutes: 20,
      hours: [
        { days: ['wed'], from: '08:00', to: '09:00', visitType: 'physical' },
        { days: ['wed'], from: '13:00', to: '13:50', visitType: 'phone' },
      ],
      breaks: [],
    };
    const { slots } = planSlots(t, '2026-03-11', '2026-03-11');
    expect(slots.map((s) => `${s.start.slice(11, 16)} ${s.visitType}`)).toEqual(['08:00 physical', '08:20 physical', '08:40 physical', '13:00 phone', '13:20 phone']);
  });

  it('applies a break only on its days', () => {
    const t: WeeklyTemplate = { ...morning, breaks: [{ days: ['fri'], from: '08:00', to: '10:00' }] };
    expect(planSlots(t, '2026-03-12', '2026-03-12').slots).toHaveLength(6);
    expect(planSlots(t, '2026-03-13', '2026-03-13').slots).toHaveLength(2);
  });
});

describe('templateProblems', () => {
  it('finds reversed times, too-short hours and overlapping hours', () => {
    const t: WeeklyTemplate = {
      slotMinutes: 30,
      hours: [
        { days: ['mon'], from: '10:00', to: '09:00', visitType: 'physical' },
        { days: ['tue'], from: '08:00', to: '08:15', visitType: 'physical' },
        { days: ['wed', 'thu'], from: '08:00', to: '12:00', visitType: 'physical' },
        { days: ['thu'], from: '11:00', to: '13:00', visitType: 'video' },
      ],
      breaks: [{ from: '12:00', to: '11:00' }],
    };
    const problems = templateProblems(t);
    expect(problems).toHaveLength(4);
    expect(problems.join('\n')).toMatch(/hours\[0\].*after/);
    expect(problems.join('\n')).toMatch(/hours\[1\].*shorter/);
    expect(problems.join('\n')).toMatch(/overlap on thu/);
    expect(problems.join('\n')).toMatch(/break\[0\]/);
    expect(templateProblems(morning)).toEqual([]);
  });

  it('knows the weekday of a date', () => {
    expect(weekdayOf('2026-04-03')).toBe('fri');
    expect(weekdayOf('2026-04-05')).toBe('sun');
    expect(weekdayOf('2026-03-30')).toBe('mon');
  });
});
