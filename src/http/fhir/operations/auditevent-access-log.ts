/**
 * @module http/fhir/operations/auditevent-access-log
 * `GET AuditEvent/$access-log` (Lots' own operation, docs/citizen.md): a unit's access log for staff in
 * the granskare role (DOMAIN.md section 8), newest first, filtered by `unit` (default: the reviewer's
 * units; only their own), `person` (an HSA-id), `patient`, `from` and `to` (dates or instants); paged like
 * Patient/$access-log (`_count`, `before`, `next`). Each `event` also names the `patient`.
 */
import { z } from 'zod';
import { collectBody, collectQuery, optionalOne, parseInput } from '../../../fhir/parameters.js';
import { unitLog } from '../../../domain/citizen/access-log-service.js';
import type { OperationDef } from './operation.js';
import { count, instant, logParameters } from './patient-access-log.js';

const date = optionalOne(z.string().regex(/^\d{4}-\d{2}-\d{2}(T[0-9:.]+(Z|[+-]\d{2}:\d{2}))?$/, 'must be a date (YYYY-MM-DD) or an instant'));
const id = (what: string) => optionalOne(z.string().regex(/^[A-Za-z/]*[A-Za-z0-9\-.]{1,64}$/, `must be ${what}`));

const input = z.strictObject({
  unit: id('an Organization id'),
  person: optionalOne(z.string().min(1).max(64)),
  patient: id('a Patient id'),
  from: date,
  to: date,
  _count: count,
  before: instant,
});

export const unitAccessLogOperation: OperationDef = {
  name: 'access-log',
  levels: ['type'],
  types: ['AuditEvent'],
  affectsState: false,
  async handler(ctx, req) {
    const i = parseInput(input, req.method === 'GET' ? collectQuery(req.query) : collectBody(req.body, 'access-log'));
    const page = await unitLog(ctx, {
      count: i._count ?? 50,
      ...(i.before ? { before: i.before } : {}),
      ...(i.unit ? { unit: i.unit } : {}),
      ...(i.person ? { person: i.person } : {}),
      ...(i.patient ? { patient: i.patient } : {}),
      ...(i.from ? { from: i.from } : {}),
      ...(i.to ? { to: i.to } : {}),
    });
    return { status: 200, resource: logParameters(page) };
  },
};
