/**
 * @module http/fhir/operations/patient-access-log
 * `GET Patient/[id]/$access-log` (Lots' own operation, docs/citizen.md; patientdatalagen 8 kap. 5 §):
 * who has read or changed my record, newest first: one `event` per access with `when`, `who`, `role`,
 * `unit`, `recordType`, `action`, `purpose` and `via`; `_count` (1-200, default 50) entries a page, and
 * `next` (an instant) to pass as `before` for the next page. For the citizen (and a guardian for a child
 * they act for) and system clients; staff use AuditEvent/$access-log.
 */
import type { Parameters } from '@medplum/fhirtypes';
import { z } from 'zod';
import { collectBody, collectQuery, optionalOne, parseInput } from '../../../fhir/parameters.js';
import { citizenLog, type LogPage } from '../../../domain/citizen/access-log-service.js';
import type { OperationDef } from './operation.js';

export const count = optionalOne(z.coerce.number().int().min(1).max(200));
export const instant = optionalOne(z.iso.datetime({ offset: true, error: 'must be an instant such as 2026-03-01T10:00:00Z' }));

const input = z.strictObject({ _count: count, before: instant });

export function logParameters(page: LogPage): Parameters {
  return { resourceType: 'Parameters', parameter: [...page.entries, ...(page.next ? [{ name: 'next', valueInstant: page.next }] : [])] };
}

export const accessLogOperation: OperationDef = {
  name: 'access-log',
  levels: ['instance'],
  types: ['Patient'],
  affectsState: false,
  async handler(ctx, req, { id }) {
    const i = parseInput(input, req.method === 'GET' ? collectQuery(req.query) : collectBody(req.body, 'access-log'));
    const page = await citizenLog(ctx, id!, { count: i._count ?? 50, ...(i.before ? { before: i.before } : {}) });
    return { status: 200, resource: logParameters(page) };
  },
};
