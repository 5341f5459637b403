/**
 * @module domain/citizen/high-cost
 * Högkostnadsskydd för öppen vård (DOMAIN.md section 3, HSL 17 kap. 6 §): patient fees that count add up
 * over 12 months from the first counting fee; the fee that reaches the cap counts only up to it; from
 * then a frikort covers the rest of that period. Siblings under 18 in one family share one cap, which
 * still covers a child who turns 18 during the period. Pure: amounts in öre (integers), dates as
 * Swedish calendar dates (YYYY-MM-DD).
 */

/** The national cap from a date (kr). A region may set a lower one (config). */
export interface CapStep {
  from: string;
  kr: number;
}

/** DOMAIN.md section 3: 1 150 kr from 2019, 1 200 from 2022, 1 300 from 2023, 1 400 from 2024. */
export const NATIONAL_CAPS: readonly CapStep[] = [
  { from: '2019-01-01', kr: 1150 },
  { from: '2022-01-01', kr: 1200 },
  { from: '2023-01-01', kr: 1300 },
  { from: '2024-01-01', kr: 1400 },
];

export interface Fee {
  id: string;
  /** The family member who paid it (a Patient id). */
  patient: string;
  date: string;
  ore: number;
  counts: boolean;
}

export interface Member {
  patient: string;
  birthDate?: string;
}

export interface HighCostInput {
  /** The patient asked about first, then siblings whose fees share the cap. */
  members: readonly Member[];
  fees: readonly Fee[];
  caps: readonly CapStep[];
  /** A region's own lower cap (kr), if any. */
  regionCapKr?: number;
  today: string;
}

export interface Period {
  start: string;
  /** The last day covered (the day before the same date a year later). */
  end: string;
  capOre: number;
  paidOre: number;
  /** When the cap was reached: the frikort is valid from this day to `end`. */
  frikortFrom?: string;
  /** How much of each fee counted (the last one may be partial; after the cap, none). */
  counted: { id: string; ore: number }[];
}

/** The cap in force on `date` (the latest step on or before it, lowered to the region's cap). */
export function capOn(date: string, caps: readonly CapStep[], regionCapKr?: number): number {
  const step = [...caps].filter((c) => c.from <= date).sort((a, b) => b.from.localeCompare(a.from))[0];
  if (!step) throw new RangeError(`no high-cost cap is known for ${date}`);
  return Math.round(Math.min(step.kr, regionCapKr ?? Infinity) * 100);
}

/** The last day of the 12-month period that starts on `start` (25 April -> 24 April next year). */
export function periodEnd(start: string): string {
  const [y, m, d] = start.split('-').map(Number);
  const next = new Date(Date.UTC(y! + 1, m! - 1, d!));
  // 29 February: the next year has none, so the period runs to 28 February.
  if (next.getUTCMonth() !== m! - 1) next.setUTCDate(0);
  else next.setUTCDate(next.getUTCDate() - 1);
  return next.toISOString().slice(0, 10);
}

function ageOn(birthDate: string, date: string): number {
  const [by, bm, bd] = birthDate.slice(0, 10).split('-').map(Number);
  const [y, m, d] = date.split('-').map(Number);
  return y! - by! - (m! < bm! || (m === bm && d! < bd!) ? 1 : 0);
}

/**
 * Every period the counting fees make, in order. A period starts at the first counting fee after the
 * previous one ended; the cap in force on its first day holds for the whole period (a change of the
 * national cap on 1 January applies to periods starting from then). A sibling's fee joins the family's
 * periods while the sibling is under 18 (on the fee's date or the period's first day); the patient's own
 * fees always count. Siblings share only while the patient is under 18 too.
 */
export function periods(input: HighCostInput): Period[] {
  const [self, ...siblings] = input.members;
  const birth = new Map(input.members.map((m) => [m.patient, m.birthDate]));
  const under18 = (patient: string, date: string) => {
    const b = birth.get(patient);
    return b !== undefined && ageOn(b, date) < 18;
  };
  const family = new Set(siblings.map((s) => s.patient));
  const fees = input.fees
    .filter((f) => f.counts && f.ore > 0 && (f.patient === self?.patient || family.has(f.patient)))
    .sort((a, b) => a.date.localeCompare(b.date) || a.id.localeCompare(b.id));
  const out: Period[] = [];
  let current: Period | undefined;
  for (const fee of fees) {
    if (current && fee.date > current.end) current = undefined;
    const minor = (patient: string, start: string) => under18(patient, fee.date) || under18(patient, start);
    const joins = (start: string) => fee.patient === self?.patient || (minor(fee.patient, start) && minor(self!.patient, start));
    if (!current) {
      if (!joins(fee.date)) continue;
      current = { start: fee.date, end: periodEnd(fee.date), capOre: capOn(fee.date, input.caps, input.regionCapKr), paidOre: 0, counted: [] };
      out.push(current);
    } else if (!joins(current.start)) continue;
    const ore = Math.min(fee.ore, current.capOre - current.paidOre);
    current.counted.push({ id: fee.id, ore });
    current.paidOre += ore;
    if (current.paidOre >= current.capOre && !current.frikortFrom) current.frikortFrom = fee.date;
  }
  return out;
}

export interface HighCostStatus {
  /** The period running today, if any. */
  period?: Period;
  paidOre: number;
  remainingOre: number;
  capOre: number;
  /** The frikort's last valid day, when the patient has one today. */
  frikortUntil?: string;
}

/** Where the patient stands today: paid so far, remaining, the period, and a frikort if any. */
export function highCostStatus(input: HighCostInput): HighCostStatus {
  const period = periods(input).find((p) => p.start <= input.today && input.today <= p.end);
  if (!period) {
    const capOre = capOn(input.today, input.caps, input.regionCapKr);
    return { paidOre: 0, remainingOre: capOre, capOre };
  }
  return {
    period,
    paidOre: period.paidOre,
    remainingOre: period.capOre - period.paidOre,
    capOre: period.capOre,
    ...(period.frikortFrom ? { frikortUntil: period.end } : {}),
  };
}
