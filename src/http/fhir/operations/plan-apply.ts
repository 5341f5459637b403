/**
 * @module http/fhir/operations/plan-apply
 * `PlanDefinition/[id]/$apply` (https://hl7.org/fhir/R4/plandefinition-operation-apply.html) for
 * monitoring templates: the CarePlan `CarePlan/$enroll` would store for `subject`, unsaved, with one
 * contained ServiceRequest per measurement. `organization` names the unit. Nothing is written.
 */
import { applySchema, collectBody, collectQuery, parseInput } from '../../../domain/monitoring/schema.js';
import { apply } from '../../../domain/monitoring/service.js';
import type { OperationDef } from './operation.js';

export const applyOperation: OperationDef = {
  name: 'apply',
  standard: true,
  levels: ['instance'],
  types: ['PlanDefinition'],
  affectsState: false,
  async handler(ctx, req, { id }) {
    const input = req.method === 'GET' ? collectQuery(req.query) : collectBody(req.body, 'apply');
    const i = parseInput(applySchema, input);
    const carePlan = await apply(ctx, id!, { subject: i.subject, ...(i.organization ? { organization: i.organization } : {}) });
    return { status: 200, resource: carePlan };
  },
};
