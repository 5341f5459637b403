-- Secrets shared by every server of a deployment (page-token key, token signing keys), made at first start.
create table server_key (
  name       text primary key,
  value      bytea not null,
  created_at timestamptz not null default now()
);
