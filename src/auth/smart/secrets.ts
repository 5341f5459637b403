/**
 * @module auth/smart/secrets
 * The random secrets of SMART App Launch (codes, refresh tokens, launch values, request ids) and the
 * hash under which each is kept: the database never holds one that could be used as it stands.
 * PKCE (RFC 7636): only S256; `plain` would let whoever sees the authorization request use the code.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** 32 random bytes, base64url: unguessable, and safe in URLs and form fields. */
export const newOpaque = (): string => randomBytes(32).toString('base64url');

/** What is stored for a secret: SHA-256, base64url (the secret is random, so no salt is needed). */
export const hashOpaque = (secret: string): string => createHash('sha256').update(secret).digest('base64url');

/** RFC 7636 section 4.1: 43 to 128 unreserved characters. */
const VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;
/** A base64url SHA-256: 43 characters. */
const CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

export const isCodeChallenge = (challenge: string): boolean => CHALLENGE.test(challenge);

/** True when `verifier` is well formed and its S256 challenge is `challenge`. */
export function pkceMatches(verifier: string, challenge: string): boolean {
  if (!VERIFIER.test(verifier) || !CHALLENGE.test(challenge)) return false;
  const actual = Buffer.from(createHash('sha256').update(verifier).digest('base64url'));
  const expected = Buffer.from(challenge);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
