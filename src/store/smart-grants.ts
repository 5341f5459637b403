/**
 * @module store/smart-grants
 * The SQL of SMART App Launch's state (migration 0016): grants, and the single-use secrets tied to them
 * (authorization codes, refresh tokens, launch values, authorization requests in progress). Secrets
 * arrive here already hashed (auth/smart/secrets.ts); nothing here sees one.
 */
import type { Queryable } from './db/db.js';

export type SecretKind = 'code' | 'refresh' | 'launch' | 'request';

export interface SecretRow {
  kind: SecretKind;
  grantId?: string;
  clientId?: string;
  data: string;
  expiresAt: Date;
  usedAt?: Date;
  /** Set when the grant the secret belongs to was revoked. */
  grantRevoked: boolean;
}

interface Row {
  kind: SecretKind;
  grant_id: string | null;
  client_id: string | null;
  data: string;
  expires_at: Date | string;
  used_at: Date | string | null;
  grant_revoked: boolean | null;
}

const toRow = (r: Row): SecretRow => ({
  kind: r.kind,
  ...(r.grant_id ? { grantId: r.grant_id } : {}),
  ...(r.client_id ? { clientId: r.client_id } : {}),
  data: r.data,
  expiresAt: new Date(r.expires_at),
  ...(r.used_at ? { usedAt: new Date(r.used_at) } : {}),
  grantRevoked: r.grant_revoked === true,
});

export async function insertGrant(db: Queryable, id: string, clientId: string): Promise<void> {
  await db.query('insert into auth_grant (id, client_id) values ($1, $2)', [id, clientId], { prepare: true });
}

/** Revokes a grant (idempotent); true when it exists. */
export async function revokeGrant(db: Queryable, id: string): Promise<boolean> {
  const rows = await db.query('update auth_grant set revoked_at = coalesce(revoked_at, now()) where id = $1 returning id', [id], { prepare: true });
  return rows.length === 1;
}

export async function grantRevoked(db: Queryable, id: string): Promise<boolean> {
  const rows = await db.query<{ revoked: boolean }>('select revoked_at is not null as revoked from auth_grant where id = $1', [id], { prepare: true });
  // An unknown grant counts as revoked: its tokens cannot be trusted.
  return rows[0]?.revoked ?? true;
}

export async function insertSecret(db: Queryable, hash: string, s: { kind: SecretKind; grantId?: string; clientId?: string; data: string; expiresAt: Date }): Promise<void> {
  await removeExpired(db);
  await db.query('insert into auth_secret (hash, kind, grant_id, client_id, data, expires_at) values ($1, $2, $3, $4, $5, $6)', [
    hash,
    s.kind,
    s.grantId ?? null,
    s.clientId ?? null,
    s.data,
    s.expiresAt.toISOString(),
  ]);
}

/**
 * Expired secrets are removed as new ones come (no timer needed, and the tables stay small): a day after
 * they expire, so a reused code or refresh token is still recognised for a while. A grant goes when none
 * of its secrets is left: every access token issued from it came with one of them and lived at most a day
 * (LOTS_TOKEN_TTL_SECONDS), so none can be in use, and none answers as revoked while it still works.
 */
export async function removeExpired(db: Queryable): Promise<void> {
  await db.query("delete from auth_secret where expires_at < now() - interval '1 day'", [], { prepare: true });
  await db.query(
    "delete from auth_grant g where g.created_at < now() - interval '1 day' and not exists (select 1 from auth_secret s where s.grant_id = g.id)",
    [],
    { prepare: true },
  );
}

const SELECT = `select s.kind, s.grant_id, s.client_id, s.data, s.expires_at, s.used_at, g.revoked_at is not null as grant_revoked
  from auth_secret s left join auth_grant g on g.id = s.grant_id`;

/** The secret of this kind with this hash, used or not. */
export async function selectSecret(db: Queryable, hash: string, kind: SecretKind): Promise<SecretRow | undefined> {
  const rows = await db.query<Row>(`${SELECT} where s.hash = $1 and s.kind = $2`, [hash, kind], { prepare: true });
  return rows[0] && toRow(rows[0]);
}

/**
 * Marks the secret used, atomically: the secret as it was when this call was the first to use it, or
 * undefined when it is unknown, expired or was used before (then `selectSecret` tells which).
 */
export async function useSecret(db: Queryable, hash: string, kind: SecretKind): Promise<SecretRow | undefined> {
  const rows = await db.query<Row>(
    `with used as (update auth_secret set used_at = now() where hash = $1 and kind = $2 and used_at is null and expires_at > now() returning *)
     select u.kind, u.grant_id, u.client_id, u.data, u.expires_at, null::timestamptz as used_at, g.revoked_at is not null as grant_revoked
       from used u left join auth_grant g on g.id = u.grant_id`,
    [hash, kind],
  );
  return rows[0] && toRow(rows[0]);
}

/** Replaces the data of an authorization request in progress (the next step's state). */
export async function updateSecretData(db: Queryable, hash: string, data: string): Promise<boolean> {
  const rows = await db.query("update auth_secret set data = $2 where hash = $1 and kind = 'request' and used_at is null and expires_at > now() returning hash", [hash, data]);
  return rows.length === 1;
}

/** The SMART store (auth/smart/store.ts's port) on this database. */
export function createSmartGrantStore(db: Queryable) {
  return {
    createGrant: (id: string, clientId: string) => insertGrant(db, id, clientId),
    revokeGrant: (id: string) => revokeGrant(db, id),
    isRevoked: (id: string) => grantRevoked(db, id),
    put: (hash: string, s: { kind: SecretKind; grantId?: string; clientId?: string; data: string; expiresAt: Date }) => insertSecret(db, hash, s),
    get: (hash: string, kind: SecretKind) => selectSecret(db, hash, kind),
    use: (hash: string, kind: SecretKind) => useSecret(db, hash, kind),
    update: (hash: string, data: string) => updateSecretData(db, hash, data),
  };
}
