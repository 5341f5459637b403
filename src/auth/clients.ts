/**
 * @module auth/clients
 * OAuth clients of Lots' own issuer: system clients with a secret (client_secret_basic) or a public key
 * (private_key_jwt, SMART Backend Services: a JWKS given inline or by URL), each with the scopes it may
 * be given and, for apps, redirect URIs. Secrets are kept only as scrypt hashes; the SQL is in
 * store/clients.ts.
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import type { JWK } from 'jose';
import type { Queryable } from '../store/db/db.js';
import * as store from '../store/clients.js';
import { parseScopes } from './scopes.js';

const scryptAsync = promisify(scrypt) as (password: string, salt: Buffer, keylen: number) => Promise<Buffer>;

export interface Client {
  id: string;
  scope: string;
  secretHash?: string;
  jwks?: { keys: JWK[] };
  /** Where the client publishes its keys (private_key_jwt), fetched when it authenticates. */
  jwksUrl?: string;
  redirectUris: string[];
  /** A public app: no secret or key, PKCE alone (SMART client-public). */
  public: boolean;
  /** The app's name, shown on the consent page. */
  name?: string;
  /** The SMART launches the app may use. */
  launchTypes: LaunchType[];
}

export const LAUNCH_TYPES = ['standalone', 'ehr'] as const;
export type LaunchType = (typeof LAUNCH_TYPES)[number];

/** App registration details beyond the credentials. */
export interface AppDetails {
  redirectUris?: string[];
  name?: string;
  launchTypes?: LaunchType[];
}

/** What the HTTP side reads of client registration (the composition root builds it on the database). */
export interface ClientRegistry {
  get(id: string): Promise<Client | undefined>;
  list(): Promise<ClientSummary[]>;
  /** Registers an app: public, or confidential with a new secret (returned, once). */
  registerApp(id: string, scope: string, app: AppDetails & { public: boolean }): Promise<{ secret?: string }>;
  remove(id: string): Promise<boolean>;
  /** Records a client assertion's jti; false when seen before. */
  rememberAssertion(jti: string, expiresAt: Date): Promise<boolean>;
}

export function clientRegistry(db: Queryable): ClientRegistry {
  return {
    get: (id) => getClient(db, id),
    list: () => listClients(db),
    async registerApp(id, scope, { public: isPublic, ...app }) {
      if (isPublic) return savePublicClient(db, id, scope, app).then(() => ({}));
      const secret = newSecret();
      await saveSecretClient(db, id, secret, scope, app.redirectUris ?? [], app);
      return { secret };
    },
    remove: (id) => store.deleteClient(db, id),
    rememberAssertion: (jti, exp) => store.rememberAssertion(db, jti, exp),
  };
}

/** What `lots client list` shows: never a secret or its hash. */
export interface ClientSummary {
  id: string;
  auth: 'client_secret' | 'private_key_jwt (JWKS)' | 'private_key_jwt (JWKS URL)' | 'public';
  scope: string;
  jwksUrl?: string;
  redirectUris: string[];
  name?: string;
  launchTypes: string[];
  createdAt: string;
  updatedAt: string;
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

/** The non-resource scopes a client may be registered for. */
export const OTHER_SCOPES = ['openid', 'fhirUser', 'launch', 'launch/patient', 'launch/encounter', 'offline_access', 'online_access'];

/** The scopes of `scope` that are no SMART scope Lots knows. */
export const unknownScopes = (scope: string): string[] => scope.split(/\s+/).filter((s) => s && parseScopes(s).length === 0 && !OTHER_SCOPES.includes(s));

/** A new random secret: 32 bytes, base64url. */
export const newSecret = (): string => randomBytes(32).toString('base64url');

export async function getClient(db: Queryable, id: string): Promise<Client | undefined> {
  const r = await store.selectClient(db, id);
  if (!r) return undefined;
  return {
    id: r.id,
    scope: r.scope,
    redirectUris: r.redirectUris,
    public: r.public,
    ...(r.name ? { name: r.name } : {}),
    launchTypes: r.launchTypes.filter((l): l is LaunchType => (LAUNCH_TYPES as readonly string[]).includes(l)),
    ...(r.secretHash ? { secretHash: r.secretHash } : {}),
    ...(r.jwks ? { jwks: JSON.parse(r.jwks) as { keys: JWK[] } } : {}),
    ...(r.jwksUrl ? { jwksUrl: r.jwksUrl } : {}),
  };
}

export async function listClients(db: Queryable): Promise<ClientSummary[]> {
  return (await store.selectClients(db)).map((r) => ({
    id: r.id,
    auth: r.public ? 'public' : r.secretHash ? 'client_secret' : r.jwksUrl ? 'private_key_jwt (JWKS URL)' : 'private_key_jwt (JWKS)',
    scope: r.scope,
    ...(r.jwksUrl ? { jwksUrl: r.jwksUrl } : {}),
    redirectUris: r.redirectUris,
    ...(r.name ? { name: r.name } : {}),
    launchTypes: r.launchTypes,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  }));
}

/** Creates or replaces a client with a secret. */
export async function saveSecretClient(db: Queryable, id: string, secret: string, scope: string, redirectUris: string[] = [], app: AppDetails = {}): Promise<void> {
  await store.upsertClient(db, { id, scope, secretHash: await hashSecret(secret), ...app, redirectUris });
}

/** Creates or replaces a public app (SMART client-public): it has no credentials, so PKCE alone binds its codes. */
export async function savePublicClient(db: Queryable, id: string, scope: string, app: AppDetails): Promise<void> {
  await store.upsertClient(db, { id, scope, ...app, redirectUris: app.redirectUris ?? [] });
}

/** Creates or replaces a client that authenticates with a signed JWT (private_key_jwt). */
export async function saveKeyClient(db: Queryable, id: string, keys: { keys: JWK[] } | { url: string }, scope: string, redirectUris: string[] = [], app: AppDetails = {}): Promise<void> {
  await store.upsertClient(db, { id, scope, ...app, redirectUris, ...('url' in keys ? { jwksUrl: keys.url } : { jwks: JSON.stringify(keys) }) });
}

/** Gives a confidential client a new secret (the old one stops working); undefined when there is none. */
export async function rotateSecret(db: Queryable, id: string): Promise<string | undefined> {
  const secret = newSecret();
  return (await store.updateSecretHash(db, id, await hashSecret(secret))) ? secret : undefined;
}

export const removeClient = store.deleteClient;
export const countClients = store.countClients;
export const rememberAssertion = store.rememberAssertion;
