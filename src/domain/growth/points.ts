/**
 * @module domain/growth/points
 * From Observations to one measurement per day: the day and age in Swedish time, the value in the
 * chart's unit, and, when several share a day, only the latest (by effective time, then by last
 * update), as the 1177 rule says. BMI is computed from the same day's weight and length/height when
 * none was recorded that day. Pure.
 */
import type { Observation, Patient } from '@medplum/fhirtypes';
import { swedishDate } from '../../auth/age.js';
import { PERSONNUMMER_SYSTEM, SAMORDNINGSNUMMER_SYSTEM } from '../../fhir/identifiers/personnummer.js';
import { growthCode, toChartUnit, type Measure } from './measures.js';
import type { Position } from './reference.js';

export const KEPT_STATUSES = new Set(['final', 'amended', 'corrected']);

export interface Measurement {
  measure: Measure;
  /** The Swedish calendar day, YYYY-MM-DD. */
  date: string;
  ageDays: number;
  /** In kg, cm or kg/m²; undefined when the stored unit could not be converted (see `problem`). */
  value?: number;
  problem?: string;
  position?: Position;
  /** `Observation/id` of each Observation the value comes from (two for a computed BMI). */
  observations: string[];
  computed?: boolean;
  /** For a computed BMI: what it was computed from (the length may need WHO's position adjustment). */
  bmiFrom?: { weightKg: number; heightCm: number; position?: Position };
  /** Sort keys within a day: the effective instant (−∞ for a date without time), then lastUpdated. */
  instant: number;
  lastUpdated: string;
}

/** The child's birth date: Patient.birthDate to the day, else from the personnummer or samordningsnummer. */
export function birthDateOf(patient: Patient): string | undefined {
  if (patient.birthDate && /^\d{4}-\d{2}-\d{2}$/.test(patient.birthDate)) return patient.birthDate;
  for (const id of patient.identifier ?? []) {
    const v = id.value ?? '';
    if (!/^\d{12}$/.test(v)) continue;
    const day = Number(v.slice(6, 8)) - (id.system === SAMORDNINGSNUMMER_SYSTEM ? 60 : 0);
    if (id.system === PERSONNUMMER_SYSTEM || id.system === SAMORDNINGSNUMMER_SYSTEM) return `${v.slice(0, 4)}-${v.slice(4, 6)}-${String(day).padStart(2, '0')}`;
  }
  return undefined;
}

/** Days from one calendar date to another (YYYY-MM-DD). */
export function daysBetween(from: string, to: string): number {
  const n = (d: string) => Date.UTC(Number(d.slice(0, 4)), Number(d.slice(5, 7)) - 1, Number(d.slice(8, 10))) / 86_400_000;
  return Math.round(n(to) - n(from));
}

/** The Swedish day and the sort instant of an Observation's effective time; undefined when it has none to the day. */
export function effectiveDay(obs: Observation): { date: string; instant: number } | undefined {
  const t = obs.effectiveDateTime ?? obs.effectiveInstant ?? obs.effectivePeriod?.start ?? obs.effectivePeriod?.end;
  if (!t) return undefined;
  if (/^\d{4}-\d{2}-\d{2}$/.test(t)) return { date: t, instant: Number.NEGATIVE_INFINITY };
  const ms = Date.parse(t);
  if (t.length < 10 || Number.isNaN(ms)) return undefined;
  return { date: swedishDate(new Date(ms)), instant: ms };
}

/** One Observation as a measurement of `measure`, or undefined when it is not one (or has no day). */
export function toMeasurement(obs: Observation, birthDate: string, measure: Measure): Measurement | undefined {
  const code = growthCode(obs);
  if (!code || code.measure !== measure || !KEPT_STATUSES.has(obs.status) || !obs.valueQuantity) return undefined;
  const day = effectiveDay(obs);
  if (!day) return undefined;
  const converted = toChartUnit(measure, obs.valueQuantity);
  return {
    measure,
    date: day.date,
    ageDays: daysBetween(birthDate, day.date),
    ...(converted.ok ? { value: converted.value } : { problem: converted.problem }),
    ...(code.position ? { position: code.position } : {}),
    observations: [`Observation/${obs.id}`],
    instant: day.instant,
    lastUpdated: obs.meta?.lastUpdated ?? '',
  };
}

const later = (a: Measurement, b: Measurement) => (a.instant !== b.instant ? a.instant > b.instant : a.lastUpdated > b.lastUpdated);

/** Only the latest measurement of each day, in date order. */
export function latestPerDay(ms: readonly Measurement[]): Measurement[] {
  const byDay = new Map<string, Measurement>();
  for (const m of ms) {
    const seen = byDay.get(m.date);
    if (!seen || later(m, seen)) byDay.set(m.date, m);
  }
  return [...byDay.values()].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
}

/** The chart's measurements of `measure` from a child's Observations (several measures may be mixed in). */
export function measurementsOf(observations: readonly Observation[], birthDate: string, measure: Measure): Measurement[] {
  const of = (m: Measure) => latestPerDay(observations.map((o) => toMeasurement(o, birthDate, m)).filter((x): x is Measurement => x !== undefined));
  if (measure !== 'bmi') return of(measure);
  const recorded = of('bmi');
  const days = new Set(recorded.map((m) => m.date));
  const heights = new Map(of('height').map((h) => [h.date, h]));
  const computed = of('weight').flatMap((w) => {
    const h = heights.get(w.date);
    if (days.has(w.date) || !h || w.value === undefined || h.value === undefined || h.value <= 0) return [];
    return [computedBmi(w, h)];
  });
  return [...recorded, ...computed].sort((a, b) => (a.date < b.date ? -1 : 1));
}

function computedBmi(w: Measurement, h: Measurement): Measurement {
  const heightCm = h.value!;
  return {
    measure: 'bmi',
    date: w.date,
    ageDays: w.ageDays,
    value: w.value! / (heightCm / 100) ** 2,
    observations: [...w.observations, ...h.observations],
    computed: true,
    bmiFrom: { weightKg: w.value!, heightCm, ...(h.position ? { position: h.position } : {}) },
    instant: Math.max(w.instant, h.instant),
    lastUpdated: w.lastUpdated > h.lastUpdated ? w.lastUpdated : h.lastUpdated,
  };
}
