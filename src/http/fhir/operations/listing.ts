/**
 * @module http/fhir/operations/listing
 * The $operations of listing at a vårdcentral (src/domain/listing/, docs/listing.md). Lots' own
 * operations: no public IG models a capped GP list (Da Vinci ATR's member lists have neither caps nor
 * change limits), so these follow the shape of FHIR operations on plain R4 EpisodeOfCare
 * (https://hl7.org/fhir/R4/operations.html, https://hl7.org/fhir/R4/episodeofcare.html):
 *
 * - `EpisodeOfCare/$list`: list a patient at a unit (or join its queue, or ask another region).
 * - `EpisodeOfCare/[id]/$end-listing`: end a listing, leave a queue, or withdraw a request.
 * - `EpisodeOfCare/[id]/$confirm-listing`: the other region confirms or rejects an out-of-county listing.
 */
import type { EpisodeOfCare } from '@medplum/fhirtypes';
import { z } from 'zod';
import { confirm, endListing, list, type ListOutcome } from '../../../domain/listing/service.js';
import { collectBody, one, optionalOne, parseInput } from '../../../fhir/parameters.js';
import type { FhirResponse } from '../types.js';
import type { OperationDef } from './operation.js';

const reference = (...types: string[]) =>
  z
    .object({ reference: z.string().regex(new RegExp(`^(${types.join('|')})/[A-Za-z0-9\\-.]{1,64}$`), `must be a reference to a ${types.join(' or ')}, e.g. ${types[0]}/123`) }, { error: `must be a valueReference to a ${types.join(' or ')}` })
    .transform((r) => r.reference);

const listInput = z.strictObject({
  patient: one(reference('Patient')),
  unit: optionalOne(reference('Organization')),
  practitioner: optionalOne(reference('PractitionerRole', 'Practitioner')),
  reason: optionalOne(z.string({ error: 'must be a valueString' }).min(1).max(2000)),
  queue: optionalOne(z.boolean({ error: 'must be a valueBoolean' })),
});

/** 201 for a new listing, queue place or request; 200 when nothing changed or a doctor was changed. */
const STATUS: Record<ListOutcome, number> = { listed: 201, queued: 201, planned: 202, unchanged: 200 };

function listingResponse(base: string, e: EpisodeOfCare, status: number): FhirResponse {
  const headers: Record<string, string> = { ETag: `W/"${e.meta!.versionId}"`, 'Last-Modified': new Date(e.meta!.lastUpdated!).toUTCString() };
  if (status === 201 || status === 202) headers['Content-Location'] = `${base}/EpisodeOfCare/${e.id}/_history/${e.meta!.versionId}`;
  if (status === 201) headers.Location = headers['Content-Location']!;
  return { status, resource: e, headers };
}

const listOperation: OperationDef = {
  name: 'list',
  levels: ['type'],
  types: ['EpisodeOfCare'],
  affectsState: true,
  scope: 'c',
  async handler(ctx, req) {
    const input = parseInput(listInput, collectBody(req.body, 'list'));
    const { outcome, listing } = await list(ctx, {
      patient: input.patient,
      ...(input.unit ? { unit: input.unit } : {}),
      ...(input.practitioner ? { practitioner: input.practitioner } : {}),
      ...(input.reason ? { reason: input.reason } : {}),
      ...(input.queue ? { queue: true } : {}),
    });
    // A change of doctor at the same unit is a new version: 200.
    return listingResponse(ctx.config.baseUrl, listing, outcome === 'listed' && listing.meta?.versionId !== '1' ? 200 : STATUS[outcome]);
  },
};

const endOperation: OperationDef = {
  name: 'end-listing',
  levels: ['instance'],
  types: ['EpisodeOfCare'],
  affectsState: true,
  scope: 'u',
  async handler(ctx, req, { id }) {
    parseInput(z.strictObject({}), collectBody(req.body, 'end-listing'));
    return listingResponse(ctx.config.baseUrl, await endListing(ctx, id!), 200);
  },
};

const confirmInput = z.strictObject({
  decision: one(z.enum(['confirmed', 'rejected'], { error: 'must be the code confirmed or rejected' })),
  reason: optionalOne(z.string({ error: 'must be a valueString' }).min(1).max(2000)),
});

const confirmOperation: OperationDef = {
  name: 'confirm-listing',
  levels: ['instance'],
  types: ['EpisodeOfCare'],
  affectsState: true,
  scope: 'u',
  async handler(ctx, req, { id }) {
    const input = parseInput(confirmInput, collectBody(req.body, 'confirm-listing'));
    return listingResponse(ctx.config.baseUrl, await confirm(ctx, id!, input.decision, input.reason), 200);
  },
};

export const listingOperations: OperationDef[] = [listOperation, endOperation, confirmOperation];
