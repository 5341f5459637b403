/**
 * Topic-based subscriptions (R4 Subscriptions Backport) over HTTP, delivered to a real local rest-hook
 * endpoint: the backport profile on write, the handshake, a notification for each topic Lots ships,
 * payload contents, the owner's access, `$status` and `$events`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, type Receiver } from '../support/receiver.js';
import { subscription } from '../support/subscriptions.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

const LOTS = 'https://lots.example/fhir';

let t: TestApp;
let hook: Receiver;

beforeAll(async () => {
  // The loop runs by itself (as in production), quickly so that the suite is short.
  t = await createTestApp({ LOTS_SUBSCRIPTION_POLL_MS: '50', LOTS_SUBSCRIPTION_MAX_BACKOFF_SECONDS: '0.2' });
  hook = await startReceiver();
}, 180_000);
afterAll(async () => {
  await t?.close();
  await hook?.close();
});

async function subscribe(body: object, token?: string): Promise<string> {
  const res = await t.request('POST', 'Subscription', { body, ...(token ? { token } : {}) });
  expect(res.status, res.text).toBe(201);
  return res.body.id as string;
}

const typeOf = (r: Receiver, i: number) => r.status(i, 'type');
const notificationsOf = (r: Receiver, id: string) => r.received.filter((x) => x.body.entry[0].resource.parameter[0].valueReference.reference === `Subscription/${id}`);

describe('the backport profile on write', () => {
  it('refuses an R4 query-based Subscription, an unknown topic and a filter on another type with 422', async () => {
    const query = { ...subscription('resource-changed', hook.url), criteria: 'Observation?code=http://loinc.org|1975-2' };
    const cases = [
      query,
      subscription(`${LOTS}/SubscriptionTopic/no-such-topic`, hook.url),
      subscription('appointment-booked', hook.url, { filters: ['Observation?code=x'] }),
      subscription('appointment-booked', hook.url, { filters: ['Appointment?no-such-param=1'] }),
      subscription('resource-changed', hook.url),
      subscription('appointment-booked', hook.url, { content: 'everything' }),
      { ...subscription('appointment-booked', 'ftp://example.org/x') },
    ];
    for (const body of cases) {
      const res = await t.request('POST', 'Subscription', { body });
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.body.issue[0].code).toBe('invalid');
    }
  });
});

describe('rest-hook delivery', () => {
  it('hands shakes first, then the Subscription is active', async () => {
    const id = await subscribe(subscription('resource-changed', hook.url, { filters: ['Patient?family=Handskak'] }));
    await hook.waitFor((r) => notificationsOf(r, id).length >= 1);
    const first = notificationsOf(hook, id)[0]!.body;
    expect(first.resourceType).toBe('Bundle');
    expect(first.type).toBe('history');
    expect(first.entry[0].resource.parameter.find((p: any) => p.name === 'type').valueCode).toBe('handshake');
    await expect.poll(async () => (await t.request('GET', `Subscription/${id}`)).body.status, { timeout: 5000 }).toBe('active');
  });

  it('notifies each topic Lots ships, with the event numbers in order', async () => {
    const r = await startReceiver();
    try {
      const topics = ['case-message', 'case-assigned', 'case-closed', 'monitoring-alert', 'appointment-booked', 'appointment-moved', 'appointment-cancelled', 'listing-changed'];
      const ids: Record<string, string> = {};
      for (const topic of topics) ids[topic] = await subscribe(subscription(topic, r.url));
      ids.generic = await subscribe(subscription('resource-changed', r.url, { filters: ['Observation?code=http://loinc.org|8867-4'] }));
      await r.waitFor(() => Object.values(ids).every((id) => notificationsOf(r, id).length >= 1));

      await t.request('PUT', 'Patient/p-topics', { body: { resourceType: 'Patient', id: 'p-topics' } });
      await t.request('PUT', 'Organization/u-topics', { body: { resourceType: 'Organization', id: 'u-topics', name: 'VC' } });
      const task = {
        resourceType: 'Task', id: 'case-topics', status: 'requested', intent: 'order', for: { reference: 'Patient/p-topics' }, owner: { reference: 'Organization/u-topics' },
        businessStatus: { coding: [{ system: `${LOTS}/CodeSystem/case-status`, code: 'ny' }] },
      };
      expect((await t.request('PUT', 'Task/case-topics', { body: task })).status).toBe(201);
      const assigned = { ...task, extension: [{ url: `${LOTS}/StructureDefinition/case-handler`, valueReference: { reference: 'PractitionerRole/pr-1' } }], businessStatus: { coding: [{ system: `${LOTS}/CodeSystem/case-status`, code: 'fordelat' }] } };
      expect((await t.request('PUT', 'Task/case-topics', { body: assigned })).status).toBe(200);
      expect((await t.request('PUT', 'Task/case-topics', { body: { ...assigned, status: 'completed', businessStatus: { coding: [{ system: `${LOTS}/CodeSystem/case-status`, code: 'avslutat' }] } } })).status).toBe(200);
      const message = {
        resourceType: 'Communication', status: 'completed', partOf: [{ reference: 'Task/case-topics' }], subject: { reference: 'Patient/p-topics' },
        category: [{ coding: [{ system: `${LOTS}/CodeSystem/case-message`, code: 'svar' }] }], payload: [{ contentString: 'Hej' }],
      };
      expect((await t.request('POST', 'Communication', { body: message })).status).toBe(201);
      const alert = {
        resourceType: 'Task', status: 'requested', intent: 'order', for: { reference: 'Patient/p-topics' },
        code: { coding: [{ system: `${LOTS}/CodeSystem/monitoring-task`, code: 'assess-measurement' }] },
      };
      expect((await t.request('POST', 'Task', { body: alert })).status).toBe(201);
      const appointment = { resourceType: 'Appointment', id: 'ap-topics', status: 'booked', start: '2030-01-10T09:00:00Z', end: '2030-01-10T09:15:00Z', participant: [{ actor: { reference: 'Patient/p-topics' }, status: 'accepted' }] };
      expect((await t.request('PUT', 'Appointment/ap-topics', { body: appointment })).status).toBe(201);
      expect((await t.request('PUT', 'Appointment/ap-topics', { body: { ...appointment, start: '2030-01-11T09:00:00Z', end: '2030-01-11T09:15:00Z' } })).status).toBe(200);
      expect((await t.request('PUT', 'Appointment/ap-topics', { body: { ...appointment, start: '2030-01-11T09:00:00Z', end: '2030-01-11T09:15:00Z', status: 'cancelled' } })).status).toBe(200);
      const listing = { resourceType: 'EpisodeOfCare', status: 'active', patient: { reference: 'Patient/p-topics' }, managingOrganization: { reference: 'Organization/u-topics' } };
      expect((await t.request('POST', 'EpisodeOfCare', { body: listing })).status).toBe(201);
      const pulse = { resourceType: 'Observation', status: 'final', code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] }, subject: { reference: 'Patient/p-topics' }, valueQuantity: { value: 60, unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' } };
      const other = { ...pulse, code: { coding: [{ system: 'http://loinc.org', code: '8310-5' }] } };
      expect((await t.request('POST', 'Observation', { body: other })).status).toBe(201);
      expect((await t.request('POST', 'Observation', { body: pulse })).status).toBe(201);

      const focusOf = (id: string) => notificationsOf(r, id).filter((n) => n.body.entry[0].resource.parameter.find((p: any) => p.name === 'type').valueCode === 'event-notification').flatMap((n) => n.body.entry.slice(1).map((e: any) => e.request.url));
      const expected: Record<string, RegExp> = {
        'case-message': /^Communication\//,
        'case-assigned': /^Task\/case-topics\/_history\/2$/,
        'case-closed': /^Task\/case-topics\/_history\/3$/,
        'monitoring-alert': /^Task\//,
        'appointment-booked': /^Appointment\/ap-topics\/_history\/1$/,
        'appointment-moved': /^Appointment\/ap-topics\/_history\/2$/,
        'appointment-cancelled': /^Appointment\/ap-topics\/_history\/3$/,
        'listing-changed': /^EpisodeOfCare\//,
        generic: /^Observation\//,
      };
      await r.waitFor(() => Object.keys(expected).every((k) => focusOf(ids[k]!).length >= 1));
      for (const [k, pattern] of Object.entries(expected)) {
        const focus = focusOf(ids[k]!);
        expect(focus, k).toHaveLength(1);
        expect(focus[0], k).toMatch(pattern);
      }
    } finally {
      await r.close();
    }
  }, 60_000);
});

describe('a change in the same fan-out as the Subscription it is for', () => {
  it('is an event of it (the first subscription of a server included)', async () => {
    const quiet = await createTestApp({ LOTS_SUBSCRIPTION_POLL_MS: '0' });
    const r = await startReceiver();
    try {
      const sub = await quiet.request('POST', 'Subscription', { body: subscription('resource-changed', r.url, { filters: ['Observation?code=http://example.org/codes|same-batch'] }) });
      expect(sub.status).toBe(201);
      const obs = { resourceType: 'Observation', status: 'final', code: { coding: [{ system: 'http://example.org/codes', code: 'same-batch' }] } };
      expect((await quiet.request('POST', 'Observation', { body: obs })).status).toBe(201);
      await quiet.deps.subscriptions.drain();
      await quiet.deps.subscriptions.drain();
      expect(r.eventNumbers()).toEqual([1]);
    } finally {
      await r.close();
      await quiet.close();
    }
  }, 180_000);
});
