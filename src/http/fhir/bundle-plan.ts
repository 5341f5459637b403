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
  if (bundle.entry !== undefined && !Array.isArray(bundle.entry)) throw errors.badRequest('Bundle.entry must be an array of entries', ['Bundle.entry']);
  const n = bundle.entry?.length ?? 0;
  if (n > maxEntries) {
    throw errors.tooLarge(`The Bundle has ${n} entries; this server takes at most ${maxEntries} per ${bundle.type} (LOTS_MAX_BUNDLE_ENTRIES)`);
  }
  (bundle.entry ?? []).forEach((e, i) => checkEntry(e, i));
  return bundle;
}

const OPTIONAL_STRINGS = ['ifMatch', 'ifNoneMatch', 'ifNoneExist', 'ifModifiedSince'] as const;

/** The entry's shape, checked before anything reads it: a Bundle is not validated as a whole. */
function checkEntry(e: unknown, i: number): void {
  const at = `Bundle.entry[${i}]`;
  if (!isObject(e)) throw errors.badRequest(`Entry ${i} must be an object with a request`, [at]);
  if (e.fullUrl !== undefined && typeof e.fullUrl !== 'string') throw errors.badRequest(`Entry ${i}: fullUrl must be a string`, [`${at}.fullUrl`]);
  if (e.resource !== undefined && !(isObject(e.resource) && typeof e.resource.resourceType === 'string')) {
    throw errors.badRequest(`Entry ${i}: resource must be a FHIR resource (an object with a resourceType)`, [`${at}.resource`]);
  }
  const where = [`${at}.request`];
  const r = e.request;
  if (!isObject(r) || !r.method || !r.url) throw errors.badRequest(`Entry ${i} needs request.method and request.url`, where);
  if (typeof r.method !== 'string' || !Object.hasOwn(ORDER, r.method)) throw errors.badRequest(`Entry ${i}: request.method ${String(r.method)} is not supported`, where);
  if (typeof r.url !== 'string') throw errors.badRequest(`Entry ${i}: request.url must be a string`, [`${at}.request.url`]);
  for (const key of OPTIONAL_STRINGS) {
    if (r[key] !== undefined && typeof r[key] !== 'string') throw errors.badRequest(`Entry ${i}: request.${key} must be a string`, [`${at}.request.${key}`]);
  }
  if ((r.method === 'POST' || r.method === 'PUT') && !e.resource && !r.url.includes('$')) {
    throw errors.badRequest(`Entry ${i}: a ${r.method} needs a resource`, [`${at}.resource`]);
  }
}

/** Entry indexes in transaction processing order (stable within each method group). */
export function processingOrder(entries: readonly BundleEntry[]): number[] {
  return entries.map((_, i) => i).sort((a, b) => ORDER[entries[a]!.request!.method!]! - ORDER[entries[b]!.request!.method!]! || a - b);
}
