/**
 * @module http/fhir/bundle-plan
 * Checks a batch/transaction Bundle and orders its entries as R4 prescribes for transactions:
 * DELETE, then POST, then PUT and PATCH, then GET and HEAD (https://hl7.org/fhir/R4/http.html#trules).
 */
import type { Bundle, BundleEntry } from '@medplum/fhirtypes';
import { errors } from '../../fhir/error.js';
import { isObject } from './body.js';

const ORDER: Record<string, number> = { DELETE: 0, POST: 1, PUT: 2, PATCH: 2, GET: 3, HEAD: 3 };

export function checkBundle(body: unknown, maxEntries: number): Bundle {
  if (!isObject(body) || body.resourceType !== 'Bundle') {
    throw errors.badRequest('POST to the base takes a Bundle of type batch or transaction');
  }
  const bundle = body as unknown as Bundle;
  if (bundle.type !== 'batch' && bundle.type !== 'transaction') {
    throw errors.badRequest(`Bundle.type must be batch or transaction to be processed; got ${bundle.type ?? 'none'}`, ['Bundle.type']);
  }
  const n = bundle.entry?.length ?? 0;
  if (n > maxEntries) {
    throw errors.tooLarge(`The Bundle has ${n} entries; this server takes at most ${maxEntries} per ${bundle.type} (LOTS_MAX_BUNDLE_ENTRIES)`);
  }
  (bundle.entry ?? []).forEach((e, i) => checkEntry(e, i));
  return bundle;
}

function checkEntry(e: BundleEntry, i: number): void {
  const where = [`Bundle.entry[${i}].request`];
  if (!e.request?.method || !e.request.url) throw errors.badRequest(`Entry ${i} needs request.method and request.url`, where);
  if (!(e.request.method in ORDER)) throw errors.badRequest(`Entry ${i}: request.method ${e.request.method} is not supported`, where);
  if ((e.request.method === 'POST' || e.request.method === 'PUT') && !e.resource && !e.request.url.includes('$')) {
    throw errors.badRequest(`Entry ${i}: a ${e.request.method} needs a resource`, [`Bundle.entry[${i}].resource`]);
  }
}

/** Entry indexes in transaction processing order (stable within each method group). */
export function processingOrder(entries: readonly BundleEntry[]): number[] {
  return entries.map((_, i) => i).sort((a, b) => ORDER[entries[a]!.request!.method!]! - ORDER[entries[b]!.request!.method!]! || a - b);
}
