import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { R4_EXAMPLES_DIR as DIR, r4ExampleFiles } from '../support/corpus.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

/**
 * Every official R4 example is written with PUT (keeping its id) and read back equal to what was sent,
 * apart from meta.versionId and meta.lastUpdated. The examples Lots rejects are listed, each with the
 * defect of the example that causes it, in test/fixtures/r4-examples-rejected.json.
 */
const rejectedExpected = JSON.parse(readFileSync(new URL('../fixtures/r4-examples-rejected.json', import.meta.url), 'utf8')) as Record<string, string>;

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const withoutVersionMeta = (r: { meta?: Record<string, unknown> }) => {
  const { versionId: _v, lastUpdated: _l, ...meta } = r.meta ?? {};
  const copy: Record<string, unknown> = { ...r };
  if (Object.keys(meta).length) copy.meta = meta;
  else delete copy.meta;
  return copy;
};

it('accepts every official R4 example except the known-defective ones, and reads each back unchanged', async () => {
  const files = r4ExampleFiles();
  expect(files.length).toBe(715);
  const rejected: Record<string, string> = {};
  let accepted = 0;
  for (const file of files) {
    const sent = JSON.parse(readFileSync(new URL(file, DIR), 'utf8'));
    const put = await t.request('PUT', `${sent.resourceType}/${sent.id}`, { body: sent });
    if (put.status >= 300) {
      rejected[file] = `${put.status} ${put.body?.issue?.[0]?.diagnostics}`;
      continue;
    }
    const read = await t.request('GET', `${sent.resourceType}/${sent.id}`);
    expect(read.status, file).toBe(200);
    expect(withoutVersionMeta(read.body), file).toEqual(withoutVersionMeta(sent));
    accepted++;
  }
  console.log(`[${t.driver}] R4 examples accepted: ${accepted} of ${files.length}`);
  expect(Object.keys(rejected).sort()).toEqual(Object.keys(rejectedExpected).sort());
  expect(accepted).toBe(files.length - Object.keys(rejectedExpected).length);
}, 600_000);
