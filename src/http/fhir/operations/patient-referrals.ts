/**
 * @module http/fhir/operations/patient-referrals
 * `GET Patient/[id]/$referrals` (Lots' own operation, docs/citizen.md): the patient's referrals, newest
 * first, each a `referral` parameter with the ServiceRequest, its status as the citizen understands it
 * ("Remiss skickad", "mottagen", "bedömd", "Tid bokad", "Avslutad"), why it was closed when the unit said,
 * and the time booked. Takes no parameters. See https://hl7.org/fhir/R4/operations.html.
 */
import type { Parameters } from '@medplum/fhirtypes';
import { z } from 'zod';
import { collectQuery, parseInput } from '../../../fhir/parameters.js';
import { referrals } from '../../../domain/citizen/referrals.js';
import type { OperationDef } from './operation.js';

export const referralsOperation: OperationDef = {
  name: 'referrals',
  levels: ['instance'],
  types: ['Patient'],
  affectsState: false,
  async handler(ctx, req, { id }) {
    parseInput(z.strictObject({}), req.method === 'GET' ? collectQuery(req.query) : {});
    const out: Parameters = { resourceType: 'Parameters', parameter: await referrals(ctx, id!) };
    return { status: 200, resource: out };
  },
};
