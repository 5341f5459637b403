/**
 * @module http/export-status
 * The status URL and output files of a Bulk Data export (Bulk Data Access 2.0,
 * https://hl7.org/fhir/uv/bulkdata/STU2/export.html#bulk-data-status-request):
 * - `GET [base]/bulkstatus/[job]`: 202 with `X-Progress` and `Retry-After` while it runs, 429 when
 *   polled more often than once per LOTS_EXPORT_MIN_POLL_MS, 200 with the manifest when done, 500 with
 *   an OperationOutcome when it failed;
 * - `DELETE [base]/bulkstatus/[job]`: cancels it and deletes its files (202); the URL then answers 404;
 * - `GET [base]/bulkstatus/[job]/[Type]-[n].ndjson`: one output file, streamed.
 * Only the requester (the same person or client, with a valid token) may use them: anyone else gets 404.
 */
import type { Context } from 'hono';
import { requesterKey } from '../domain/export/job.js';
import type { ExportParams } from '../domain/export/params.js';
import { errors, FhirError } from '../fhir/error.js';
import type { ExportJob } from '../store/store.js';
import type { FhirContext } from './fhir/types.js';

const RETRY_AFTER_S = 2;

async function ownJob(ctx: FhirContext, id: string): Promise<ExportJob> {
  const job = await ctx.exports.get(id);
  if (!job || job.ownerKey !== requesterKey(ctx.principal)) throw errors.notFound(`No export ${id}`);
  return job;
}

const fhirJson = { 'Content-Type': 'application/fhir+json; charset=utf-8' };

export async function exportStatus(c: Context, ctx: FhirContext): Promise<Response> {
  const id = c.req.param('id')!;
  const job = await ownJob(ctx, id);
  const previous = await ctx.exports.polled(id);
  if (job.status === 'accepted' || job.status === 'in-progress') {
    if (previous && Date.now() - Date.parse(previous) < ctx.config.exports.minPollMs) {
      throw new FhirError(429, { code: 'throttled', diagnostics: `Polled too often: wait ${RETRY_AFTER_S} s between polls` }, { 'Retry-After': String(RETRY_AFTER_S) });
    }
    const params = job.params as ExportParams;
    const at = Math.min(((job.cursor as { typeIndex?: number }).typeIndex ?? 0) + 1, params.types.length);
    return c.body(null, 202, { 'X-Progress': `${job.resources} resources; type ${at} of ${params.types.length}`, 'Retry-After': String(RETRY_AFTER_S) });
  }
  if (job.status === 'failed') throw errors.internal(`The export failed: ${job.error ?? 'unknown error'}`);
  return c.body(JSON.stringify(await manifest(ctx, job)), 200, { ...fhirJson, Expires: new Date(Date.now() + 24 * 3_600_000).toUTCString() });
}

async function manifest(ctx: FhirContext, job: ExportJob) {
  const base = `${ctx.config.baseUrl}/bulkstatus/${job.id}`;
  const params = job.params as ExportParams;
  return {
    transactionTime: job.transactionTime,
    request: job.request,
    requiresAccessToken: true,
    output: (await ctx.exports.files(job.id)).map((f) => ({ type: f.resourceType, url: `${base}/${f.resourceType}-${f.fileNo}.ndjson`, count: f.count })),
    deleted: [],
    error: params.ignored.length ? [{ type: 'OperationOutcome', url: `${base}/OperationOutcome-1.ndjson` }] : [],
  };
}

export async function cancelExport(c: Context, ctx: FhirContext): Promise<Response> {
  const id = c.req.param('id')!;
  await ownJob(ctx, id);
  await ctx.exports.cancel(id);
  return c.body(null, 202);
}

export async function exportFile(c: Context, ctx: FhirContext): Promise<Response> {
  const id = c.req.param('id')!;
  const match = /^([A-Za-z]+)-([1-9][0-9]{0,6})\.ndjson$/.exec(c.req.param('file') ?? '');
  const job = await ownJob(ctx, id);
  if (!match || job.status !== 'completed') throw errors.notFound('No such file');
  const [, type, n] = match as unknown as [string, string, string];
  const headers = { 'Content-Type': 'application/fhir+ndjson' };
  if (type === 'OperationOutcome') {
    const issues = (job.params as ExportParams).ignored.map((diagnostics) => ({ severity: 'warning', code: 'not-supported', diagnostics }));
    return c.body(issues.length ? `${JSON.stringify({ resourceType: 'OperationOutcome', issue: issues })}\n` : '', 200, headers);
  }
  const files = await ctx.exports.files(id);
  if (!files.some((f) => f.resourceType === type && f.fileNo === Number(n))) throw errors.notFound('No such file');
  const chunks = ctx.exports.fileChunks(id, type, Number(n))[Symbol.asyncIterator]();
  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await chunks.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
  });
  return c.body(stream, 200, headers);
}
