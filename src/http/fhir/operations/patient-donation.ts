/**
 * @module http/fhir/operations/patient-donation
 * `GET`/`POST Patient/[id]/$donation` (Lots' own operation, docs/citizen.md; Donationsregistret):
 * GET gives the entry that holds (`choice`, a Coding, and `recorded`), or no parameter when there is
 * none; POST with `choice` = transplantation-and-other | transplantation-only | no | delete registers a
 * new entry (the latest wins) or deletes it. The citizen from 15, for their own record; system clients
 * (the registry) read and write. Staff get 403. affectsState false so that GET may read; a POST is
 * checked as a write of the caller.
 */
import type { Consent, Parameters } from '@medplum/fhirtypes';
import { z } from 'zod';
import { collectBody, collectQuery, one, parseInput } from '../../../fhir/parameters.js';
import { DONATION_INPUTS, type DonationInput } from '../../../domain/citizen/donation.js';
import { readDonation, registerDonation } from '../../../domain/citizen/settings-service.js';
import type { OperationDef } from './operation.js';

const input = z.strictObject({
  choice: one(z.string().refine((c) => DONATION_INPUTS.includes(c), { error: `must be one of ${DONATION_INPUTS.join(', ')}` })),
});

function answer(entry: Consent | undefined): Parameters {
  const coding = entry?.provision?.code?.[0]?.coding?.[0];
  if (!entry || !coding) return { resourceType: 'Parameters' };
  return {
    resourceType: 'Parameters',
    parameter: [
      { name: 'choice', valueCoding: coding },
      ...(entry.dateTime ? [{ name: 'recorded', valueDateTime: entry.dateTime }] : []),
      { name: 'consent', valueReference: { reference: `Consent/${entry.id}` } },
    ],
  };
}

export const donationOperation: OperationDef = {
  name: 'donation',
  levels: ['instance'],
  types: ['Patient'],
  affectsState: false,
  async handler(ctx, req, { id }) {
    if (req.method === 'GET') {
      parseInput(z.strictObject({}), collectQuery(req.query));
      return { status: 200, resource: answer(await readDonation(ctx, id!)) };
    }
    const i = parseInput(input, collectBody(req.body, 'donation'));
    return { status: 200, resource: answer(await registerDonation(ctx, id!, i.choice as DonationInput)) };
  },
};
