/**
 * @module domain/subscriptions/worker
 * Delivers subscriptions over rest-hook, in every Lots process at once: the fan-out turns the outbox
 * into numbered events, then each due subscription is leased (FOR UPDATE SKIP LOCKED in the queue) and
 * delivered on its own, so a slow or failing endpoint only waits for itself. A failed delivery is
 * retried with exponential backoff (capped) for `retryHours`, then the Subscription goes to `error`;
 * its events stay for `$events`. Full resources are read through the door as the owner, so the
 * owner's access applies again at delivery and the access log names them.
 */
import type { Resource, Subscription } from '@medplum/fhirtypes';
import { randomUUID } from 'node:crypto';
import { notificationBundle, readSubscription, type NotificationEvent, type NotificationType, type SubscriptionSpec } from '../../fhir/subscriptions/backport.js';
import type { Logger } from '../../log.js';
import type { DeliveryOutcome, SubscriptionQueue, SubscriptionState } from '../../store/store.js';
import type { Repository, ServerRepository } from '../repository.js';
import { decideFanOut, type FilterMatch } from './fan-out.js';
import { ownerOf, type Owner } from './owner.js';

export interface SubscriptionOptions {
  /** How often the loop looks for work (ms); 0 disables the worker. */
  pollMs: number;
  retryHours: number;
  /** The longest wait between two attempts (seconds). */
  maxBackoffSeconds: number;
  /** Subscriptions delivered at once by this process. */
  concurrency: number;
  baseUrl: string;
}

export interface SubscriptionDeps {
  queue: SubscriptionQueue;
  /** The server's repository (status writes, as the server on nobody's behalf but its own). */
  server: ServerRepository;
  /** A repository acting as the owner (their policy, their name in the access log). */
  repoFor(owner: Owner): Repository;
  log: Logger;
  options: SubscriptionOptions;
  /** The filter matcher (default @medplum/core's; the app passes one on the index entries). */
  match?: FilterMatch;
}

const FAN_OUT_BATCH = 1000;
const DEFAULT_MAX_COUNT = 100;
const DEFAULT_TIMEOUT_S = 10;
// Longer than the longest request (backport-timeout is at most 60 s): a lease outlives its delivery.
const LEASE_SECONDS = 90;

export interface SubscriptionWorker {
  /** One round: fan out the outbox, then start the due deliveries (not waiting for them). */
  tick(): Promise<void>;
  /** Waits until the outbox is empty and nothing is due or in flight (for tests and benches). */
  drain(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export function startSubscriptionWorker(deps: SubscriptionDeps): SubscriptionWorker {
  const me = `lots-${randomUUID()}`;
  const inFlight = new Map<string, Promise<void>>();
  let stopped = false;
  let round: Promise<void> = Promise.resolve();

  const fanOut = async () => {
    while (!stopped && (await deps.queue.fanOut(FAN_OUT_BATCH, (changes, states) => decideFanOut(changes, states, deps.match))) === FAN_OUT_BATCH);
  };
  const tick = async () => {
    await fanOut();
    const free = deps.options.concurrency - inFlight.size;
    if (free <= 0 || stopped) return;
    for (const state of await deps.queue.claim(me, free, LEASE_SECONDS)) {
      const p = deliver(deps, me, state)
        .catch((err: unknown) => deps.log.error('subscriptions: delivery failed', { subscription: state.subscriptionId, error: err instanceof Error ? err.message : String(err) }))
        .finally(() => inFlight.delete(state.subscriptionId));
      inFlight.set(state.subscriptionId, p);
    }
  };
  const guarded = () => {
    round = round.then(tick).catch((err: unknown) => deps.log.error('subscriptions: round failed', { error: err instanceof Error ? err.message : String(err) }));
    return round;
  };
  const timer = deps.options.pollMs > 0 ? setInterval(() => void guarded(), deps.options.pollMs) : undefined;
  timer?.unref();
  return {
    tick: guarded,
    async drain(timeoutMs = 30_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        await guarded();
        await Promise.all(inFlight.values());
        await guarded();
        if (inFlight.size === 0 || Date.now() > until) return;
      }
    },
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      await round;
      await Promise.all(inFlight.values());
    },
  };
}

