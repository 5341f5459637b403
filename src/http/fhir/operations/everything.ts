/**
 * @module http/fhir/operations/everything
 * `Patient/[id]/$everything` (https://hl7.org/fhir/R4/patient-operation-everything.html): every
 * resource in the patient's compartment (R4 CompartmentDefinition/patient), plus the resources they
 * refer to (practitioners, organisations, medications), as a paged searchset. `_type`, `_since` and
 * `_count` narrow it.
 */
import { errors } from '../../../fhir/error.js';
import { search } from '../search.js';
import type { FhirRequest } from '../types.js';
import type { OperationDef } from './operation.js';

const DEFAULT_COUNT = '100';

export const everythingOperation: OperationDef = {
  name: 'everything',
  standard: true,
  levels: ['instance'],
  types: ['Patient'],
  affectsState: false,
  async handler(ctx, req, { id }) {
    if (!(await ctx.repo.exists('Patient', id!, true))) throw errors.notFound(`Patient/${id} is not known`);
    const typeParam = req.query.get('_type');
    // The access log is about the record, not part of it: it comes only when _type asks for it.
    const types = typeParam ? typeParam.split(',').map((t) => t.trim()) : [...ctx.resourceTypes].filter((t) => t !== 'AuditEvent');
    for (const t of types) if (!ctx.resourceTypes.has(t)) throw errors.badRequest(`_type: "${t}" is not a resource type`, ['_type']);
    return search(ctx, searchRequest(req), { types, path: `Patient/${id}/$everything`, compartment: `Patient/${id}` });
  },
};

/** The $everything parameters as the search parameters that implement them. */
function searchRequest(req: FhirRequest): FhirRequest {
  const query = new URLSearchParams();
  const page = req.query.get('_page');
  if (page) query.set('_page', page);
  else {
    query.set('_count', req.query.get('_count') ?? DEFAULT_COUNT);
    query.set('_include', '*');
    const since = req.query.get('_since');
    if (since) query.set('_lastUpdated', `ge${since}`);
  }
  return { ...req, method: 'GET', query, body: undefined };
}
