/**
 * @module cli/import
 * `lots import FILE...`: loads transaction and batch Bundles, collection Bundles, single resources and
 * NDJSON files through the same write path as the REST API (the bundle processor). Collections and
 * NDJSON go in transactions of a few hundred entries; a chunk that fails is retried entry by entry so
 * the report names the bad line. A bad file is reported and loading goes on with the next one.
 */
import { readFile } from 'node:fs/promises';
import type { Bundle, BundleEntry, Resource } from '@medplum/fhirtypes';
import { FhirError } from '../fhir/error.js';
import { checkJsonLimits, checkJsonTextDepth } from '../fhir/json-limits.js';
import type { Router } from '../http/fhir/routes.js';
import type { FhirContext, FhirRequest } from '../http/fhir/types.js';
import { createProgress, type Progress } from './progress.js';

const CHUNK = 500;

export interface ImportSummary {
  files: number;
  failedFiles: number;
  resources: number;
  errors: number;
  seconds: number;
}

export interface ImportOptions {
  out: NodeJS.WritableStream;
  isTTY: boolean;
}

/**
 * Sends one transaction or batch Bundle and returns the response Bundle; throws a `FhirError` when the
 * Bundle as a whole is refused (a transaction with a bad entry). In-process, or over HTTP to a server.
 */
export type BundleSender = (bundle: Bundle) => Promise<Bundle>;

/** Sends Bundles through the router in this process, as the server's own context. */
export function inProcessSender(ctx: FhirContext, router: Router): BundleSender {
  return async (bundle) => JSON.parse((await router.handle(ctx, bundleRequest(bundle))).raw!) as Bundle;
}

export async function importFiles(ctx: FhirContext, router: Router, files: string[], opts: ImportOptions): Promise<ImportSummary> {
  return importFilesWith(inProcessSender(ctx, router), files, opts);
}

export async function importFilesWith(send: BundleSender, files: string[], opts: ImportOptions): Promise<ImportSummary> {
  const started = performance.now();
  const summary: ImportSummary = { files: files.length, failedFiles: 0, resources: 0, errors: 0, seconds: 0 };
  for (const file of files) {
    const progress = createProgress(file, opts);
    try {
      const result = await importFile(send, file, progress);
      summary.resources += result.loaded;
      summary.errors += result.errors;
      progress.done(result.loaded, result.errors);
    } catch (err) {
      summary.failedFiles++;
      progress.fail(err instanceof Error ? err.message : String(err));
    }
  }
  summary.seconds = (performance.now() - started) / 1000;
  const rate = summary.seconds > 0 ? Math.round(summary.resources / summary.seconds) : 0;
  opts.out.write(
    `Imported ${summary.resources} resources from ${summary.files - summary.failedFiles} of ${summary.files} files in ${summary.seconds.toFixed(1)} s (${rate} resources/s); ${summary.errors} bad entries, ${summary.failedFiles} bad files\n`,
  );
  return summary;
}

interface FileResult {
  loaded: number;
  errors: number;
}

async function importFile(send: BundleSender, file: string, progress: Progress): Promise<FileResult> {
  const text = await readFile(file, 'utf8');
  if (file.endsWith('.ndjson') || file.endsWith('.jsonl')) return importNdjson(send, text, progress);
  let json: unknown;
  try {
    // The same limits as a request body: the file may come from anywhere.
    checkJsonTextDepth(text);
    json = checkJsonLimits(JSON.parse(text));
  } catch (err) {
    throw new Error(`not valid JSON: ${(err as Error).message}`);
  }
  const resource = json as Resource;
  if (!resource || typeof resource.resourceType !== 'string') throw new Error('not a FHIR resource (no resourceType)');
  if (resource.resourceType === 'Bundle' && (resource.type === 'transaction' || resource.type === 'batch')) {
    return postBundle(send, resource, progress);
  }
  const entries = resource.resourceType === 'Bundle' && resource.type === 'collection'
    ? (resource.entry ?? []).map((e, i) => ({ resource: e.resource, where: `entry ${i}` }))
    : [{ resource, where: 'the resource' }];
  return loadResources(send, entries, progress);
}

async function importNdjson(send: BundleSender, text: string, progress: Progress): Promise<FileResult> {
  const items: { resource: Resource | undefined; where: string; error?: string }[] = [];
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    try {
      checkJsonTextDepth(line);
      items.push({ resource: checkJsonLimits(JSON.parse(line)) as Resource, where: `line ${i + 1}` });
    } catch (err) {
      items.push({ resource: undefined, where: `line ${i + 1}`, error: `not valid JSON: ${(err as Error).message}` });
    }
  });
  const bad = items.filter((x) => x.error);
  for (const b of bad) progress.error(`${b.where}: ${b.error}`);
  const result = await loadResources(send, items.filter((x) => !x.error), progress);
  return { loaded: result.loaded, errors: result.errors + bad.length };
}

/** Resources with ids are written with PUT (keeping the id), others with POST. */
function toEntry(resource: Resource): BundleEntry {
  return resource.id
    ? { resource, request: { method: 'PUT', url: `${resource.resourceType}/${resource.id}` } }
    : { resource, request: { method: 'POST', url: resource.resourceType } };
}

async function loadResources(send: BundleSender, items: { resource: Resource | undefined; where: string }[], progress: Progress): Promise<FileResult> {
  let loaded = 0;
  let errors = 0;
  for (let from = 0; from < items.length; from += CHUNK) {
    const chunk = items.slice(from, from + CHUNK);
    const valid = chunk.filter((x) => x.resource && typeof x.resource.resourceType === 'string');
    for (const x of chunk) if (!valid.includes(x)) progress.error(`${x.where}: not a FHIR resource`), errors++;
    const bundle: Bundle = { resourceType: 'Bundle', type: 'transaction', entry: valid.map((x) => toEntry(x.resource!)) };
    try {
      await send(bundle);
      loaded += valid.length;
      progress.add(valid.length);
    } catch (err) {
      if (!(err instanceof FhirError)) throw err;
      // Find the bad entries: run this chunk as a batch, entry by entry.
      const out = await send({ ...bundle, type: 'batch' });
      (out.entry ?? []).forEach((e, k) => {
        if (e.response?.status.startsWith('2')) loaded++;
        else {
          errors++;
          progress.error(`${valid[k]!.where}: ${e.response?.outcome?.issue?.[0]?.diagnostics ?? e.response?.status}`);
        }
      });
      progress.add(valid.length);
    }
  }
  return { loaded, errors };
}

async function postBundle(send: BundleSender, bundle: Bundle, progress: Progress): Promise<FileResult> {
  const n = bundle.entry?.length ?? 0;
  try {
    const out = await send(bundle);
    const failed = (out.entry ?? []).map((e, i) => [e, i] as const).filter(([e]) => !e.response?.status.startsWith('2'));
    for (const [e, i] of failed) progress.error(`entry ${i}: ${e.response?.outcome?.issue?.[0]?.diagnostics ?? e.response?.status}`);
    progress.add(n);
    return { loaded: n - failed.length, errors: failed.length };
  } catch (err) {
    if (err instanceof FhirError) throw new Error(err.message);
    throw err;
  }
}

function bundleRequest(bundle: Bundle): FhirRequest {
  return { method: 'POST', segments: [], query: new URLSearchParams(), headers: { prefer: 'return=minimal' }, body: bundle, contentType: 'application/fhir+json' };
}
