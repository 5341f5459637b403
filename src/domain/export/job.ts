/**
 * @module domain/export/job
 * Runs one Bulk Data export job as its requester, a page at a time: each page of one type becomes a
 * chunk of NDJSON saved together with the cursor (store/export-jobs.ts), so memory stays bounded by a
 * page and a restart resumes at the next page. Every read goes through the door as the requester, so
 * their access policy applies and the access log names them. The snapshot is the kick-off's
 * `transactionTime`: resources changed after it are left out (`_lastUpdated=le`).
 */
import type { Resource } from '@medplum/fhirtypes';
import type { Access } from '../../auth/policy.js';
import type { Principal } from '../../auth/principal.js';
import { mustRedact, redactJson } from '../../auth/redact.js';
import { parseScopes } from '../../auth/scopes.js';
import { subset } from '../../fhir/subset.js';
import type { ExportJob, ExportJobs, PageCursor } from '../../store/store.js';
import type { Repository } from '../repository.js';
import type { ExportParams } from './params.js';

/** The requester as stored with the job (grants are parsed again from the scope). */
export interface StoredOwner {
  principal: Omit<Principal, 'grants'>;
  access: Access;
}

export function storedOwner(principal: Principal, access: Access): StoredOwner {
  const { grants: _grants, ...rest } = principal;
  return { principal: rest, access };
}

export function ownerFromJob(o: StoredOwner): { principal: Principal; access: Access } {
  return { principal: { ...o.principal, grants: parseScopes(o.principal.scope) } as Principal, access: o.access };
}

/** `kind/id` of a principal: only they may poll, download or cancel their export. */
export function requesterKey(p: Principal): string {
  return `${p.kind}/${p.kind === 'staff' ? p.hsaId : p.kind === 'citizen' ? p.personnummer : p.clientId}`;
}

/** How far a job has come. */
export interface ExportCursor {
  typeIndex: number;
  page?: PageCursor;
  fileNo: number;
  fileBytes: number;
}

export interface RunOptions {
  pageSize: number;
  fileBytes: number;
  leaseSeconds: number;
  /** Asked between pages: stop (the lease is released, another run resumes). */
  stopping(): boolean;
}

/** Runs `job` until it is done, stopped, or its lease is lost; returns whether it completed. */
export async function runExport(jobs: ExportJobs, me: string, job: ExportJob, repo: Repository, o: RunOptions): Promise<'completed' | 'stopped' | 'lost'> {
  const params = job.params as ExportParams;
  const cursor: ExportCursor = { typeIndex: 0, fileNo: 1, fileBytes: 0, ...(job.cursor as Partial<ExportCursor>) };
  while (cursor.typeIndex < params.types.length) {
    if (o.stopping()) return 'stopped';
    const type = params.types[cursor.typeIndex]!;
    const page = await readPage(repo, job, params, type, cursor.page, o.pageSize);
    // Protected persons' contact details are removed for system clients, as in every answer (auth/redact.ts).
    const redact = mustRedact(repo.acting.principal);
    const lines = page.rows.map((json) => {
      const shown = params.elements ? JSON.stringify(subset(JSON.parse(json) as Resource, undefined, params.elements)) : json;
      return redact ? redactJson(shown) : shown;
    });
    const content = lines.length ? `${lines.join('\n')}\n` : '';
    const bytes = Buffer.byteLength(content);
    if (cursor.fileBytes > 0 && cursor.fileBytes + bytes > o.fileBytes) {
      cursor.fileNo++;
      cursor.fileBytes = 0;
    }
    const chunk = lines.length ? { resourceType: type, fileNo: cursor.fileNo, count: lines.length, content } : undefined;
    cursor.fileBytes += bytes;
    if (page.next) cursor.page = page.next;
    else {
      delete cursor.page;
      cursor.typeIndex++;
      cursor.fileNo = 1;
      cursor.fileBytes = 0;
    }
    if (!(await jobs.saveChunk(job.id, me, chunk, cursor, o.leaseSeconds))) return 'lost';
  }
  return 'completed';
}

async function readPage(repo: Repository, job: ExportJob, p: ExportParams, type: string, cursor: PageCursor | undefined, count: number): Promise<{ rows: string[]; next?: PageCursor }> {
  const params: [string, string][] = [...new URLSearchParams(p.typeFilters[type] ?? '')];
  params.push(['_lastUpdated', `le${job.transactionTime}`], ['_count', String(count)]);
  if (p.since) params.push(['_lastUpdated', `ge${p.since}`]);
  const req = repo.parseSearch([type], params, { maxCount: count, defaultCount: count });
  req.total = 'none';
  if (p.level !== 'system') req.inCompartments = p.patients ?? 'any';
  const page = await repo.search(req, { ...(cursor ? { cursor } : {}), log: { interaction: 'operation', query: `$export ${type}` } });
  return { rows: page.rows.map((r) => r.json), ...(page.next ? { next: page.next } : {}) };
}