/** One delivery of one leased subscription: the handshake, a batch of events, or a heartbeat. */
async function deliver(deps: SubscriptionDeps, me: string, state: SubscriptionState): Promise<void> {
  const sub = state.json ? (JSON.parse(state.json) as Subscription) : undefined;
  const { spec } = sub ? readSubscription(sub) : { spec: undefined };
  const owner = sub && ownerOf(sub);
  const now = new Date();
  if (!sub || !spec || !owner) {
    await deps.queue.settle(state.subscriptionId, me, { status: 'off', sent: false, attempts: 0, failingSince: null, lastError: null, nextAttemptAt: now.toISOString() });
    return;
  }
  const type: NotificationType = state.status === 'requested' ? 'handshake' : state.delivered < state.eventsCount ? 'event-notification' : 'heartbeat';
  const to = type === 'event-notification' ? Math.min(state.eventsCount, state.delivered + (spec.maxCount ?? DEFAULT_MAX_COUNT)) : state.delivered;
  const events = type === 'event-notification' ? await eventsOf(deps, owner, spec, state.subscriptionId, state.delivered + 1, to) : [];
  const bundle = notificationBundle({
    subscriptionId: state.subscriptionId,
    topic: spec.topic,
    status: state.status === 'requested' ? 'requested' : 'active',
    type,
    eventsSinceStart: state.eventsCount,
    events,
    content: spec.content,
    baseUrl: deps.options.baseUrl,
  });
  const error = await post(spec, JSON.stringify(bundle));
  if (!error) {
    await deps.queue.settle(state.subscriptionId, me, {
      ...(type === 'event-notification' ? { delivered: to } : {}),
      ...(type === 'handshake' ? { status: 'active' } : {}),
      sent: true,
      attempts: 0,
      failingSince: null,
      lastError: null,
      nextAttemptAt: now.toISOString(),
    });
    if (type === 'handshake') await setStatus(deps, sub, 'active');
    return;
  }
  const outcome = failure(deps.options, state, now, error);
  await deps.queue.settle(state.subscriptionId, me, outcome);
  if (outcome.status === 'error') {
    await setStatus(deps, sub, 'error');
    deps.log.warn('subscriptions: gave up retrying; the subscription is in error', { subscription: state.subscriptionId });
  }
}

/** The next attempt after a failure: backoff 1, 2, 4 ... seconds up to the cap; error after retryHours. */
export function failure(o: Pick<SubscriptionOptions, 'retryHours' | 'maxBackoffSeconds'>, state: Pick<SubscriptionState, 'attempts' | 'failingSince'>, now: Date, error: string): DeliveryOutcome {
  const attempts = state.attempts + 1;
  const since = state.failingSince ?? now.toISOString();
  const gaveUp = now.getTime() - Date.parse(since) >= o.retryHours * 3_600_000;
  const wait = Math.min(2 ** (attempts - 1), o.maxBackoffSeconds);
  return {
    ...(gaveUp ? { status: 'error' as const } : {}),
    sent: false,
    attempts,
    failingSince: since,
    lastError: error,
    nextAttemptAt: new Date(now.getTime() + wait * 1000).toISOString(),
  };
}

async function eventsOf(deps: SubscriptionDeps, owner: Owner, spec: SubscriptionSpec, id: string, from: number, to: number): Promise<NotificationEvent[]> {
  const rows = await deps.queue.events(id, from, to);
  const repo = spec.content === 'full-resource' ? deps.repoFor(owner) : undefined;
  const out: NotificationEvent[] = [];
  for (const e of rows) {
    const ev: NotificationEvent = { eventNumber: e.eventNumber, timestamp: e.occurredAt, focus: `${e.focusType}/${e.focusId}/_history/${e.focusVersion}` };
    if (!e.json) ev.deleted = true;
    else if (repo) {
      // Through the door as the owner: their access decides, and the access log names them.
      const v = await repo.vread(e.focusType, e.focusId, e.focusVersion);
      if (v?.json) ev.resource = JSON.parse(v.json) as Resource;
    }
    out.push(ev);
  }
  return out;
}

/** POSTs one notification; returns why it failed, or undefined. Never logs the body or the headers. */
async function post(spec: SubscriptionSpec, body: string): Promise<string | undefined> {
  const headers: Record<string, string> = { 'content-type': 'application/fhir+json' };
  for (const h of spec.headers) {
    const i = h.indexOf(':');
    headers[h.slice(0, i).trim()] = h.slice(i + 1).trim();
  }
  try {
    const res = await fetch(spec.endpoint, { method: 'POST', headers, body, signal: AbortSignal.timeout((spec.timeoutSeconds ?? DEFAULT_TIMEOUT_S) * 1000) });
    await res.arrayBuffer().catch(() => undefined);
    return res.ok ? undefined : `the endpoint answered ${res.status}`;
  } catch (err) {
    return err instanceof Error && err.name === 'TimeoutError' ? 'the endpoint did not answer in time' : 'the endpoint could not be reached';
  }
}

/** Writes the status the server decided onto the Subscription (a server write keeps the owner). */
async function setStatus(deps: SubscriptionDeps, sub: Subscription, status: 'active' | 'error'): Promise<void> {
  const current = await deps.server.lookup<Subscription>('Subscription', sub.id!);
  if (!current || current.status === status || current.status === 'off') return;
  await deps.server.update({ ...current, status });
}
