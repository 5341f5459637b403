/**
 * @module http/fhir/operations/observation-lastn
 * `Observation/$lastn` (https://hl7.org/fhir/R4/observation-operation-lastn.html): the newest `max`
 * (default 1) Observations of one patient per code, optionally only some `code`s and `category`s, as a
 * searchset Bundle grouped by code, newest first. In SQL (store/observations.ts), no search engine;
 * the caller's access policy applies. `patient` or `subject` is required (Lots does not run it across
 * patients).
 */
import type { Bundle } from '@medplum/fhirtypes';
import { collectBody, collectQuery, lastnSchema, parseInput } from '../../../domain/monitoring/schema.js';
import { parseTokens, requiredPatient } from '../../../domain/monitoring/readback.js';
import type { OperationDef } from './operation.js';

export const lastnOperation: OperationDef = {
  name: 'lastn',
  standard: true,
  levels: ['type'],
  types: ['Observation'],
  affectsState: false,
  scope: 's',
  async handler(ctx, req) {
    const i = parseInput(lastnSchema, req.method === 'GET' ? collectQuery(req.query) : collectBody(req.body, 'lastn'));
    // The door applies the caller's access and logs the read.
    const found = await ctx.repo.lastN({ patient: requiredPatient(i, '$lastn'), codes: parseTokens(i.code ?? []), categories: parseTokens(i.category ?? []), max: i.max ?? 1 });
    const bundle: Bundle = {
      resourceType: 'Bundle',
      type: 'searchset',
      total: found.length,
      entry: found.map((o) => ({ fullUrl: `${ctx.config.baseUrl}/Observation/${o.id}`, resource: o, search: { mode: 'match' } })),
    };
    return { status: 200, resource: bundle };
  },
};
