/**
 * Bulk Data export (Bulk Data Access 2.0) over HTTP: kick-off at the system, Patient and Group levels,
 * status polling, the manifest, NDJSON files split at a size limit, every parameter, cancel, files
 * for the requester only, the access policy, and a restart in the middle of a job.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFiles } from '../../src/cli/import.js';
import { createFhirRouter } from '../../src/http/fhir/index.js';
import { ownerFromJob, runExport, type StoredOwner } from '../../src/domain/export/job.js';
import { createExportJobs } from '../../src/store/export-jobs.js';
import { createTestApp, type TestApp, type TestResponse } from '../support/test-app.js';

let t: TestApp;
const ASYNC = { prefer: 'respond-async' };
const PNR = '195009072553';

beforeAll(async () => {
  t = await createTestApp({ LOTS_EXPORT_POLL_MS: '30', LOTS_EXPORT_PAGE_SIZE: '2', LOTS_EXPORT_FILE_BYTES: '700', LOTS_EXPORT_MIN_POLL_MS: '150' });
  await t.request('PUT', 'Organization/org-x', { body: { resourceType: 'Organization', id: 'org-x', name: 'X' } });
  for (const p of ['p1', 'p2', 'p3']) await t.request('PUT', `Patient/${p}`, { body: { resourceType: 'Patient', id: p } });
  await t.request('PUT', 'Patient/citizen', {
    body: { resourceType: 'Patient', id: 'citizen', identifier: [{ system: 'http://electronichealth.se/identifier/personnummer', value: PNR }] },
  });
  const counts: Record<string, number> = { p1: 3, p2: 2, p3: 1, citizen: 1 };
  for (const [p, n] of Object.entries(counts)) for (let i = 0; i < n; i++) await t.request('POST', 'Observation', { body: obs(p, i) });
  await t.request('PUT', 'Group/g', { body: { resourceType: 'Group', id: 'g', type: 'person', actual: true, member: [{ entity: { reference: 'Patient/p1' } }, { entity: { reference: 'Patient/p2' } }] } });
}, 120_000);
afterAll(async () => {
  await t?.close();
});

function obs(patient: string, i: number) {
  return { resourceType: 'Observation', status: 'final', code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] }, subject: { reference: `Patient/${patient}` }, valueQuantity: { value: 60 + i, unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' } };
}

async function kickOff(path: string, init: { token?: string; body?: unknown; prefer?: string } = {}): Promise<string> {
  const res = await t.request(init.body ? 'POST' : 'GET', path, { headers: { prefer: init.prefer ?? 'respond-async' }, ...(init.body ? { body: init.body } : {}), ...(init.token ? { token: init.token } : {}) });
  expect(res.status, res.text).toBe(202);
  return res.headers.get('content-location')!;
}

async function manifestOf(url: string, token?: string): Promise<any> {
  for (let i = 0; i < 200; i++) {
    const res = await t.request('GET', url, token ? { token } : {});
    if (res.status === 200) return res.body;
    expect([202, 429]).toContain(res.status);
    expect(res.headers.get('retry-after')).toBeTruthy();
    await new Promise((ok) => setTimeout(ok, 200));
  }
  throw new Error('export did not finish');
}

/** Every resource of the manifest's files, per type. */
async function resourcesOf(m: any, token?: string): Promise<Record<string, any[]>> {
  const out: Record<string, any[]> = {};
  for (const f of m.output) {
    const res = await t.request('GET', f.url, token ? { token } : {});
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/fhir+ndjson');
    const lines = res.text.split('\n').filter(Boolean).map((l) => JSON.parse(l));
    expect(lines).toHaveLength(f.count);
    (out[f.type] ??= []).push(...lines);
  }
  return out;
}

const ids = (rs: any[] | undefined) => (rs ?? []).map((r) => r.id).sort();
const subjects = (rs: any[] | undefined) => [...new Set((rs ?? []).map((r) => r.subject.reference))].sort();

