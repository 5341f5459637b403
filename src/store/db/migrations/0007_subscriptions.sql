-- Subscriptions (docs/subscriptions.md). Three tables:
--
-- resource_change: the outbox. A statement-level trigger on `resource` adds one row per written
-- resource in the same transaction as the write, whatever path wrote it (REST, bundles, services,
-- import), so a change can never be committed without its event. The fan-out (store/subscription-queue.ts)
-- turns rows into subscription events and deletes them, in one transaction of its own.
create table resource_change (
  seq           bigint generated always as identity primary key,
  resource_type text        not null,
  id            text        not null,
  version_id    integer     not null,
  deleted       boolean     not null,
  changed_at    timestamptz not null default now()
);

create function lots_note_change() returns trigger language plpgsql as $$
begin
  -- The access log is not something anybody subscribes to, and it is most of the writes.
  insert into resource_change (resource_type, id, version_id, deleted)
  select resource_type, id, version_id, deleted from changed where resource_type <> 'AuditEvent';
  return null;
end $$;

create trigger resource_created after insert on resource referencing new table as changed
  for each statement execute function lots_note_change();
create trigger resource_updated after update on resource referencing new table as changed
  for each statement execute function lots_note_change();

-- The delivery state of each Subscription: how many events it has been given (its event numbers run
-- 1, 2, 3 ... without gaps), how far delivery has come, retries, and the lease of the worker that is
-- delivering it now (so several Lots processes share the work, each subscription in one at a time).
create table subscription_state (
  subscription_id text        primary key,
  topic           text        not null,
  status          text        not null,
  -- The channel's heartbeat period (backport-heartbeat-period), when it asked for one.
  heartbeat_seconds integer,
  events_count    bigint      not null default 0,
  delivered       bigint      not null default 0,
  next_attempt_at timestamptz not null default now(),
  attempts        integer     not null default 0,
  failing_since   timestamptz,
  last_error      text,
  last_sent_at    timestamptz,
  lease_until     timestamptz,
  lease_owner     text,
  created_at      timestamptz not null default now()
);
create index subscription_state_due on subscription_state (next_attempt_at) where status in ('requested', 'active');

-- Every event of every subscription, kept after delivery so that `$events` can replay a range.
create table subscription_event (
  subscription_id text        not null,
  event_number    bigint      not null,
  focus_type      text        not null,
  focus_id        text        not null,
  focus_version   integer     not null,
  occurred_at     timestamptz not null,
  primary key (subscription_id, event_number)
);
