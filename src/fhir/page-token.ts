/**
 * @module fhir/page-token
 * Opaque page tokens: the state of a paged query (its parameters and cursor), sealed with AES-256-GCM, so
 * `next` links and access logs carry no search values (no personnummer) and cannot be altered. The key
 * is shared by every server of a deployment (kept in the database), so any of them can continue a page.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { errors } from './error.js';

export interface PageTokenCodec {
  encode(state: unknown): string;
  decode<T>(token: string): T;
}

export function createPageTokenCodec(key: Buffer): PageTokenCodec {
  if (key.length !== 32) throw new Error('The page token key must be 32 bytes');
  return {
    encode(state) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const data = Buffer.concat([cipher.update(JSON.stringify(state), 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), data]).toString('base64url');
    },
    decode<T>(token: string): T {
      try {
        const buf = Buffer.from(token, 'base64url');
        const decipher = createDecipheriv('aes-256-gcm', key, buf.subarray(0, 12));
        decipher.setAuthTag(buf.subarray(12, 28));
        const text = Buffer.concat([decipher.update(buf.subarray(28)), decipher.final()]).toString('utf8');
        return JSON.parse(text) as T;
      } catch {
        throw errors.badRequest('The page token is not valid (expired or from another server); start again from the first page');
      }
    },
  };
}
