/**
 * @module store/subscription-queue
 * The SQL of subscriptions (migration 0007): the outbox fan-out, the numbered events, and the leases of
 * the delivery workers. What a change means for whom is decided in domain/subscriptions; here is only
 * how it is claimed, numbered and stored, so that no event is lost or given two numbers.
 */
import type { Db, Queryable } from './db/db.js';
import { Binder } from './search/binder.js';
import { accessPredicate } from './search/access-sql.js';
import type { AccessFilter, DeliveryOutcome, FanOutDecision, ResourceChange, SubscriptionEvent, SubscriptionQueue, SubscriptionState, SubscriptionStatus } from './store.js';

const INSTANT = (col: string) => `to_char(${col} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

interface StateRow {
  subscription_id: string;
  topic: string;
  status: SubscriptionStatus;
  heartbeat_seconds: number | null;
  events_count: string;
  delivered: string;
  attempts: number;
  failing_since: string | null;
  last_error: string | null;
  last_sent_at: string | null;
  content: string | null;
}

const STATE_COLUMNS = `s.subscription_id, s.topic, s.status, s.heartbeat_seconds, s.events_count::text, s.delivered::text, s.attempts,
  ${INSTANT('s.failing_since')} as failing_since, s.last_error, ${INSTANT('s.last_sent_at')} as last_sent_at,
  (select r.content from resource r where r.resource_type = 'Subscription' and r.id = s.subscription_id and not r.deleted) as content`;

function toState(r: StateRow): SubscriptionState {
  const s: SubscriptionState = {
    subscriptionId: r.subscription_id,
    topic: r.topic,
    status: r.status,
    eventsCount: Number(r.events_count),
    delivered: Number(r.delivered),
    attempts: r.attempts,
  };
  if (r.heartbeat_seconds !== null) s.heartbeatSeconds = r.heartbeat_seconds;
  if (r.failing_since) s.failingSince = r.failing_since;
  if (r.last_error) s.lastError = r.last_error;
  if (r.last_sent_at) s.lastSentAt = r.last_sent_at;
  if (r.content) s.json = r.content;
  return s;
}

interface ChangeRow {
  seq: string;
  resource_type: string;
  id: string;
  version_id: number;
  deleted: boolean;
  changed_at: string;
  content: string | null;
  previous: string | null;
}

const versionContent = (v: string) => `coalesce(
  (select r.content from resource r where r.resource_type = c.resource_type and r.id = c.id and r.version_id = ${v}),
  (select h.content from resource_history h where h.resource_type = c.resource_type and h.id = c.id and h.version_id = ${v}))`;

export function createSubscriptionQueue(db: Db): SubscriptionQueue {
  return {
    async fanOut(limit, decide) {
      return db.transaction(async (tx) => {
        const states = (await tx.query<StateRow>(`select ${STATE_COLUMNS} from subscription_state s where s.status <> 'off'`)).map(toState);
        // Without subscriptions, and none begun in this batch, no content needs reading (a bulk load
        // with nobody subscribed costs one statement per batch). A Subscription written in the batch
        // sees the changes after it, so then every content is read.
        const rows = await tx.query<ChangeRow>(
          `with c as (select * from resource_change order by seq limit $1 for update skip locked),
             w as (select $2::boolean or exists (select 1 from c where c.resource_type = 'Subscription') as wanted)
           select c.seq::text as seq, c.resource_type, c.id, c.version_id, c.deleted, ${INSTANT('c.changed_at')} as changed_at,
             case when w.wanted then ${versionContent('c.version_id')} end as content,
             case when w.wanted then ${versionContent('c.version_id - 1')} end as previous
           from c, w order by c.seq`,
          [limit, states.length > 0],
        );
        if (rows.length === 0) return 0;
        const changes = rows.map(toChange);
        await apply(tx, decide(changes, states));
        await tx.query('delete from resource_change where seq = any($1::bigint[])', [rows.map((r) => r.seq)]);
        return rows.length;
      });
    },

    async claim(owner, limit, seconds) {
      const rows = await db.query<StateRow>(
        `with due as (
           select subscription_id from subscription_state s
           where s.status in ('requested', 'active') and s.next_attempt_at <= now() and (s.lease_until is null or s.lease_until < now())
             and (s.status = 'requested' or s.delivered < s.events_count
                  or (s.heartbeat_seconds is not null and coalesce(s.last_sent_at, s.created_at) < now() - make_interval(secs => s.heartbeat_seconds)))
           order by s.next_attempt_at limit $2 for update skip locked)
         update subscription_state s set lease_until = now() + make_interval(secs => $3), lease_owner = $1
         from due where s.subscription_id = due.subscription_id
         returning ${STATE_COLUMNS}`,
        [owner, limit, seconds],
      );
      return rows.map(toState);
    },

    async events(subscriptionId, from, to) {
      const rows = await db.query<{ event_number: string; focus_type: string; focus_id: string; focus_version: number; occurred_at: string; content: string | null }>(
        `select e.event_number::text, e.focus_type, e.focus_id, e.focus_version, ${INSTANT('e.occurred_at')} as occurred_at,
           coalesce((select r.content from resource r where r.resource_type = e.focus_type and r.id = e.focus_id and r.version_id = e.focus_version),
                    (select h.content from resource_history h where h.resource_type = e.focus_type and h.id = e.focus_id and h.version_id = e.focus_version)) as content
         from subscription_event e where e.subscription_id = $1 and e.event_number between $2 and $3 order by e.event_number`,
        [subscriptionId, from, to],
      );
      return rows.map((r): SubscriptionEvent => ({
        eventNumber: Number(r.event_number),
        focusType: r.focus_type,
        focusId: r.focus_id,
        focusVersion: r.focus_version,
        occurredAt: r.occurred_at,
        ...(r.content !== null ? { json: r.content } : {}),
      }));
    },

    async settle(subscriptionId, owner, o: DeliveryOutcome) {
      await db.query(
        `update subscription_state set delivered = greatest(delivered, coalesce($3, delivered)), status = coalesce($4, status),
           last_sent_at = case when $5 then now() else last_sent_at end, attempts = $6, failing_since = $7, last_error = $8,
           next_attempt_at = $9, lease_until = null, lease_owner = null
         where subscription_id = $1 and lease_owner = $2`,
        [subscriptionId, owner, o.delivered ?? null, o.status ?? null, o.sent, o.attempts, o.failingSince, o.lastError, o.nextAttemptAt],
      );
    },

    async state(subscriptionId) {
      const rows = await db.query<StateRow>(`select ${STATE_COLUMNS} from subscription_state s where s.subscription_id = $1`, [subscriptionId]);
      return rows[0] && toState(rows[0]);
    },
  };
}

function toChange(r: ChangeRow): ResourceChange {
  const c: ResourceChange = { seq: r.seq, resourceType: r.resource_type, id: r.id, versionId: r.version_id, deleted: r.deleted, changedAt: r.changed_at };
  if (r.content !== null) c.json = r.content;
  if (r.previous !== null) c.previousJson = r.previous;
  return c;
}

/** Writes the states, then numbers and stores each event the subscriber may see. */
async function apply(tx: Queryable, d: FanOutDecision): Promise<void> {
  for (const s of d.states) {
    await tx.query(
      `insert into subscription_state (subscription_id, topic, status, heartbeat_seconds) values ($1, $2, $3, $4)
       on conflict (subscription_id) do update set topic = excluded.topic, status = excluded.status, heartbeat_seconds = excluded.heartbeat_seconds,
         attempts = case when $5 then 0 else subscription_state.attempts end,
         failing_since = case when $5 then null else subscription_state.failing_since end,
         next_attempt_at = case when $5 then now() else subscription_state.next_attempt_at end`,
      [s.subscriptionId, s.topic, s.status, s.heartbeatSeconds ?? null, s.reset],
    );
  }
  // Numbered per subscription, in order: one update takes k numbers under the state's row lock (no
  // gaps, no duplicates across processes), one insert stores the k events.
  const bySubscription = new Map<string, ResourceChange[]>();
  for (const e of d.events) {
    if (e.access && !(await mayRead(tx, e.change, e.access))) continue;
    const list = bySubscription.get(e.subscriptionId) ?? [];
    list.push(e.change);
    bySubscription.set(e.subscriptionId, list);
  }
  for (const [id, changes] of bySubscription) {
    await tx.query(
      `with n as (update subscription_state set events_count = events_count + $2 where subscription_id = $1 returning events_count - $2 as base)
       insert into subscription_event (subscription_id, event_number, focus_type, focus_id, focus_version, occurred_at)
       select $1, n.base + u.k, u.t, u.i, u.v, u.at from n, unnest($3::text[], $4::text[], $5::int[], $6::timestamptz[]) with ordinality as u(t, i, v, at, k)`,
      [id, changes.length, changes.map((c) => c.resourceType), changes.map((c) => c.id), changes.map((c) => c.versionId), changes.map((c) => c.changedAt)],
    );
  }
}

/** Whether `access` reaches the resource (its current row: a delete keeps its compartments). */
async function mayRead(tx: Queryable, c: ResourceChange, access: AccessFilter): Promise<boolean> {
  const policy = accessPredicate(access);
  if (!policy) return true;
  const b = new Binder();
  const where = `r.resource_type = ${b.bind(c.resourceType)} and r.id = ${b.bind(c.id)} and (${policy(b, 'r')})`;
  return (await tx.query(`select 1 from resource r where ${where}`, b.values)).length > 0;
}
