/**
 * @module store/server-keys
 * Deployment-wide secrets, created once and shared through the database by every server.
 */
import { randomBytes } from 'node:crypto';
import type { Queryable } from './db/db.js';

/**
 * The named key. When it does not exist yet, `make` creates it (default: 32 random bytes); if two
 * servers race, the first insert wins and both read the same value.
 */
export async function serverKey(db: Queryable, name: string, make: () => Promise<Buffer> | Buffer = () => randomBytes(32)): Promise<Buffer> {
  const existing = await db.query<{ value: Uint8Array }>('select value from server_key where name = $1', [name]);
  if (existing[0]) return Buffer.from(existing[0].value);
  await db.query('insert into server_key (name, value) values ($1, $2) on conflict (name) do nothing', [name, await make()]);
  const rows = await db.query<{ value: Uint8Array }>('select value from server_key where name = $1', [name]);
  return Buffer.from(rows[0]!.value);
}
