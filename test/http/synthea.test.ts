import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { syntheaDir } from '../support/corpus.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

/**
 * The Synthea patients (2 vendored, all 20 when the larger corpus is beside the checkout) (transaction Bundles with urn:uuid fullUrls and conditional
 * references to the practitioners and organisations of the support batches) load unchanged, and
 * $everything returns every resource of each patient's bundle.
 */
const { dir: CORPUS, full } = syntheaDir();
const read = (dir: string, file: string) => JSON.parse(readFileSync(new URL(`${dir}/${file}`, CORPUS), 'utf8'));

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

it('loads the support batches, then every patient as a transaction, and $everything returns all of it', async () => {
  for (const file of readdirSync(new URL('support/', CORPUS))) {
    const res = await t.request('POST', '', { body: read('support', file), headers: { prefer: 'return=minimal' } });
    expect(res.status, file).toBe(200);
    const failed = res.body.entry.filter((e: { response: { status: string } }) => !e.response.status.startsWith('2'));
    expect(failed, file).toEqual([]);
  }
  const patients = readdirSync(new URL('patients/', CORPUS)).sort();
  expect(patients).toHaveLength(full ? 20 : 2);
  let total = 0;
  const started = performance.now();
  for (const file of patients) {
    const bundle = read('patients', file);
    const res = await t.request('POST', '', { body: bundle, headers: { prefer: 'return=minimal' } });
    expect(res.status, `${file}: ${JSON.stringify(res.body.issue)}`).toBe(200);
    const created: string[] = res.body.entry.map((e: { response: { location: string } }) => e.response.location.split('/_history')[0]);
    expect(created).toHaveLength(bundle.entry.length);
    total += created.length;

    const patientRef = created[bundle.entry.findIndex((e: { resource: { resourceType: string } }) => e.resource.resourceType === 'Patient')]!;
    const seen = new Set<string>();
    let url: string | undefined = `${patientRef}/$everything?_count=500`;
    while (url) {
      const page = await t.request('GET', url);
      expect(page.status).toBe(200);
      for (const e of page.body.entry ?? []) seen.add(`${e.resource.resourceType}/${e.resource.id}`);
      url = page.body.link.find((l: { relation: string }) => l.relation === 'next')?.url;
    }
    expect(created.filter((ref) => !seen.has(ref)), file).toEqual([]);
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(`[${t.driver}] Synthea: ${total} resources in ${patients.length} transactions, ${Math.round(total / seconds)} resources/s including $everything`);
}, 600_000);
