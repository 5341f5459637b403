import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashOpaque, isCodeChallenge, newOpaque, pkceMatches } from './secrets.js';

const s256 = (v: string) => createHash('sha256').update(v).digest('base64url');

describe('PKCE S256', () => {
  const verifier = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
  it('accepts the verifier of RFC 7636 appendix B', () => {
    expect(pkceMatches(verifier, 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM')).toBe(true);
  });
  it('refuses another verifier, a plain challenge, and a verifier that is too short', () => {
    expect(pkceMatches(`${verifier}x`, s256(verifier))).toBe(false);
    expect(pkceMatches(verifier, verifier)).toBe(false);
    expect(pkceMatches('short', s256('short'))).toBe(false);
    expect(isCodeChallenge(verifier.slice(0, 20))).toBe(false);
  });
});

describe('opaque secrets', () => {
  it('are random and kept only as a hash that differs from them', () => {
    const a = newOpaque();
    expect(a).not.toBe(newOpaque());
    expect(hashOpaque(a)).not.toBe(a);
    expect(hashOpaque(a)).toBe(hashOpaque(a));
  });
});
