import { describe, expect, it } from 'vitest';
import { capOn, highCostStatus, NATIONAL_CAPS, periodEnd, periods, type Fee } from './high-cost.js';

const fee = (id: string, date: string, kr: number, counts = true, patient = 'p'): Fee => ({ id, patient, date, ore: kr * 100, counts });
const me = [{ patient: 'p', birthDate: '1980-05-05' }];

describe('the high-cost period', () => {
  it('DOMAIN.md’s example: first visit 25 April, cap reached 10 October, free until 24 April next year', () => {
    const fees = [fee('a', '2024-04-25', 400), fee('b', '2024-06-12', 400), fee('c', '2024-08-30', 400), fee('d', '2024-10-10', 400)];
    const s = highCostStatus({ members: me, fees, caps: NATIONAL_CAPS, today: '2024-11-01' });
    expect(s.period).toMatchObject({ start: '2024-04-25', end: '2025-04-24', frikortFrom: '2024-10-10' });
    expect(s).toMatchObject({ paidOre: 140_000, remainingOre: 0, capOre: 140_000, frikortUntil: '2025-04-24' });
  });

  it('the fee that reaches the cap counts only up to it, and later fees in the period count nothing', () => {
    const fees = [fee('a', '2024-01-10', 1000), fee('b', '2024-02-10', 300), fee('c', '2024-03-10', 200)];
    const [p] = periods({ members: me, fees, caps: NATIONAL_CAPS, today: '2024-03-11' });
    expect(p!.counted).toEqual([
      { id: 'a', ore: 100_000 },
      { id: 'b', ore: 30_000 },
      { id: 'c', ore: 10_000 },
    ]);
    expect(p!.frikortFrom).toBe('2024-03-10');
  });

  it('fees that do not count (no-show, intyg, late cancellation) neither start nor fill a period', () => {
    const fees = [fee('noshow', '2024-01-05', 400, false), fee('a', '2024-02-01', 200)];
    const s = highCostStatus({ members: me, fees, caps: NATIONAL_CAPS, today: '2024-03-01' });
    expect(s.period?.start).toBe('2024-02-01');
    expect(s.paidOre).toBe(20_000);
  });

  it('a cap change on 1 January: a period started before keeps its cap, one started after gets the new', () => {
    expect(capOn('2022-12-31', NATIONAL_CAPS)).toBe(120_000);
    expect(capOn('2023-01-01', NATIONAL_CAPS)).toBe(130_000);
    const old = highCostStatus({ members: me, fees: [fee('a', '2022-12-31', 1250)], caps: NATIONAL_CAPS, today: '2023-02-01' });
    expect(old).toMatchObject({ capOre: 120_000, paidOre: 120_000, frikortUntil: '2023-12-30' });
    const fresh = highCostStatus({ members: me, fees: [fee('a', '2023-01-01', 1250)], caps: NATIONAL_CAPS, today: '2023-02-01' });
    expect(fresh).toMatchObject({ capOre: 130_000, paidOre: 125_000, remainingOre: 5_000 });
    expect(fresh.frikortUntil).toBeUndefined();
  });

  it('a region may set a lower cap', () => {
    const s = highCostStatus({ members: me, fees: [fee('a', '2024-03-01', 1000)], caps: NATIONAL_CAPS, regionCapKr: 1000, today: '2024-03-02' });
    expect(s).toMatchObject({ capOre: 100_000, remainingOre: 0, frikortUntil: '2025-02-28' });
  });

  it('after the period ends the next counting fee starts a new one', () => {
    const fees = [fee('a', '2023-04-25', 1300), fee('b', '2024-04-25', 100)];
    const s = highCostStatus({ members: me, fees, caps: NATIONAL_CAPS, today: '2024-05-01' });
    expect(s.period).toMatchObject({ start: '2024-04-25', end: '2025-04-24', capOre: 140_000 });
    expect(s).toMatchObject({ paidOre: 10_000 });
    expect(s.frikortUntil).toBeUndefined();
  });

  it('with no fee in a running period: nothing paid, the whole cap of today remains', () => {
    expect(highCostStatus({ members: me, fees: [], caps: NATIONAL_CAPS, today: '2024-05-01' })).toEqual({ paidOre: 0, remainingOre: 140_000, capOre: 140_000 });
  });

  it('periodEnd handles leap days', () => {
    expect(periodEnd('2024-02-29')).toBe('2025-02-28');
    expect(periodEnd('2024-03-01')).toBe('2025-02-28');
    expect(periodEnd('2023-03-01')).toBe('2024-02-29');
  });
});

describe('siblings under 18 share a cap', () => {
  const family = [
    { patient: 'p', birthDate: '2012-06-01' },
    { patient: 'sister', birthDate: '2015-01-01' },
    { patient: 'brother', birthDate: '2006-09-01' },
  ];

  it('their fees fill one cap together', () => {
    const fees = [fee('a', '2024-01-10', 600), fee('b', '2024-02-10', 600, true, 'sister'), fee('c', '2024-03-10', 400, true, 'sister')];
    const s = highCostStatus({ members: family, fees, caps: NATIONAL_CAPS, today: '2024-04-01' });
    expect(s).toMatchObject({ paidOre: 140_000, frikortUntil: '2025-01-09' });
  });

  it('a sibling who turns 18 during the period stays covered; one already 18 when it starts does not join', () => {
    // The brother turns 18 on 2024-09-01, inside the period that began 2024-01-10.
    const during = [fee('a', '2024-01-10', 600), fee('b', '2024-10-01', 300, true, 'brother')];
    expect(highCostStatus({ members: family, fees: during, caps: NATIONAL_CAPS, today: '2024-10-02' }).paidOre).toBe(90_000);
    // A period starting after he turned 18: his fees are his own.
    const after = [fee('a', '2025-02-01', 600), fee('b', '2025-03-01', 300, true, 'brother')];
    expect(highCostStatus({ members: family, fees: after, caps: NATIONAL_CAPS, today: '2025-03-02' }).paidOre).toBe(60_000);
  });

  it('an adult’s cap is their own, whatever their younger siblings pay', () => {
    const adult = [{ patient: 'p', birthDate: '2000-01-01' }, { patient: 'sister', birthDate: '2015-01-01' }];
    const fees = [fee('a', '2024-01-10', 600), fee('b', '2024-02-10', 600, true, 'sister')];
    expect(highCostStatus({ members: adult, fees, caps: NATIONAL_CAPS, today: '2024-03-01' }).paidOre).toBe(60_000);
  });
});
