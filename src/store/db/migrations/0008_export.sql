-- Bulk Data export jobs (docs/export.md). A job is worked on in steps that each commit: one page of
-- one type becomes a chunk of NDJSON and the job's cursor moves past it in the same transaction, so
-- a restart resumes where it stopped, never starts over. Output files are ranges of chunks (split at a
-- size limit), kept in Postgres so that any Lots process can serve them.
create table export_job (
  id              text        primary key,
  -- `kind/id` of the requester: only they may poll, download or cancel.
  owner_key       text        not null,
  -- Who asked and what they may reach, to run the export as them (their access policy, their name in the access log).
  owner           jsonb       not null,
  request         text        not null,
  params          jsonb       not null,
  transaction_time timestamptz not null,
  status          text        not null default 'accepted',
  -- Where the export has come: the type being exported, the page cursor, the file being filled.
  cursor          jsonb       not null default '{}',
  resources       bigint      not null default 0,
  error           text,
  lease_until     timestamptz,
  lease_owner     text,
  last_polled_at  timestamptz,
  created_at      timestamptz not null default now(),
  finished_at     timestamptz
);
create index export_job_pending on export_job (created_at) where status in ('accepted', 'in-progress');

create table export_chunk (
  job_id        text    not null references export_job (id) on delete cascade,
  seq           integer not null,
  resource_type text    not null,
  -- The output file of the type this chunk belongs to (1, 2, ...).
  file_no       integer not null,
  count         integer not null,
  content       text    not null,
  primary key (job_id, seq)
);
create index export_chunk_file on export_chunk (job_id, resource_type, file_no, seq);
