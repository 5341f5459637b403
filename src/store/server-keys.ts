/**
 * @module store/server-keys
 * Deployment-wide secrets, created once and shared through the database by every server.
 */
import { randomBytes } from 'node:crypto';
import type { Queryable } from './db/db.js';

/** The named key, created with `bytes` random bytes if it does not exist yet. */
export async function serverKey(db: Queryable, name: string, bytes = 32): Promise<Buffer> {
  await db.query('insert into server_key (name, value) values ($1, $2) on conflict (name) do nothing', [name, randomBytes(bytes)]);
  const rows = await db.query<{ value: Uint8Array }>('select value from server_key where name = $1', [name]);
  return Buffer.from(rows[0]!.value);
}
