/**
 * @module domain/subscriptions/fan-out
 * What a batch of outbox rows means, decided without I/O (the queue applies it in the same transaction
 * that claimed the rows): which Subscriptions began, changed or stopped, and which changes are events
 * of which subscription, in order. A Subscription written in the batch sees the changes after it.
 */
import type { Resource, Subscription } from '@medplum/fhirtypes';
import { filtersName, matchesFilters, readSubscription, type SubscriptionSpec } from '../../fhir/subscriptions/backport.js';

/** Whether a resource meets filters; default @medplum/core's matcher (the worker passes a faster one). */
export type FilterMatch = (resource: Resource, filters: readonly string[]) => boolean;
import type { AccessFilter, FanOutDecision, ResourceChange, SubscriptionState } from '../../store/store.js';
import { ownerFilter, ownerOf } from './owner.js';
import { topicOf, type Topic } from './topics.js';

interface Live {
  id: string;
  spec: SubscriptionSpec;
  topic: Topic;
  access: AccessFilter | undefined;
}

export function decideFanOut(changes: readonly ResourceChange[], states: readonly SubscriptionState[], match: FilterMatch = matchesFilters): FanOutDecision {
  const decision: FanOutDecision = { states: [], events: [] };
  const live = new Map<string, Live>();
  const status = new Map(states.map((s) => [s.subscriptionId, s.status]));
  for (const s of states) {
    const l = s.json && s.status !== 'error' ? liveOf(JSON.parse(s.json) as Subscription) : undefined;
    if (l) live.set(s.subscriptionId, l);
  }
  for (const c of changes) {
    if (c.resourceType === 'Subscription') subscriptionChanged(c, status, live, decision);
    const before = c.previousJson ? (JSON.parse(c.previousJson) as Resource) : undefined;
    const after = c.json ? (JSON.parse(c.json) as Resource) : undefined;
    const focus = after ?? before;
    if (!focus) continue;
    for (const l of live.values()) {
      if (!applies(l, focus, before, after, match)) continue;
      decision.events.push({ subscriptionId: l.id, change: c, ...(l.access ? { access: l.access } : {}) });
    }
  }
  return decision;
}

function applies(l: Live, focus: Resource, before: Resource | undefined, after: Resource | undefined, match: FilterMatch): boolean {
  const types = l.topic.resourceTypes;
  if (!types.includes('*') && !types.includes(focus.resourceType)) return false;
  if (l.topic.needsFilter && !filtersName(focus.resourceType, l.spec.filters)) return false;
  return l.topic.trigger(before, after) && match(focus, l.spec.filters);
}

function liveOf(s: Subscription): Live | undefined {
  const { spec } = readSubscription(s);
  const topic = spec && topicOf(spec.topic);
  const owner = ownerOf(s);
  if (!spec || !topic || !owner || !s.id) return undefined;
  return { id: s.id, spec, topic, access: ownerFilter(owner) };
}

/**
 * A new Subscription starts `requested` (the handshake comes first); `off` stops it; a client setting
 * `requested` again restarts one in `error` or `off` (its event numbers go on). The server's own status
 * writes (active, error) change nothing here.
 */
function subscriptionChanged(c: ResourceChange, status: Map<string, string>, live: Map<string, Live>, d: FanOutDecision): void {
  const s = c.json ? (JSON.parse(c.json) as Subscription) : undefined;
  const l = s && liveOf(s);
  const known = status.get(c.id);
  if (!s || !l || s.status === 'off') {
    live.delete(c.id);
    if (known && known !== 'off') d.states.push({ subscriptionId: c.id, topic: l?.spec.topic ?? s?.criteria ?? '', status: 'off', reset: false });
    status.set(c.id, 'off');
    return;
  }
  const restart = !known || ((known === 'error' || known === 'off') && s.status === 'requested');
  const next = restart ? 'requested' : (known as 'requested' | 'active' | 'error');
  d.states.push({ subscriptionId: c.id, topic: l.spec.topic, status: next, ...(l.spec.heartbeatSeconds ? { heartbeatSeconds: l.spec.heartbeatSeconds } : {}), reset: restart });
  status.set(c.id, next);
  if (next === 'error') live.delete(c.id);
  else live.set(c.id, l);
}