describe('system $export', () => {
  it('answers 202 with a status URL, then the manifest with NDJSON per type, split at the size limit', async () => {
    const url = await kickOff('$export');
    const m = await manifestOf(url);
    expect(m.requiresAccessToken).toBe(true);
    expect(m.request).toMatch(/\/fhir\/\$export$/);
    expect(Date.parse(m.transactionTime)).not.toBeNaN();
    expect(m.deleted).toEqual([]);
    expect(m.error).toEqual([]);
    const got = await resourcesOf(m);
    expect(ids(got.Patient)).toEqual(['citizen', 'p1', 'p2', 'p3']);
    expect(got.Observation).toHaveLength(7);
    expect(new Set(got.Observation!.map((o) => o.id)).size).toBe(7);
    expect(ids(got.Organization)).toEqual(['org-x']);
    expect(got.AuditEvent).toBeUndefined();
    expect(m.output.filter((f: any) => f.type === 'Observation').length).toBeGreaterThan(1);
  });

  it('refuses a kick-off without Prefer: respond-async, and bad parameters, with 400', async () => {
    const bad: [string, string?][] = [['$export', 'return=minimal'], ['$export?_type=Nope'], ['$export?_since=yesterday'], ['$export?_outputFormat=text/csv'], ['$export?_typeFilter=Observation%3Fnope%3D1'], ['$export?patient=Patient/p1'], ['Patient/$export?includeAssociatedData=LatestProvenanceResources']];
    for (const [path, prefer] of bad) {
      const res = await t.request('GET', path, { headers: { prefer: prefer ?? 'respond-async' } });
      expect(res.status, path).toBe(400);
      expect(res.body.issue[0].code).toBe('invalid');
    }
  });

  it('_type, _since, _typeFilter and _elements narrow it', async () => {
    const onlyObs = await resourcesOf(await manifestOf(await kickOff('$export?_type=Observation,Patient&_typeFilter=Observation%3Fsubject%3DPatient/p1')));
    expect(Object.keys(onlyObs).sort()).toEqual(['Observation', 'Patient']);
    expect(subjects(onlyObs.Observation)).toEqual(['Patient/p1']);

    const since = new Date().toISOString();
    await new Promise((ok) => setTimeout(ok, 5));
    await t.request('POST', 'Observation', { body: obs('p3', 9) });
    const later = await resourcesOf(await manifestOf(await kickOff(`$export?_type=Observation&_since=${encodeURIComponent(since)}`)));
    expect(later.Observation).toHaveLength(1);
    expect(later.Observation![0].valueQuantity.value).toBe(69);

    const slim = await resourcesOf(await manifestOf(await kickOff('$export?_type=Observation&_elements=status')));
    for (const o of slim.Observation!) {
      expect(o.valueQuantity).toBeUndefined();
      expect(o.meta.tag.some((c: any) => c.code === 'SUBSETTED')).toBe(true);
    }
  });

  it('ignores includeAssociatedData under Prefer: handling=lenient and says so in the error file', async () => {
    const m = await manifestOf(await kickOff('Patient/$export?_type=Patient&includeAssociatedData=LatestProvenanceResources', { prefer: 'respond-async, handling=lenient' }));
    expect(m.error).toHaveLength(1);
    const err = await t.request('GET', m.error[0].url);
    expect(JSON.parse(err.text.trim()).issue[0].code).toBe('not-supported');
  });
});

describe('Patient and Group $export', () => {
  it('Patient/$export has every patient\'s data and no resource outside a patient compartment', async () => {
    const got = await resourcesOf(await manifestOf(await kickOff('Patient/$export')));
    expect(got.Organization).toBeUndefined();
    expect(subjects(got.Observation)).toEqual(['Patient/citizen', 'Patient/p1', 'Patient/p2', 'Patient/p3']);
  });

  it('Group/[id]/$export has its members\' data only; POST with patient narrows it', async () => {
    const got = await resourcesOf(await manifestOf(await kickOff('Group/g/$export')));
    expect(subjects(got.Observation)).toEqual(['Patient/p1', 'Patient/p2']);
    const posted = await resourcesOf(await manifestOf(await kickOff('Patient/$export', { body: { resourceType: 'Parameters', parameter: [{ name: 'patient', valueReference: { reference: 'Patient/p3' } }, { name: '_type', valueString: 'Observation' }] } })));
    expect(subjects(posted.Observation)).toEqual(['Patient/p3']);
    expect((await t.request('GET', 'Group/nope/$export', { headers: ASYNC })).status).toBe(404);
  });
});

