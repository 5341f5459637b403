/**
 * @module domain/citizen/login-stats
 * The region's statistics of the 1177 services (DOMAIN.md section 9): citizens' logins per month by age
 * band and sex, and the share of citizens sharing their contact details, as a MeasureReport (summary).
 * Counted in SQL (store/login-stats.ts); here only the shape and small-cell suppression: a count under 5
 * is not given (its population carries data-absent-reason `masked`), so no one can be singled out.
 */
import type { Extension, MeasureReport, MeasureReportGroup, MeasureReportGroupPopulation } from '@medplum/fhirtypes';
import type { LoginCell, SharingCount } from '../../store/store.js';
import type { DomainContext } from '../context.js';

export const SUPPRESS_BELOW = 5;
/** Lower limits of the age bands: the 1177 age limits (13, 16, 18), then adults by life stage. */
export const AGE_BANDS = [0, 13, 16, 18, 30, 50, 65, 80] as const;
export const LOGIN_STATS_MEASURE = 'https://lots.example/fhir/Measure/login-stats';
const STATS_SYSTEM = 'https://lots.example/fhir/CodeSystem/login-stats';
const POPULATION = 'http://terminology.hl7.org/CodeSystem/measure-population';
const MASKED: Extension = {
  url: 'http://hl7.org/fhir/StructureDefinition/data-absent-reason',
  valueCode: 'masked',
};

const maskedPopulation = (code: string): MeasureReportGroupPopulation => ({ code: { coding: [{ system: POPULATION, code }] }, extension: [MASKED] });

/** A population with its count, or masked when the count is under the limit (0 is no person, so shown). */
export function population(code: string, count: number): MeasureReportGroupPopulation {
  return count > 0 && count < SUPPRESS_BELOW ? maskedPopulation(code) : { code: { coding: [{ system: POPULATION, code }] }, count };
}

const component = (code: string, value: string) => ({ code: { coding: [{ system: STATS_SYSTEM, code }] }, value: { text: value } });

export function loginGroup(cells: readonly LoginCell[]): MeasureReportGroup {
  const total = cells.reduce((n, c) => n + c.count, 0);
  return {
    code: { coding: [{ system: STATS_SYSTEM, code: 'logins', display: 'Inloggningar' }] },
    population: [population('initial-population', total)],
    stratifier: [
      {
        code: [{ coding: [{ system: STATS_SYSTEM, code: 'month-age-band-sex' }], text: 'Månad, åldersgrupp och kön' }],
        stratum: cells.map((c) => ({
          component: [component('month', c.month), component('age-band', c.band), component('sex', c.sex)],
          population: [population('initial-population', c.count)],
        })),
      },
    ],
  };
}

export function sharingGroup(s: SharingCount): MeasureReportGroup {
  const masked = (s.sharing > 0 && s.sharing < SUPPRESS_BELOW) || (s.citizens - s.sharing > 0 && s.citizens - s.sharing < SUPPRESS_BELOW);
  return {
    code: { coding: [{ system: STATS_SYSTEM, code: 'contact-sharing', display: 'Delar kontaktuppgifter' }] },
    population: [population('denominator', s.citizens), masked ? maskedPopulation('numerator') : population('numerator', s.sharing)],
    ...(!masked && s.citizens > 0 ? { measureScore: { value: Math.round((1000 * s.sharing) / s.citizens) / 10, unit: '%', system: 'http://unitsofmeasure.org', code: '%' } } : {}),
  };
}

/** The last day of month YYYY-MM. */
const lastDay = (month: string) => new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 0)).toISOString().slice(0, 10);

export async function loginStats(ctx: DomainContext, from: string, to: string, now = new Date()): Promise<MeasureReport> {
  const { cells, sharing } = await ctx.repo.loginStatistics({ from, to, bands: AGE_BANDS });
  return {
    resourceType: 'MeasureReport',
    status: 'complete',
    type: 'summary',
    measure: LOGIN_STATS_MEASURE,
    date: now.toISOString(),
    period: { start: `${from}-01`, end: lastDay(to) },
    group: [loginGroup(cells), sharingGroup(sharing)],
  };
}
