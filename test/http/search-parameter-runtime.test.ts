import { afterAll, beforeAll, expect, it } from 'vitest';
import { createExtractor } from '../../src/fhir/search/extract.js';
import { createReindexer } from '../../src/store/reindex.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

/**
 * A SearchParameter created at run time takes effect without a restart: new writes are indexed at once,
 * existing resources in the background (resumably), and until then searches warn that results may be
 * incomplete.
 */
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  // This test drives the background work itself, batch by batch.
  await t.deps.reindexer.stop();
});
afterAll(() => t.close());

const BIRTHPLACE = 'https://lots.example/fhir/StructureDefinition/birthplace';
const patient = (town: string) => ({ resourceType: 'Patient', extension: [{ url: BIRTHPLACE, valueString: town }] });
const searchParameter = {
  resourceType: 'SearchParameter',
  url: 'https://lots.example/fhir/SearchParameter/patient-birthplace',
  name: 'birthplace',
  status: 'active',
  description: 'Where the patient was born',
  code: 'birthplace',
  base: ['Patient'],
  type: 'string',
  expression: `Patient.extension('${BIRTHPLACE}').value`,
};
const matches = (body: { entry?: { search: { mode: string } }[] }) => (body.entry ?? []).filter((e) => e.search.mode === 'match').length;
const warned = (body: { entry?: { search: { mode: string } }[] }) => (body.entry ?? []).some((e) => e.search.mode === 'outcome');
const reindexer = () =>
  createReindexer({ db: t.deps.db, registry: t.deps.fhir.searchParams, indexer: createExtractor(t.deps.fhir.searchParams, { baseUrl: t.deps.config.baseUrl }), log: t.deps.log, batchSize: 10 });

it('indexes existing resources in the background, resumably, and warns until done', async () => {
  for (let n = 0; n < 25; n++) await t.request('POST', 'Patient', { body: patient(n % 5 === 0 ? 'Växjö' : 'Ljungby') });
  expect((await t.request('GET', 'Patient?birthplace=vaxjo', { headers: { prefer: 'handling=strict' } })).status).toBe(400);

  expect((await t.request('POST', 'SearchParameter', { body: searchParameter })).status).toBe(201);

  // A new write is indexed at once; the 25 older ones are not yet, and the search says so.
  await t.request('POST', 'Patient', { body: patient('Växjö') });
  const pending = await t.request('GET', 'Patient?birthplace=vaxjo');
  expect(pending.status).toBe(200);
  expect(matches(pending.body)).toBe(1);
  const outcome = pending.body.entry.find((e: { search: { mode: string } }) => e.search.mode === 'outcome');
  expect(outcome.resource.issue[0].diagnostics).toMatch(/birthplace is still being indexed/);

  // One batch of 10, then a "restart": a new reindexer continues where the first stopped.
  expect(await reindexer().step()).toBe(true);
  const [progress] = await t.deps.db.query<{ after_rid: string; done: boolean }>('select after_rid::text as after_rid, done from reindex_job');
  expect(progress!.done).toBe(false);
  expect(Number(progress!.after_rid)).toBeGreaterThan(0);
  expect(matches((await t.request('GET', 'Patient?birthplace=vaxjo')).body)).toBeLessThan(6);

  await reindexer().drain();
  const done = await t.request('GET', 'Patient?birthplace=vaxjo');
  expect(matches(done.body)).toBe(6);
  expect(warned(done.body)).toBe(false);
  expect((await t.request('GET', 'Patient?birthplace:exact=Ljungby&_summary=count')).body.total).toBe(20);
});

it('is listed in the CapabilityStatement', async () => {
  const meta = await t.request('GET', 'metadata');
  const patientEntry = meta.body.rest[0].resource.find((r: { type: string }) => r.type === 'Patient');
  expect(patientEntry.searchParam.map((p: { name: string }) => p.name)).toContain('birthplace');
});