describe('access', () => {
  it('a citizen\'s export holds their own record only; nobody else may poll or download it', async () => {
    const citizen = await t.citizenToken(PNR);
    const url = await kickOff('Patient/$export?_type=Observation,Patient', { token: citizen });
    const m = await manifestOf(url, citizen);
    const got = await resourcesOf(m, citizen);
    expect(subjects(got.Observation)).toEqual(['Patient/citizen']);
    expect(ids(got.Patient)).toEqual(['citizen']);
    const other = await t.systemToken();
    const asOther: TestResponse = await t.request('GET', url, { token: other });
    expect(asOther.status).toBe(404);
    expect((await t.request('GET', m.output[0].url, { token: other })).status).toBe(404);
    expect((await t.request('GET', m.output[0].url, { token: null })).status).toBe(401);
  });
});

describe('cancel, polling and restart', () => {
  it('DELETE cancels; the status URL then answers 404', async () => {
    const url = await kickOff('$export');
    expect((await t.request('DELETE', url)).status).toBe(202);
    expect((await t.request('GET', url)).status).toBe(404);
  });

  it('answers 429 with Retry-After when polled too often, and resumes after a restart without duplicates', async () => {
    await t.deps.exports.stop();
    const url = await kickOff('$export?_type=Observation');
    const first = await t.request('GET', url);
    expect(first.status).toBe(202);
    expect(first.headers.get('x-progress')).toMatch(/0 resources/);
    const again = await t.request('GET', url);
    expect(again.status).toBe(429);
    expect(again.headers.get('retry-after')).toBeTruthy();

    t.deps.exports.start();
    await manifestOf(url);

    // A restart in the middle: run a little, stop as a process does at shutdown, and start again.
    await t.deps.exports.stop();
    const many = { resourceType: 'Bundle', type: 'transaction', entry: Array.from({ length: 120 }, (_, i) => ({ resource: obs('p9', i), request: { method: 'POST', url: 'Observation' } })) };
    expect((await t.request('POST', '', { body: many })).status).toBe(200);
    const big = await kickOff('$export?_type=Observation&_typeFilter=Observation%3Fsubject%3DPatient/p9');
    const id = big.split('/').pop()!;
    // This process dies after three pages (its lease is left behind), as in a crash.
    const jobs = createExportJobs(t.deps.db);
    const job = (await jobs.claim('dying-process', 60))!;
    expect(job.id).toBe(id);
    const owner = ownerFromJob(job.owner as StoredOwner);
    let pages = 0;
    const ended = await runExport(jobs, 'dying-process', job, t.deps.contextFor(owner.principal, owner.access).repo, { pageSize: 2, fileBytes: 700, leaseSeconds: 60, stopping: () => pages++ >= 3 });
    expect(ended).toBe('stopped');
    const halfway = (await t.deps.db.query<{ resources: string; status: string }>('select resources::text, status from export_job where id = $1', [id]))[0]!;
    expect(halfway).toEqual({ resources: '6', status: 'in-progress' });
    expect((await t.request('GET', big)).headers.get('x-progress')).toMatch(/^6 resources/);
    // Another process resumes once the lease has run out.
    await t.deps.db.query(`update export_job set lease_until = now() - interval '1 second' where id = $1`, [id]);
    t.deps.exports.start();
    const got = await resourcesOf(await manifestOf(big));
    expect(got.Observation!.length).toBe(120);
    expect(new Set(got.Observation!.map((o) => o.id)).size).toBe(120);
  });
});

describe('re-import', () => {
  it('the NDJSON files load with lots import into another server as the same resources', async () => {
    const m = await manifestOf(await kickOff('Group/g/$export'));
    const dir = mkdtempSync(join(tmpdir(), 'lots-export-'));
    const files: string[] = [];
    for (const f of m.output) {
      const path = join(dir, `${files.length}-${f.type}.ndjson`);
      writeFileSync(path, (await t.request('GET', f.url)).text);
      files.push(path);
    }
    const exported = await resourcesOf(m);
    const other = await createTestApp();
    try {
      const sink = new Writable({ write: (_c, _e, cb) => cb() });
      const summary = await importFiles(other.deps.fhir, createFhirRouter(), files, { out: sink, isTTY: false });
      expect(summary).toMatchObject({ failedFiles: 0, errors: 0 });
      const strip = (r: any) => ({ ...r, meta: undefined });
      for (const [type, list] of Object.entries(exported)) {
        for (const r of list) {
          const back = await other.request('GET', `${type}/${r.id}`);
          expect(back.status, `${type}/${r.id}`).toBe(200);
          expect(strip(back.body)).toEqual(strip(r));
        }
      }
    } finally {
      await other.close();
    }
  }, 120_000);
});
