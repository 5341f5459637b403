/**
 * @module store/clients
 * The SQL of OAuth client registration (`auth_client`) and of the replay guard for client assertions
 * (`auth_assertion`). Secrets arrive here already hashed (auth/clients.ts); nothing here sees one.
 */
import type { Queryable } from './db/db.js';

export interface ClientRow {
  id: string;
  scope: string;
  secretHash?: string;
  /** JSON Web Key Set, as stored. */
  jwks?: string;
  jwksUrl?: string;
  redirectUris: string[];
  /** A public app (no secret or key: PKCE alone, SMART's client-public). */
  public: boolean;
  /** Shown to the person on the consent page. */
  name?: string;
  /** The SMART launches the app may use: standalone, ehr. */
  launchTypes: string[];
  createdAt: string;
  updatedAt: string;
}

interface Row {
  id: string;
  scope: string;
  secret_hash: string | null;
  jwks: string | null;
  jwks_url: string | null;
  redirect_uris: string;
  public: boolean;
  name: string | null;
  launch_types: string;
  created_at: string;
  updated_at: string;
}

const COLUMNS = 'id, scope, secret_hash, jwks, jwks_url, redirect_uris, public, name, launch_types, created_at, updated_at';

function toClient(r: Row): ClientRow {
  return {
    id: r.id,
    scope: r.scope,
    ...(r.secret_hash ? { secretHash: r.secret_hash } : {}),
    ...(r.jwks ? { jwks: r.jwks } : {}),
    ...(r.jwks_url ? { jwksUrl: r.jwks_url } : {}),
    redirectUris: JSON.parse(r.redirect_uris) as string[],
    public: r.public,
    ...(r.name ? { name: r.name } : {}),
    launchTypes: JSON.parse(r.launch_types) as string[],
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export async function selectClient(db: Queryable, id: string): Promise<ClientRow | undefined> {
  const rows = await db.query<Row>(`select ${COLUMNS} from auth_client where id = $1`, [id]);
  return rows[0] && toClient(rows[0]);
}

export async function selectClients(db: Queryable): Promise<ClientRow[]> {
  return (await db.query<Row>(`select ${COLUMNS} from auth_client order by id`)).map(toClient);
}

/** Creates or replaces a client; at most one of secretHash, jwks, jwksUrl is set by the caller (none: public). */
export async function upsertClient(db: Queryable, c: Omit<ClientRow, 'createdAt' | 'updatedAt' | 'public' | 'launchTypes'> & { launchTypes?: string[] }): Promise<void> {
  const isPublic = !c.secretHash && !c.jwks && !c.jwksUrl;
  await db.query(
    `insert into auth_client (id, scope, secret_hash, jwks, jwks_url, redirect_uris, public, name, launch_types) values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     on conflict (id) do update set scope = excluded.scope, secret_hash = excluded.secret_hash, jwks = excluded.jwks,
       jwks_url = excluded.jwks_url, redirect_uris = excluded.redirect_uris, public = excluded.public, name = excluded.name,
       launch_types = excluded.launch_types, updated_at = now()`,
    [c.id, c.scope, c.secretHash ?? null, c.jwks ?? null, c.jwksUrl ?? null, JSON.stringify(c.redirectUris), isPublic, c.name ?? null, JSON.stringify(c.launchTypes ?? [])],
  );
}

/** Replaces a confidential client's secret hash; false when there is no such client with a secret. */
export async function updateSecretHash(db: Queryable, id: string, secretHash: string): Promise<boolean> {
  const rows = await db.query('update auth_client set secret_hash = $2, updated_at = now() where id = $1 and secret_hash is not null returning id', [id, secretHash]);
  return rows.length === 1;
}

export async function deleteClient(db: Queryable, id: string): Promise<boolean> {
  return (await db.query('delete from auth_client where id = $1 returning id', [id])).length === 1;
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
