import type { HealthcareService } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { distanceKm, OPEN_ON_HOLIDAYS_URL, openAt, rank } from './refer.js';

const weekdays: HealthcareService = { resourceType: 'HealthcareService', name: 'VC', availableTime: [{ daysOfWeek: ['mon', 'tue', 'wed', 'thu', 'fri'], availableStartTime: '08:00:00', availableEndTime: '17:00:00' }] };
const evenings: HealthcareService = {
  resourceType: 'HealthcareService',
  name: 'Närakut',
  extension: [{ url: OPEN_ON_HOLIDAYS_URL, valueBoolean: true }],
  availableTime: [{ daysOfWeek: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], availableStartTime: '16:00:00', availableEndTime: '22:00:00' }],
};

describe('openAt (Europe/Stockholm, Swedish holidays)', () => {
  it('follows the opening hours in Swedish time', () => {
    expect(openAt(weekdays, new Date('2026-12-03T07:30:00Z'))).toBe(true); // Thursday 08:30
    expect(openAt(weekdays, new Date('2026-12-03T06:30:00Z'))).toBe(false); // 07:30
    expect(openAt(weekdays, new Date('2026-12-03T16:00:00Z'))).toBe(false); // 17:00, closing time
    expect(openAt(weekdays, new Date('2026-12-05T10:00:00Z'))).toBe(false); // Saturday
  });
  it('closes on public holidays and eves, even on a weekday, unless the service is open on holidays', () => {
    const christmasEveMorning = new Date('2026-12-24T09:00:00Z'); // Thursday
    expect(openAt(weekdays, christmasEveMorning)).toBe(false);
    expect(openAt(weekdays, new Date('2026-01-06T09:00:00Z'))).toBe(false); // Trettondedag jul, Tuesday
    expect(openAt(evenings, new Date('2026-12-24T18:00:00Z'))).toBe(true); // 19:00 on julafton
  });
});

describe('rank', () => {
  const c = (name: string, open: boolean, listed: boolean, distance?: number) => ({ service: { resourceType: 'HealthcareService' as const, name }, open, listed, ...(distance !== undefined ? { distance } : {}) });
  it('puts open units first, then the listed unit, then the nearest', () => {
    const order = rank([c('far-open', true, false, 50), c('listed-closed', false, true, 1), c('near-closed', false, false, 2), c('near-open', true, false, 3), c('unknown', false, false)]);
    expect(order.map((x) => x.service.name)).toEqual(['near-open', 'far-open', 'listed-closed', 'near-closed', 'unknown']);
  });
  it('measures distance on the sphere', () => {
    expect(distanceKm({ lat: 56.8777, lon: 14.8091 }, { lat: 56.8332, lon: 13.9408 })).toBeCloseTo(53.0, 0);
  });
});
