-- SMART App Launch (docs/smart.md). Apps: public or confidential, a name shown on the consent page,
-- and the launches they may use (JSON array of "standalone", "ehr").
alter table auth_client add column public boolean not null default false;
alter table auth_client add column name text;
alter table auth_client add column launch_types text not null default '[]';

-- One grant: a person's consent to one app, and every token issued from it. Revoking the grant
-- (code reuse, refresh token reuse, RFC 7009 revocation) ends all of them: access tokens carry its id.
create table auth_grant (
  id         text primary key,
  client_id  text not null,
  revoked_at timestamptz,
  created_at timestamptz not null default now()
);

-- Short-lived secrets, kept only as SHA-256 hashes: authorization codes (60 s), refresh tokens,
-- EHR launch values, and authorization requests in progress (login, patient picker, consent).
-- `data` is the JSON the step needs; `used_at` makes codes, launches and refresh tokens single-use.
create table auth_secret (
  hash       text primary key,
  kind       text not null check (kind in ('code', 'refresh', 'launch', 'request')),
  grant_id   text references auth_grant (id) on delete cascade,
  client_id  text,
  data       text not null,
  expires_at timestamptz not null,
  used_at    timestamptz
);
create index auth_secret_expires on auth_secret (expires_at);
create index auth_secret_grant on auth_secret (grant_id);
