/**
 * @module domain/growth/data
 * The only reads of the growth service, as the caller (the read policy and the access log apply):
 * the child, and their growth Observations. Kept in one small file so that the per-request
 * repository (issue 13) replaces these two calls and nothing else.
 */
import type { Observation, Patient } from '@medplum/fhirtypes';
import { readResource, searchResources } from '../repository.js';
import type { DomainContext } from '../context.js';
import { LOINC } from './measures.js';

/** Most Observations one chart reads per measure; a child measured daily for 18 years stays under it. */
export const MAX_OBSERVATIONS = 1000;

export function readChild(ctx: DomainContext, id: string): Promise<Patient | undefined> {
  return readResource<Patient>(ctx, 'Patient', id);
}

export function readGrowthObservations(ctx: DomainContext, patientId: string, codes: readonly string[]): Promise<Observation[]> {
  const code = codes.map((c) => `${LOINC}|${c}`).join(',');
  return searchResources<Observation>(ctx, 'Observation', [['patient', `Patient/${patientId}`], ['code', code], ['_count', String(MAX_OBSERVATIONS)]], MAX_OBSERVATIONS);
}
