/**
 * @module http/fhir/transaction
 * Transaction Bundles (https://hl7.org/fhir/R4/http.html#transaction): all or nothing in one database
 * transaction. Ids are assigned before anything runs so that `urn:uuid:`/`urn:oid:` fullUrls and
 * conditional references (`Patient?identifier=...`) can be rewritten in every entry; then the entries
 * run in the spec's order, plain creates together with set-based SQL. A failure rolls everything back
 * and the OperationOutcome names the entry.
 */
import { randomUUID } from 'node:crypto';
import type { Bundle, BundleEntry, Resource } from '@medplum/fhirtypes';
import { bundleJson, type EntryParts } from '../../fhir/bundle.js';
import { errors, FhirError } from '../../fhir/error.js';
import { conditionalReferences, isPlaceholder, mapStrings, rewriteReferences } from '../../fhir/bundle-refs.js';
import { processingOrder } from './bundle-plan.js';
import { entryRequest, responseEntry } from './bundle-entry.js';
import { findMatches } from './conditional.js';
import { requireScope } from './routes.js';
import { respondWritten, versionHeaders } from './version-headers.js';
import type { Router } from './routes.js';
import type { FhirContext, FhirRequest, FhirResponse } from './types.js';

interface Plan {
  index: number;
  entry: BundleEntry;
  /** Set for a POST that creates (not an operation): the id it will get. */
  createId?: string;
  /** Set for a conditional create that matched: the existing resource's id. */
  existingId?: string;
}

export async function processTransaction(ctx: FhirContext, req: FhirRequest, bundle: Bundle, router: Router): Promise<FhirResponse> {
  const entries = bundle.entry ?? [];
  const prefer = req.headers.prefer;
  const results = await ctx.repo.transaction(async (repo) => {
    const tx: FhirContext = { ...ctx, repo };
    const plans = entries.map((entry, index): Plan => ({ index, entry }));
    const map = new Map<string, string>();
    for (const plan of plans) await assignId(tx, req, plan, map);
    await resolveConditionals(tx, plans, map);
    for (const plan of plans) plan.entry = rewriteEntry(plan.entry, map);
    const results = await execute(tx, plans, prefer, router);
    await runPendingChecks(tx, plans);
    return results;
  }, { deferChecks: true });
  const header: Omit<Bundle, 'entry'> = { resourceType: 'Bundle', type: 'transaction-response' };
  return { status: 200, raw: bundleJson(header, results) };
}

/** The stored checks of every resource written, now that all are written; a failure names its entry. */
async function runPendingChecks(tx: FhirContext, plans: Plan[]): Promise<void> {
  await tx.repo.runDeferredChecks(async (resource, err) => {
    const plan = plans.find((p) => p.entry.resource?.resourceType === resource.resourceType && (p.createId ?? p.entry.resource.id) === resource.id);
    if (!plan) throw err;
    return atEntry(plan, () => Promise.reject(err));
  });
}

/** Decides the id of every create and of conditional updates, recording fullUrl -> Type/id. */
async function assignId(tx: FhirContext, req: FhirRequest, plan: Plan, map: Map<string, string>): Promise<void> {
  const { entry } = plan;
  const { method, url } = entry.request!;
  const [path = '', query] = url!.split('?');
  const type = path.split('/')[0]!;
  await atEntry(plan, async () => {
    if (method === 'POST' && path === type && !type.startsWith('$')) {
      if (entry.request!.ifNoneExist) {
        await tx.repo.lock(`conditional:${type}?${entry.request!.ifNoneExist}`);
        const matches = await findMatches(tx, req, type, entry.request!.ifNoneExist);
        if (matches.length > 1) throw errors.preconditionFailed(`More than one ${type} matches ${entry.request!.ifNoneExist}`, 'multiple-matches');
        plan.existingId = matches[0]?.id;
      }
      plan.createId = plan.existingId ?? randomUUID();
      if (isPlaceholder(entry.fullUrl)) map.set(entry.fullUrl, `${type}/${plan.createId}`);
    } else if (method === 'PUT' && isPlaceholder(entry.fullUrl)) {
      if (query !== undefined) {
        const matches = await findMatches(tx, req, type, query);
        if (matches.length > 1) throw errors.preconditionFailed(`More than one ${type} matches ${query}`, 'multiple-matches');
        const id = matches[0]?.id ?? entry.resource?.id ?? randomUUID();
        plan.entry = { ...entry, request: { ...entry.request!, url: `${type}/${id}` }, resource: { ...entry.resource!, id } };
        map.set(entry.fullUrl, `${type}/${id}`);
      } else map.set(entry.fullUrl, path.split('/').slice(0, 2).join('/'));
    }
  });
}

