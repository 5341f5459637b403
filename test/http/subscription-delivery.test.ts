/**
 * Delivery that loses nothing: a receiver that is down gets every event afterwards, in order and once;
 * a receiver that hangs does not delay another; the owner's access decides what is sent; payload
 * contents; `$status` and `$events` replay; header secrets stay with their owner.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UNRESTRICTED } from '../../src/auth/principal.js';
import { startSubscriptionWorker } from '../../src/domain/subscriptions/worker.js';
import { silentLogger } from '../../src/log.js';
import { createSubscriptionQueue } from '../../src/store/subscription-queue.js';
import { startReceiver, type Receiver } from '../support/receiver.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { IG, subscription } from '../support/subscriptions.js';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp({ LOTS_SUBSCRIPTION_POLL_MS: '50', LOTS_SUBSCRIPTION_MAX_BACKOFF_SECONDS: '0.2' });
}, 180_000);
afterAll(async () => {
  await t?.close();
});

async function subscribe(body: object, token?: string): Promise<string> {
  const res = await t.request('POST', 'Subscription', { body, ...(token ? { token } : {}) });
  expect(res.status, res.text).toBe(201);
  return res.body.id as string;
}

async function active(id: string): Promise<void> {
  await expect.poll(async () => (await t.request('GET', `Subscription/${id}`)).body.status, { timeout: 10_000 }).toBe('active');
}

const observation = (code: string, extra: object = {}) => ({ resourceType: 'Observation', status: 'final', code: { coding: [{ system: 'http://example.org/codes', code }] }, ...extra });
const write = async (code: string, n: number, extra: object = {}) => {
  for (let i = 0; i < n; i++) expect((await t.request('POST', 'Observation', { body: observation(code, extra) })).status).toBe(201);
};
const entriesOf = (r: Receiver) => r.received.filter((x) => x.body.entry[0].resource.parameter.find((p: any) => p.name === 'type').valueCode === 'event-notification').flatMap((x) => x.body.entry.slice(1));

describe('payload content', () => {
  it('sends the resource for full-resource, only its URL for id-only, and neither for empty', async () => {
    const hooks = await Promise.all([startReceiver(), startReceiver(), startReceiver()]);
    try {
      const contents = ['full-resource', 'id-only', 'empty'];
      const ids = await Promise.all(hooks.map((h, i) => subscribe(subscription('resource-changed', h.url, { content: contents[i], filters: ['Observation?code=http://example.org/codes|payload'] }))));
      for (const id of ids) await active(id);
      await write('payload', 1);
      await Promise.all(hooks.map((h) => h.waitFor((r) => r.eventNumbers().length === 1)));
      const [full, idOnly, empty] = hooks.map((h) => h.received.find((x) => x.body.entry[0].resource.parameter.some((p: any) => p.valueCode === 'event-notification'))!.body);
      expect(full.entry[1].resource.resourceType).toBe('Observation');
      expect(full.entry[1].fullUrl).toMatch(/\/Observation\/[^/]+\/_history\/1$/);
      expect(idOnly.entry[1].resource).toBeUndefined();
      expect(idOnly.entry[1].fullUrl).toMatch(/\/Observation\//);
      expect(empty.entry).toHaveLength(1);
      expect(empty.entry[0].resource.parameter.find((p: any) => p.name === 'events-since-subscription-start').valueString).toBe('1');
    } finally {
      await Promise.all(hooks.map((h) => h.close()));
    }
  }, 60_000);
});

describe('a receiver that is down', () => {
  it('gets every event afterwards, in order, with no duplicates; $status and $events agree', async () => {
    const hook = await startReceiver();
    try {
      const id = await subscribe(subscription('resource-changed', hook.url, { filters: ['Observation?code=http://example.org/codes|down'] }));
      await active(id);
      hook.mode = 'fail';
      await write('down', 5);
      // Several failed attempts while it is down.
      await new Promise((ok) => setTimeout(ok, 1500));
      const status = await t.request('GET', `Subscription/${id}/$status`);
      expect(status.status).toBe(200);
      const params = status.body.entry[0].resource.parameter;
      expect(params.find((p: any) => p.name === 'events-since-subscription-start').valueString).toBe('5');
      expect(params.find((p: any) => p.name === 'type').valueCode).toBe('query-status');
      expect(hook.eventNumbers()).toEqual([]);
      hook.mode = 'ok';
      await write('down', 2);
      await hook.waitFor((r) => r.eventNumbers().length >= 7);
      await new Promise((ok) => setTimeout(ok, 500));
      expect(hook.eventNumbers()).toEqual([1, 2, 3, 4, 5, 6, 7]);

      const replay = await t.request('GET', `Subscription/${id}/$events?eventsSinceNumber=2&eventsUntilNumber=4&content=full-resource`);
      expect(replay.status).toBe(200);
      expect(replay.body.type).toBe('history');
      const events = replay.body.entry[0].resource.parameter.filter((p: any) => p.name === 'notification-event');
      expect(events.map((e: any) => e.part[0].valueString)).toEqual(['2', '3', '4']);
      expect(replay.body.entry.slice(1).map((e: any) => e.resource.resourceType)).toEqual(['Observation', 'Observation', 'Observation']);
      expect((await t.request('GET', `Subscription/${id}/$events?eventsSinceNumber=abc`)).body.issue[0].code).toBe('invalid');
    } finally {
      await hook.close();
    }
  }, 60_000);
});

describe('a receiver that hangs', () => {
  it('does not delay another subscription', async () => {
    const slow = await startReceiver();
    const fast = await startReceiver();
    try {
      const timeout = [{ url: `${IG}/backport-timeout`, valueUnsignedInt: 30 }];
      const slowId = await subscribe(subscription('resource-changed', slow.url, { filters: ['Observation?code=http://example.org/codes|hang'], extra: timeout }));
      const fastId = await subscribe(subscription('resource-changed', fast.url, { filters: ['Observation?code=http://example.org/codes|hang'] }));
      await active(slowId);
      await active(fastId);
      slow.mode = 'hang';
      const started = Date.now();
      await write('hang', 3);
      await fast.waitFor((r) => r.eventNumbers().length === 3, 10_000);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(slow.eventNumbers()).toEqual([]);
    } finally {
      await slow.close();
      await fast.close();
    }
  }, 60_000);
});

describe('the owner\'s access', () => {
  it('a staff administrator is never sent a resource of a patient outside their units', async () => {
    const hook = await startReceiver();
    try {
      await t.request('PUT', 'Organization/vc-sub', { body: { resourceType: 'Organization', id: 'vc-sub', name: 'VC Sub' } });
      const admin = await t.staffToken('SE2321000065-SUB1', ['vc-sub'], ['administrator']);
      const id = await subscribe(subscription('resource-changed', hook.url, { content: 'full-resource', filters: ['Observation?code=http://example.org/codes|access'] }), admin);
      await active(id);
      await t.request('PUT', 'Patient/p-elsewhere', { body: { resourceType: 'Patient', id: 'p-elsewhere' } });
      await write('access', 1, { subject: { reference: 'Patient/p-elsewhere' } });
      await write('access', 1);
      await hook.waitFor((r) => r.eventNumbers().length >= 1);
      await new Promise((ok) => setTimeout(ok, 500));
      const sent = entriesOf(hook);
      expect(sent).toHaveLength(1);
      expect(sent[0].resource.subject).toBeUndefined();
    } finally {
      await hook.close();
    }
  }, 60_000);
});

describe('header secrets', () => {
  it('are sent to the endpoint and shown to the owner only; another administrator cannot keep them', async () => {
    const hook = await startReceiver();
    try {
      await t.request('PUT', 'Organization/vc-hdr', { body: { resourceType: 'Organization', id: 'vc-hdr', name: 'VC Hdr' } });
      const a = await t.staffToken('SE2321000065-HDRA', ['vc-hdr'], ['administrator']);
      const b = await t.staffToken('SE2321000065-HDRB', ['vc-hdr'], ['administrator']);
      const id = await subscribe(subscription('resource-changed', hook.url, { headers: ['Authorization: Bearer secret-of-a'], filters: ['Observation?code=http://example.org/codes|hdr'] }), a);
      await hook.waitFor((r) => r.received.length >= 1);
      expect(hook.received[0]!.headers.authorization).toBe('Bearer secret-of-a');

      expect((await t.request('GET', `Subscription/${id}`, { token: a })).body.channel.header).toEqual(['Authorization: Bearer secret-of-a']);
      const seenByB = await t.request('GET', `Subscription/${id}`, { token: b });
      expect(seenByB.status).toBe(200);
      expect(seenByB.body.channel.header).toBeUndefined();
      const searchedByB = await t.request('GET', `Subscription?_id=${id}`, { token: b });
      expect(searchedByB.body.entry[0].resource.channel.header).toBeUndefined();
      expect(JSON.stringify((await t.request('GET', `Subscription/${id}/_history`, { token: b })).body)).not.toContain('secret-of-a');

      const patch = [{ op: 'replace', path: '/channel/endpoint', value: 'http://127.0.0.1:9/elsewhere' }];
      const patched = await t.request('PATCH', `Subscription/${id}`, { token: b, body: patch, headers: { 'content-type': 'application/json-patch+json' } });
      expect(patched.status).toBe(422);
      expect(patched.body.issue[0].code).toBe('invalid');
    } finally {
      await hook.close();
    }
  }, 60_000);
});

describe('two delivering processes on one database', () => {
  it('deliver each event once, in order', async () => {
    const hook = await startReceiver();
    // A second worker with its own lease identity, sharing the outbox and the subscriptions.
    const second = startSubscriptionWorker({
      queue: createSubscriptionQueue(t.deps.db),
      server: t.deps.fhir.repo.asServer({ onBehalfOf: UNRESTRICTED, software: 'lots-subscriptions' }),
      repoFor: (owner) => t.deps.contextFor(owner.principal, owner.access).repo,
      log: silentLogger,
      options: { pollMs: 20, retryHours: 24, maxBackoffSeconds: 0.2, concurrency: 50, baseUrl: 'http://localhost:8080/fhir' },
    });
    try {
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) ids.push(await subscribe(subscription('resource-changed', hook.url, { filters: ['Observation?code=http://example.org/codes|twice'], extra: [{ url: `${IG}/backport-max-count`, valuePositiveInt: 2 }] })));
      for (const id of ids) await active(id);
      await write('twice', 12);
      const numbers = (id: string) =>
        hook.received
          .filter((x) => x.body.entry[0].resource.parameter[0].valueReference.reference === `Subscription/${id}`)
          .flatMap((x) => x.body.entry[0].resource.parameter.filter((p: any) => p.name === 'notification-event'))
          .map((p: any) => Number(p.part[0].valueString));
      await hook.waitFor(() => ids.every((id) => numbers(id).length >= 12));
      await new Promise((ok) => setTimeout(ok, 500));
      for (const id of ids) expect(numbers(id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    } finally {
      await second.stop();
      await hook.close();
    }
  }, 60_000);
});
