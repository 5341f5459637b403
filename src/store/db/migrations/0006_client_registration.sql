-- Clients registered with `lots client add`: a JWKS URL instead of stored keys (private_key_jwt), and
-- the redirect URIs of an app that will use SMART App Launch (JSON array of strings).
alter table auth_client add column jwks_url text;
alter table auth_client add column redirect_uris text not null default '[]';
alter table auth_client add column updated_at timestamptz not null default now();
