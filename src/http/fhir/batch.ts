/**
 * @module http/fhir/batch
 * Batch and transaction Bundles posted to the base (https://hl7.org/fhir/R4/http.html#transaction).
 * A batch runs each entry on its own, in its own database transaction: a failed entry carries its own
 * OperationOutcome and does not affect the others. Transactions are in `transaction.ts`.
 */
import type { Bundle, BundleEntry } from '@medplum/fhirtypes';
import { bundleJson, type EntryParts } from '../../fhir/bundle.js';
import { FhirError } from '../../fhir/error.js';
import { conditionalReferences, rewriteReferences } from '../../fhir/bundle-refs.js';
import { checkBundle } from './bundle-plan.js';
import { entryRequest, responseEntry, statusLine } from './bundle-entry.js';
import { resolveConditionalReference } from './transaction.js';
import { processTransaction } from './transaction.js';
import type { Router } from './routes.js';
import type { FhirContext, FhirRequest, FhirResponse } from './types.js';

const CHUNK = 100;

export async function processBundle(ctx: FhirContext, req: FhirRequest, router: Router): Promise<FhirResponse> {
  const bundle = checkBundle(req.body, ctx.config.maxBundleEntries);
  if (bundle.type === 'transaction') return processTransaction(ctx, req, bundle, router);
  const all = bundle.entry ?? [];
  const entries: EntryParts[] = [];
  // Entries run in chunks, each chunk one database transaction and each entry under its own savepoint:
  // as independent as separate transactions, without a commit (and a disk flush) per entry.
  for (let from = 0; from < all.length; from += CHUNK) {
    const chunk = all.slice(from, from + CHUNK);
    entries.push(...(await ctx.repo.transaction(async (repo) => {
      const out: EntryParts[] = [];
      for (const entry of chunk) out.push(await runBatchEntry({ ...ctx, repo }, entry, req.headers.prefer, router));
      return out;
    })));
  }
  const header: Omit<Bundle, 'entry'> = { resourceType: 'Bundle', type: 'batch-response' };
  return { status: 200, raw: bundleJson(header, entries) };
}

async function runBatchEntry(ctx: FhirContext, entry: BundleEntry, prefer: string | undefined, router: Router): Promise<EntryParts> {
  try {
    return await ctx.repo.savepoint(async (repo) => {
      const tx = { ...ctx, repo };
      const resolved = await resolveEntryReferences(tx, entry);
      const res = await router.handle(tx, entryRequest(tx, resolved, prefer));
      return responseEntry(tx, res, prefer);
    });
  } catch (err) {
    if (!(err instanceof FhirError)) throw err;
    return { response: { status: statusLine(err.status), outcome: err.toOutcome() } };
  }
}

async function resolveEntryReferences(ctx: FhirContext, entry: BundleEntry): Promise<BundleEntry> {
  const refs = conditionalReferences(entry.resource);
  if (!refs.length) return entry;
  const map = new Map<string, string>();
  for (const ref of refs) map.set(ref, await resolveConditionalReference(ctx, ref));
  return { ...entry, resource: rewriteReferences(entry.resource, map) };
}
