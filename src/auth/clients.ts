/**
 * @module auth/clients
 * OAuth clients of Lots' own issuer: system clients with a secret (client_secret_basic) or a public key
 * (private_key_jwt, SMART Backend Services), each with the scopes it may be given. Secrets are kept as
 * scrypt hashes.
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import type { JWK } from 'jose';
import type { Queryable } from '../store/db/db.js';

const scryptAsync = promisify(scrypt) as (password: string, salt: Buffer, keylen: number) => Promise<Buffer>;

export interface Client {
  id: string;
  scope: string;
  secretHash?: string;
  jwks?: { keys: JWK[] };
}

export async function hashSecret(secret: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scryptAsync(secret, salt, 32);
  return `scrypt$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

export async function secretMatches(secret: string, stored: string): Promise<boolean> {
  const [, salt, hash] = stored.split('$');
  if (!salt || !hash) return false;
  const actual = await scryptAsync(secret, Buffer.from(salt, 'base64url'), 32);
  const expected = Buffer.from(hash, 'base64url');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

export async function getClient(db: Queryable, id: string): Promise<Client | undefined> {
  const rows = await db.query<{ id: string; scope: string; secret_hash: string | null; jwks: string | null }>(
    'select id, scope, secret_hash, jwks from auth_client where id = $1',
    [id],
  );
  const r = rows[0];
  if (!r) return undefined;
  const client: Client = { id: r.id, scope: r.scope };
  if (r.secret_hash) client.secretHash = r.secret_hash;
  if (r.jwks) client.jwks = JSON.parse(r.jwks) as { keys: JWK[] };
  return client;
}

/** Creates or replaces a client with a secret. */
export async function saveSecretClient(db: Queryable, id: string, secret: string, scope: string): Promise<void> {
  await db.query(
    `insert into auth_client (id, scope, secret_hash) values ($1, $2, $3)
     on conflict (id) do update set scope = excluded.scope, secret_hash = excluded.secret_hash, jwks = null`,
    [id, scope, await hashSecret(secret)],
  );
}

/** Creates or replaces a client that authenticates with a signed JWT (private_key_jwt). */
export async function saveKeyClient(db: Queryable, id: string, jwks: { keys: JWK[] }, scope: string): Promise<void> {
  await db.query(
    `insert into auth_client (id, scope, jwks) values ($1, $2, $3)
     on conflict (id) do update set scope = excluded.scope, jwks = excluded.jwks, secret_hash = null`,
    [id, scope, JSON.stringify(jwks)],
  );
}

export async function countClients(db: Queryable): Promise<number> {
  const rows = await db.query<{ n: number }>('select count(*)::int as n from auth_client');
  return rows[0]?.n ?? 0;
}

/** Records a client assertion's jti; false when it was seen before (a replay). */
export async function rememberAssertion(db: Queryable, jti: string, expiresAt: Date): Promise<boolean> {
  await db.query('delete from auth_assertion where expires_at < now()');
  const rows = await db.query('insert into auth_assertion (jti, expires_at) values ($1, $2) on conflict do nothing returning jti', [jti, expiresAt.toISOString()]);
  return rows.length === 1;
}
