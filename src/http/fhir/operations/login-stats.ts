/**
 * @module http/fhir/operations/login-stats
 * `GET [base]/$login-stats?from=YYYY-MM&to=YYYY-MM` (Lots' own operation, docs/citizen.md): citizens'
 * logins per month by age band and sex, and the share sharing contact details, as a summary
 * MeasureReport with counts under 5 masked. For administrators and system clients; at most 36 months.
 */
import { z } from 'zod';
import { errors } from '../../../fhir/error.js';
import { collectBody, collectQuery, one, parseInput } from '../../../fhir/parameters.js';
import { loginStats } from '../../../domain/citizen/login-stats.js';
import type { OperationDef } from './operation.js';

const month = one(z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month such as 2026-03'));
const input = z.strictObject({ from: month, to: month });
const MAX_MONTHS = 36;

const monthIndex = (m: string) => Number(m.slice(0, 4)) * 12 + Number(m.slice(5, 7)) - 1;

export const loginStatsOperation: OperationDef = {
  name: 'login-stats',
  levels: ['system'],
  affectsState: false,
  async handler(ctx, req) {
    const i = parseInput(input, req.method === 'GET' ? collectQuery(req.query) : collectBody(req.body, 'login-stats'));
    const span = monthIndex(i.to) - monthIndex(i.from);
    if (span < 0) throw errors.badRequest('to: must not be before from', ['to']);
    if (span >= MAX_MONTHS) throw errors.badRequest(`to: at most ${MAX_MONTHS} months from from`, ['to']);
    return { status: 200, resource: await loginStats(ctx, i.from, i.to) };
  },
};