/** Resolves each distinct conditional reference once; none or several matches fail the entry. */
async function resolveConditionals(tx: FhirContext, plans: Plan[], map: Map<string, string>): Promise<void> {
  for (const plan of plans) {
    for (const ref of conditionalReferences(plan.entry.resource)) {
      if (map.has(ref)) continue;
      await atEntry(plan, async () => map.set(ref, await resolveConditionalReference(tx, ref)));
    }
  }
}

/** `Type?criteria` -> `Type/id` of the one match; 412 naming the reference when there are none or several. */
export async function resolveConditionalReference(tx: FhirContext, ref: string): Promise<string> {
  const [type = '', query = ''] = ref.split(/\?(.*)/s);
  if (!tx.resourceTypes.has(type)) throw errors.badRequest(`The conditional reference ${ref} names no resource type`);
  const fake: FhirRequest = { method: 'GET', segments: [type], query: new URLSearchParams(query), headers: {} };
  const matches = await findMatches(tx, fake, type, query);
  if (matches.length !== 1) {
    const what = matches.length ? 'matches more than one resource' : 'matches no resource';
    throw errors.preconditionFailed(`The conditional reference ${ref} ${what}; it must match exactly one`, matches.length ? 'multiple-matches' : 'not-found');
  }
  return `${type}/${matches[0]!.id}`;
}

function rewriteEntry(entry: BundleEntry, map: Map<string, string>): BundleEntry {
  if (map.size === 0) return entry;
  const out: BundleEntry = { ...entry };
  if (entry.resource) out.resource = rewriteReferences(entry.resource, map);
  if (entry.request?.url?.includes('urn:')) {
    out.request = { ...entry.request, url: mapStrings(entry.request.url, (s) => s.replace(/urn:(uuid|oid):[^&]+/g, (u) => map.get(u) ?? u)) as string };
  }
  return out;
}

async function execute(tx: FhirContext, plans: Plan[], prefer: string | undefined, router: Router): Promise<EntryParts[]> {
  const results: EntryParts[] = new Array(plans.length);
  const order = processingOrder(plans.map((p) => p.entry));
  const creates = order.map((i) => plans[i]!).filter((p) => p.createId && !p.existingId);
  let bulkDone = false;
  for (const i of order) {
    const plan = plans[i]!;
    if (plan.createId && !plan.existingId) {
      // All plain creates run together, at the place of the first one (POSTs come after DELETEs).
      if (!bulkDone) await bulkCreate(tx, creates, results, prefer);
      bulkDone = true;
      continue;
    }
    if (plan.existingId) {
      results[i] = await atEntry(plan, async () => responseEntry(tx, await existing(tx, plan), prefer));
      continue;
    }
    results[i] = await atEntry(plan, async () => responseEntry(tx, await router.handle(tx, entryRequest(tx, plan.entry, prefer)), prefer));
  }
  return results;
}

async function existing(tx: FhirContext, plan: Plan): Promise<FhirResponse> {
  const type = plan.entry.request!.url!.split('?')[0]!;
  const v = await tx.repo.read(type, plan.existingId!);
  return { status: 200, raw: v!.json!, headers: versionHeaders(v!) };
}

async function bulkCreate(tx: FhirContext, plans: Plan[], results: EntryParts[], prefer: string | undefined): Promise<void> {
  const resources: Resource[] = [];
  for (const plan of plans) {
    await atEntry(plan, async () => {
      const type = plan.entry.request!.url!.split('?')[0]!;
      // The entry's resource is this request's own (rewritten for references): no copy needed.
      const resource = plan.entry.resource! as Resource;
      if (resource.resourceType !== type) {
        throw errors.badRequest(`The resource is a ${resource.resourceType}, but request.url is for ${type}`, ['resourceType']);
      }
      resource.id = plan.createId!;
      requireScope(tx, type, 'c');
      resources.push(resource);
    });
  }
  // Validated and checked by the door, one AuditEvent per patient for the whole transaction.
  const versions = await tx.repo.createMany(resources, 'transaction', (k, fn) => atEntry(plans[k]!, fn));
  versions.forEach((v, k) => {
    const { preferApplies: _, ...res } = respondWritten(tx, v, true);
    results[plans[k]!.index] = responseEntry(tx, res, prefer);
  });
}

/** Runs `fn` for an entry; a failure becomes the transaction's failure, naming the entry. */
async function atEntry<T>(plan: Plan, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (!(err instanceof FhirError)) throw err;
    const r = plan.entry.request;
    const label = `Entry ${plan.index} (${r?.method} ${r?.url})`;
    throw new FhirError(
      err.status,
      err.issues.map((i) => ({ ...i, diagnostics: `${label}: ${i.diagnostics}`, expression: [`Bundle.entry[${plan.index}]`, ...(i.expression ?? [])] })),
    );
  }
}
