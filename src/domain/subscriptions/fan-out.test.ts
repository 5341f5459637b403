import { describe, expect, it } from 'vitest';
import type { ResourceChange, SubscriptionState } from '../../store/store.js';
import { decideFanOut, type FilterMatch } from './fan-out.js';
import { failure } from './worker.js';
import { OWNER_EXTENSION } from './owner.js';
import { TOPIC_BASE } from './topics.js';

const IG = 'http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition';
const everything: FilterMatch = () => true;
const owner = { url: OWNER_EXTENSION, extension: [{ url: 'kind', valueCode: 'system' }, { url: 'id', valueString: 'c' }, { url: 'scope', valueString: 'system/*.*' }] };
const sub = (id: string, status = 'requested', topic = 'appointment-booked') =>
  JSON.stringify({ resourceType: 'Subscription', id, status, reason: 'x', criteria: `${TOPIC_BASE}/${topic}`, extension: [owner], channel: { type: 'rest-hook', endpoint: 'http://h/x', _payload: { extension: [{ url: `${IG}/backport-payload-content`, valueCode: 'id-only' }] } } });
let seq = 0;
const change = (type: string, id: string, json?: object | string, previous?: object): ResourceChange => ({
  seq: String(++seq), resourceType: type, id, versionId: 1, deleted: !json, changedAt: '2026-01-01T00:00:00.000Z',
  ...(json ? { json: typeof json === 'string' ? json : JSON.stringify(json) } : {}), ...(previous ? { previousJson: JSON.stringify(previous) } : {}),
});
const booked = { resourceType: 'Appointment', id: 'a', status: 'booked', participant: [] };

describe('decideFanOut', () => {
  it('starts a new Subscription as requested and gives it the changes after it in the same batch, not before', () => {
    const d = decideFanOut([change('Appointment', 'a0', booked), change('Subscription', 's1', sub('s1')), change('Appointment', 'a', booked)], [], everything);
    expect(d.states).toEqual([{ subscriptionId: 's1', topic: `${TOPIC_BASE}/appointment-booked`, status: 'requested', reset: true }]);
    expect(d.events.map((e) => [e.subscriptionId, e.change.id])).toEqual([['s1', 'a']]);
  });

  it('fires only on the topic\'s transition (booked once, not on a later update of a booked one)', () => {
    const state: SubscriptionState = { subscriptionId: 's1', topic: '', status: 'active', eventsCount: 0, delivered: 0, attempts: 0, json: sub('s1', 'active') };
    const d = decideFanOut([change('Appointment', 'a', { ...booked, comment: 'x' }, booked), change('Appointment', 'b', { ...booked, id: 'b' }, { ...booked, status: 'proposed' })], [state], everything);
    expect(d.events.map((e) => e.change.id)).toEqual(['b']);
  });

  it('stops a Subscription set to off or deleted, and restarts one in error that the client sets to requested', () => {
    const active: SubscriptionState = { subscriptionId: 's1', topic: '', status: 'active', eventsCount: 3, delivered: 3, attempts: 0, json: sub('s1', 'active') };
    const off = decideFanOut([change('Subscription', 's1', sub('s1', 'off')), change('Appointment', 'a', booked)], [active], everything);
    expect(off.states[0]!.status).toBe('off');
    expect(off.events).toEqual([]);
    const gone = decideFanOut([change('Subscription', 's1')], [active], everything);
    expect(gone.states[0]!.status).toBe('off');
    const failed: SubscriptionState = { ...active, status: 'error' };
    const back = decideFanOut([change('Subscription', 's1', sub('s1', 'requested')), change('Appointment', 'a', booked)], [failed], everything);
    expect(back.states[0]).toMatchObject({ status: 'requested', reset: true });
    expect(back.events).toHaveLength(1);
  });
});

describe('failure', () => {
  const o = { retryHours: 1, maxBackoffSeconds: 8 };
  const now = new Date('2026-01-01T12:00:00Z');
  it('backs off 1, 2, 4 ... seconds up to the cap, then gives up after retryHours', () => {
    const first = failure(o, { attempts: 0 }, now, 'down');
    expect(first).toMatchObject({ attempts: 1, failingSince: now.toISOString(), nextAttemptAt: '2026-01-01T12:00:01.000Z' });
    expect(failure(o, { attempts: 2, failingSince: now.toISOString() }, now, 'down').nextAttemptAt).toBe('2026-01-01T12:00:04.000Z');
    expect(failure(o, { attempts: 9, failingSince: now.toISOString() }, now, 'down').nextAttemptAt).toBe('2026-01-01T12:00:08.000Z');
    expect(failure(o, { attempts: 9, failingSince: '2026-01-01T10:59:59Z' }, now, 'down').status).toBe('error');
    expect(failure(o, { attempts: 9, failingSince: '2026-01-01T11:30:00Z' }, now, 'down').status).toBeUndefined();
  });
});
