-- A SearchParameter created at run time is indexed for existing resources in the background, in
-- batches that each commit, so the work resumes where it stopped after a restart and never locks a
-- table. `after_rid` is how far it has come.
create table reindex_job (
  url          text primary key,
  types        text[]      not null,
  after_rid    bigint      not null default 0,
  done         boolean     not null default false,
  created_at   timestamptz not null default now(),
  updated_at   timestamptz not null default now()
);
