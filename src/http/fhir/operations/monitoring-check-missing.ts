/**
 * @module http/fhir/operations/monitoring-check-missing
 * `ServiceRequest/$check-missing` (Lots; docs/monitoring.md): runs the missing-measurement check now
 * (it also runs every LOTS_MONITORING_CHECK_SECONDS). For administrators and system clients. Answers
 * a collection Bundle of the "missing measurement" Tasks it created (none when run twice).
 */
import type { Bundle } from '@medplum/fhirtypes';
import { errors } from '../../../fhir/error.js';
import { asServer } from '../../../domain/monitoring/data.js';
import { checkMissing, MISSING_DEFAULTS } from '../../../domain/monitoring/missing-job.js';
import type { OperationDef } from './operation.js';

export const checkMissingOperation: OperationDef = {
  name: 'check-missing',
  levels: ['type'],
  types: ['ServiceRequest'],
  affectsState: true,
  async handler(ctx) {
    const p = ctx.principal;
    if (p.kind === 'citizen' || (p.kind === 'staff' && !p.roles.includes('administrator'))) throw errors.forbidden('Only administrators run the missing-measurement check');
    const created = await checkMissing(asServer(ctx), new Date(), { ...MISSING_DEFAULTS, graceHours: ctx.config.monitoring.graceHours });
    const bundle: Bundle = { resourceType: 'Bundle', type: 'collection', entry: created.map((t) => ({ fullUrl: `${ctx.config.baseUrl}/Task/${t.id}`, resource: t })) };
    return { status: 200, resource: bundle };
  },
};
