-- OAuth clients of Lots' own token issuer.
create table auth_client (
  id          text primary key,
  scope       text not null,
  secret_hash text,
  jwks        text,
  created_at  timestamptz not null default now()
);

-- jti of client assertions (private_key_jwt) until they expire, so none is accepted twice.
create table auth_assertion (
  jti        text primary key,
  expires_at timestamptz not null
);
