/**
 * @module domain/monitoring/readback
 * Reading measurements back: `$lastn` (the newest values per code) and `$stats` (count, average,
 * minimum, maximum per code over a period), R4 https://hl7.org/fhir/R4/observation-operations.html.
 * The SQL is in store/observations.ts; here the inputs are checked and the statistics turned from
 * UCUM canonical units back into the unit most values were sent in. Access: the caller's search policy.
 */
import type { Observation, ObservationComponent } from '@medplum/fhirtypes';
import { errors } from '../../fhir/error.js';
import { canonicalQuantity } from '../../fhir/search/values/ucum.js';
import type { CodeFilter, StatsRow } from '../../store/store.js';
import type { DomainContext } from '../context.js';
import { regimesAsCaller, seriesAsCaller } from './data.js';
import { chartSvg, type ChartPoint } from './chart.js';
import { measuredAt } from './evaluate.js';
import { limitsUnit, readRegime } from './ranges.js';
import { PHYSIOLOGY, convert } from './units.js';
import { UCUM } from './codes.js';

export const STATISTICS_SYSTEM = 'http://hl7.org/fhir/observation-statistics';
export const STATISTICS = ['average', 'minimum', 'maximum', 'count'] as const;
export type Statistic = (typeof STATISTICS)[number];

/** `system|code`, `|code` or `code`, comma-separated -> filters. */
export function parseTokens(values: readonly string[]): CodeFilter[] {
  return values.flatMap((v) => v.split(',')).filter(Boolean).map((t) => {
    const bar = t.indexOf('|');
    return bar < 0 ? { code: t } : { system: t.slice(0, bar), code: t.slice(bar + 1) };
  });
}

/** `Patient/x`, a full URL ending in it, or `x` -> `x`; 400 otherwise. */
export function patientId(ref: string, param: string): string {
  const m = /^(?:.*\/)?(?:Patient\/)?([A-Za-z0-9\-.]{1,64})$/.exec(ref);
  if (!m || (ref.includes('/') && !/Patient\/[^/]+$/.test(ref))) throw errors.badRequest(`${param}: must be a Patient reference (Patient/<id>)`, [param]);
  return m[1]!;
}

/**
 * The patient of `$lastn`/`$stats`: `patient` or `subject` (one is required), as a Patient id. `operation`
 * names the operation in the message.
 */
export function requiredPatient(i: { patient?: string | undefined; subject?: string | undefined }, operation: string): string {
  if (i.patient !== undefined) return patientId(i.patient, 'patient');
  if (i.subject !== undefined) return patientId(i.subject, 'subject');
  throw errors.badRequest(`patient: ${operation} needs the patient (patient or subject)`, ['patient']);
}

export interface StatsInput {
  patient: string;
  codes: CodeFilter[];
  statistics: Statistic[];
  start?: string;
  end?: string;
}

export async function stats(ctx: DomainContext, q: StatsInput): Promise<Observation[]> {
  if (q.codes.length === 0) throw errors.badRequest('code: $stats needs at least one code', ['code']);
  // The door applies the caller's access and logs the read.
  const rows = await ctx.repo.observationStats({ patient: q.patient, codes: q.codes, categories: [], ...(q.start ? { start: q.start } : {}), ...(q.end ? { end: q.end } : {}) });
  return rows.map((r) => statisticsObservation(r, q));
}

/** One statistics Observation per code and unit, a component per statistic (R4 observation-statistics codes). */
export function statisticsObservation(r: StatsRow, q: StatsInput): Observation {
  const unit = r.unit && canonicalQuantity('1', r.unit)?.code === r.canonCode ? r.unit : r.canonCode;
  const factor = Number(canonicalQuantity('1', unit)?.value ?? '1');
  const inUnit = (canon: string) => Number((Number(canon) / factor).toPrecision(12));
  const values: Record<Statistic, number> = { average: inUnit(r.average), minimum: inUnit(r.min), maximum: inUnit(r.max), count: r.count };
  const component: ObservationComponent[] = q.statistics.map((s) => ({
    code: { coding: [{ system: STATISTICS_SYSTEM, code: s }] },
    ...(s === 'count' ? { valueQuantity: { value: values.count } } : { valueQuantity: { value: values[s], unit, system: UCUM, code: unit } }),
  }));
  return {
    resourceType: 'Observation',
    status: 'final',
    code: { coding: [{ ...(r.system ? { system: r.system } : {}), code: r.code }] },
    subject: { reference: `Patient/${q.patient}` },
    ...(r.first && r.last ? { effectivePeriod: { start: q.start ?? r.first, end: q.end ?? r.last } } : {}),
    component,
  };
}

export interface ChartQuery {
  patient: string;
  code: CodeFilter;
  start: string;
  end: string;
}

/** The SVG chart of one code for one patient over [start, end), with the limits of their active regime. */
export async function chart(ctx: DomainContext, q: ChartQuery): Promise<string> {
  const patient = `Patient/${q.patient}`;
  const token = q.code.system ? `${q.code.system}|${q.code.code}` : q.code.code;
  const [series, regimes] = await Promise.all([seriesAsCaller(ctx, patient, token, q.start, q.end), regimesAsCaller(ctx, patient)]);
  const limits = regimes.flatMap((r) => readRegime(r.extension, 'ServiceRequest').limits).find((l) => l.code.code === q.code.code);
  const points: ChartPoint[] = [];
  let unit = limits ? limitsUnit(limits) : undefined;
  for (const o of series) {
    const qty = o.code?.coding?.some((c) => c.code === q.code.code) ? o.valueQuantity : o.component?.find((c) => c.code?.coding?.some((x) => x.code === q.code.code))?.valueQuantity;
    const at = measuredAt(o);
    if (qty?.value === undefined || at === undefined || !o.id) continue;
    unit ??= qty.code;
    const value = qty.code && unit ? convert(qty.value, qty.code, unit, PHYSIOLOGY[q.code.code]?.molarMass) : qty.value;
    if (value !== undefined) points.push({ id: o.id, at, value });
  }
  const title = series[0]?.code?.text ?? series[0]?.code?.coding?.[0]?.display ?? `LOINC ${q.code.code}`;
  return chartSvg({
    title,
    unit: unit ?? '',
    start: Date.parse(q.start),
    end: Date.parse(q.end),
    points,
    ...(limits?.yellow ? { yellow: limits.yellow } : {}),
    ...(limits?.red ? { red: limits.red } : {}),
    baseUrl: ctx.config.baseUrl,
  });
}
