import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { importFiles } from '../../src/cli/import.js';
import { createFhirRouter } from '../../src/http/fhir/index.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
let dir: string;
beforeAll(async () => {
  t = await createTestApp();
  dir = mkdtempSync(join(tmpdir(), 'lots-import-'));
});
afterAll(() => t.close());

function capture(): { stream: Writable; text: () => string } {
  let out = '';
  const stream = new Writable({
    write(chunk, _enc, cb) {
      out += String(chunk);
      cb();
    },
  });
  return { stream, text: () => out };
}

const patient = (family: string, id?: string) => ({ resourceType: 'Patient', ...(id ? { id } : {}), name: [{ family }] });

it('loads NDJSON, collection and transaction files, reports bad lines and bad files, and goes on', async () => {
  const ndjson = join(dir, 'patients.ndjson');
  writeFileSync(ndjson, [patient('Ndjson', 'nd-1'), patient('Ndjson'), { resourceType: 'Patient', gender: 'bogus' }].map((r) => JSON.stringify(r)).join('\n') + '\n{not json\n');
  const collection = join(dir, 'collection.json');
  writeFileSync(collection, JSON.stringify({ resourceType: 'Bundle', type: 'collection', entry: [{ resource: patient('Samling', 'coll-1') }, { resource: patient('Samling') }] }));
  const broken = join(dir, 'broken.json');
  writeFileSync(broken, '{"resourceType": "Bundle", ');
  const transaction = join(dir, 'tx.json');
  writeFileSync(transaction, JSON.stringify({ resourceType: 'Bundle', type: 'transaction', entry: [{ resource: patient('Transaktion'), request: { method: 'POST', url: 'Patient' } }] }));

  const out = capture();
  const summary = await importFiles(t.deps.fhir, createFhirRouter(), [ndjson, broken, collection, transaction], { out: out.stream, isTTY: false });
  const text = out.text();
  expect(summary).toMatchObject({ files: 4, failedFiles: 1, resources: 5, errors: 2 });
  expect(text).toMatch(/patients\.ndjson: line 3: .*gender/);
  expect(text).toMatch(/patients\.ndjson: line 4: not valid JSON/);
  expect(text).toMatch(/broken\.json: FAILED: not valid JSON/);
  expect(text).toMatch(/Imported 5 resources from 3 of 4 files/);
  expect((await t.request('GET', 'Patient/nd-1')).body.name[0].family).toBe('Ndjson');
  expect((await t.request('GET', 'Patient/coll-1')).status).toBe(200);
  expect((await t.request('GET', 'Patient?family=Transaktion')).body.total).toBe(1);
});
