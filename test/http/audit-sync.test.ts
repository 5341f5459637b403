/**
 * LOTS_AUDIT_READS=sync: a read's AuditEvent is stored before the answer leaves, so a process killed
 * right after answering has lost no access-log entry (the default queue may lose the last half second).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ LOTS_AUDIT_READS: 'sync' });
});
afterAll(() => t.close());

it('stores the AuditEvent of a read before answering it', async () => {
  const created = await t.request('POST', 'Patient', { body: { resourceType: 'Patient', name: [{ family: 'Sync' }] } });
  const obs = await t.request('POST', 'Observation', {
    body: { resourceType: 'Observation', status: 'final', code: { text: 'x' }, subject: { reference: `Patient/${created.body.id}` } },
  });
  expect((await t.request('GET', `Observation/${obs.body.id}`)).status).toBe(200);
  // A search does not flush the queue: only a write before the answer can have stored the event.
  const reads = await t.request('GET', `AuditEvent?entity=Observation/${obs.body.id}&action=R`);
  expect(reads.body.total).toBe(1);
});
