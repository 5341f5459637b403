/**
 * @module http/fhir/operations/observation-stats
 * `Observation/$stats` (https://hl7.org/fhir/R4/observation-operation-stats.html): count, average,
 * minimum and maximum of one patient's values per `code` over a `period` (start/end) or the last
 * `duration` hours, as a Parameters with one `statistics` Observation per code (a component per
 * statistic, codes from http://hl7.org/fhir/observation-statistics). Values are compared in UCUM
 * canonical units (kg and lb together) and given in the unit most were sent in. In SQL
 * (store/observations.ts); the caller's access policy applies.
 */
import type { Parameters } from '@medplum/fhirtypes';
import { errors } from '../../../fhir/error.js';
import { collectBody, collectQuery, parseInput, statsSchema } from '../../../domain/monitoring/schema.js';
import { STATISTICS, parseTokens, requiredPatient, stats, type Statistic } from '../../../domain/monitoring/readback.js';
import type { OperationDef } from './operation.js';

export const statsOperation: OperationDef = {
  name: 'stats',
  standard: true,
  levels: ['type'],
  types: ['Observation'],
  affectsState: false,
  scope: 's',
  async handler(ctx, req) {
    const i = parseInput(statsSchema, req.method === 'GET' ? collectQuery(req.query) : collectBody(req.body, 'stats'));
    const patient = requiredPatient(i, '$stats');
    const wanted = (i.statistic ?? ['average', 'minimum', 'maximum', 'count']).flatMap((s) => s.split(','));
    const unknown = wanted.filter((s) => !(STATISTICS as readonly string[]).includes(s));
    if (unknown.length) throw errors.badRequest(`statistic: Lots computes ${STATISTICS.join(', ')}, not ${unknown.join(', ')}`, ['statistic']);
    if (i.period && i.duration !== undefined) throw errors.badRequest('period and duration: give one or the other', ['period']);
    const start = i.period?.start ?? (i.duration !== undefined ? new Date(Date.now() - i.duration * 3_600_000).toISOString() : undefined);
    const found = await stats(ctx, {
      patient,
      codes: parseTokens(i.code ?? []),
      statistics: wanted as Statistic[],
      ...(start ? { start } : {}),
      ...(i.period?.end ? { end: i.period.end } : {}),
    });
    const out: Parameters = { resourceType: 'Parameters', parameter: found.map((o) => ({ name: 'statistics', resource: o })) };
    return { status: 200, resource: out };
  },
};
