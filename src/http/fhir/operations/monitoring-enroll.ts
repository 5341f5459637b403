/**
 * @module http/fhir/operations/monitoring-enroll
 * `CarePlan/$enroll` (Lots; docs/monitoring.md): staff of a unit enrol a patient in home
 * self-monitoring from a template (a PlanDefinition, https://hl7.org/fhir/R4/plandefinition.html).
 * Input Parameters: `template` (canonical), `patient`, `unit` (Organization), optional `end` and any
 * number of `override` (parts `code`, `yellow`, `red`). Stores, in one transaction, the CarePlan and
 * one ServiceRequest per measurement; answers 201 with the CarePlan, whose `activity` lists the
 * regimes. Only staff working at the unit (or a system client) may enrol.
 */
import { collectBody, enrollSchema, parseInput } from '../../../domain/monitoring/schema.js';
import { enroll } from '../../../domain/monitoring/service.js';
import type { OperationDef } from './operation.js';
import { etag } from '../version-headers.js';

export const enrollOperation: OperationDef = {
  name: 'enroll',
  levels: ['type'],
  types: ['CarePlan'],
  affectsState: true,
  scope: 'c',
  async handler(ctx, req) {
    const i = parseInput(enrollSchema, collectBody(req.body, 'enroll'));
    const { carePlan } = await enroll(ctx, { template: i.template, patient: i.patient, unit: i.unit, override: i.override, ...(i.end ? { end: i.end } : {}) });
    return {
      status: 201,
      resource: carePlan,
      headers: {
        ETag: etag(Number(carePlan.meta!.versionId)),
        'Last-Modified': new Date(carePlan.meta!.lastUpdated!).toUTCString(),
        Location: `${ctx.config.baseUrl}/CarePlan/${carePlan.id}/_history/${carePlan.meta!.versionId}`,
      },
    };
  },
};
