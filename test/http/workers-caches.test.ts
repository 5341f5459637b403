import { afterAll, beforeAll, expect, it } from 'vitest';
import type { SearchParameter } from '@medplum/fhirtypes';
import { createDeps, type Deps } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createExtractor } from '../../src/fhir/search/extract.js';
import { silentLogger } from '../../src/log.js';
import { createReindexer, type Reindexer } from '../../src/store/reindex.js';
import { BASE, createTestApp, type TestApp } from '../support/test-app.js';

/**
 * With LOTS_WORKERS (or several hosts) each server process keeps its own SearchParameter registry. What
 * one process learns, the others learn from the database: a NOTIFY on every change, the poll behind it.
 * Here the "other process" is a second server on the same database that polls only once an hour, so
 * only the notification can bring the change in time.
 */
let t: TestApp;
let other: Deps;
let otherReindexer: Reindexer;
beforeAll(async () => {
  t = await createTestApp();
  other = await createDeps(loadConfig({ BASE_URL: BASE, LOG_LEVEL: 'silent' }), silentLogger, t.deps.db);
  await other.reindexer.stop();
  otherReindexer = createReindexer({ db: t.deps.db, registry: other.fhir.searchParams, indexer: createExtractor(other.fhir.searchParams, { baseUrl: BASE }), log: silentLogger, intervalMs: 3_600_000 });
  otherReindexer.start();
});
afterAll(async () => {
  await otherReindexer.stop();
  await other.statistics.stop();
  await other.audit.close();
  await t.close();
});

const waitFor = async (what: string, ok: () => boolean) => {
  const deadline = Date.now() + 15_000;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`the other process never learned ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
};

it('the Db announces a NOTIFY to every listener, on both drivers', async () => {
  let heard = 0;
  const stop = await t.deps.db.listen('lots_test_channel', () => heard++);
  await t.deps.db.query("select pg_notify('lots_test_channel', '')");
  await waitFor('the notification', () => heard === 1);
  await stop();
});

it('a SearchParameter created on one process is known, then active, on another without waiting for its poll', async () => {
  const sp: SearchParameter = {
    resourceType: 'SearchParameter',
    url: 'https://lots.example/fhir/SearchParameter/patient-mother-tongue',
    name: 'mothertongue',
    status: 'active',
    description: 'The language the patient learned first',
    code: 'mothertongue',
    base: ['Patient'],
    type: 'token',
    expression: 'Patient.communication.where(preferred = true).language',
  };
  const status = () => other.fhir.searchParams.get('Patient', 'mothertongue')?.status;
  expect(status()).toBeUndefined();
  expect((await t.request('POST', 'SearchParameter', { body: sp })).status).toBe(201);
  await waitFor('the new parameter', () => status() !== undefined);
  await t.deps.reindexer.drain();
  await waitFor('that indexing finished', () => status() === 'active');
});
