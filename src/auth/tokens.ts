/**
 * @module auth/tokens
 * Access tokens are JWTs (jose). Lots' own issuer signs with an ES256 key kept in the database (shared
 * by every server); in production any OIDC issuer's tokens are verified against its JWKS, and their
 * claims mapped to a principal by settings. Failures are 401 with a reason a developer can act on.
 */
import { createLocalJWKSet, createRemoteJWKSet, exportJWK, importJWK, jwtVerify, SignJWT, errors as joseErrors, type JWK, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { errors } from '../fhir/error.js';
import type { Principal, StaffRole } from './principal.js';
import { STAFF_ROLES } from './principal.js';
import { parseScopes } from './scopes.js';

export interface OidcSettings {
  issuer: string;
  jwksUrl: string;
  audience: string;
  claims: { scope: string; personnummer: string; hsaId: string; units: string; roles: string; clientId: string };
}

export interface TokenService {
  readonly issuer: string;
  /** The public keys of Lots' issuer (for /auth/jwks). */
  jwks(): { keys: JWK[] };
  issue(claims: LotsClaims, ttlSeconds: number): Promise<string>;
  /** An OpenID Connect id_token for the app `clientId` (its audience). */
  idToken(claims: IdTokenClaims, clientId: string, ttlSeconds: number): Promise<string>;
  verify(token: string): Promise<Principal>;
}

/** The claims Lots puts in its own tokens. */
export interface LotsClaims {
  sub: string;
  scope: string;
  client_id: string;
  lots_kind: Principal['kind'];
  personnummer?: string;
  hsa_id?: string;
  units?: string[];
  roles?: string[];
  patient?: string;
  fhirUser?: string;
  /** The SMART grant the token was issued from (auth/smart). */
  grant?: string;
}

export interface IdTokenClaims {
  sub: string;
  fhirUser?: string;
  nonce?: string;
  name?: string;
  auth_time?: number;
}

export interface SigningKey {
  privateJwk: JWK;
}

export async function createTokenService(opts: { issuer: string; audience: string; key: SigningKey; oidc?: OidcSettings }): Promise<TokenService> {
  const privateKey = await importJWK(opts.key.privateJwk, 'ES256');
  const { d: _d, ...publicJwk } = opts.key.privateJwk;
  const ownKeys = createLocalJWKSet({ keys: [publicJwk] });
  const oidcKeys: JWTVerifyGetKey | undefined = opts.oidc ? createRemoteJWKSet(new URL(opts.oidc.jwksUrl)) : undefined;
  const verified = new VerifiedCache();
  const verifyUncached = async (token: string): Promise<{ principal: Principal; exp: number }> => {
    const iss = peekIssuer(token);
    if (iss === opts.issuer) {
      const p = await check(token, ownKeys, opts.issuer, opts.audience);
      return { principal: fromLotsClaims(p), exp: p.exp ?? 0 };
    }
    if (opts.oidc && iss === opts.oidc.issuer) {
      const p = await check(token, oidcKeys!, opts.oidc.issuer, opts.oidc.audience);
      return { principal: fromOidcClaims(p, opts.oidc), exp: p.exp ?? 0 };
    }
    throw errors.unauthorized(`The access token was issued by ${iss ? `"${iss}"` : 'an unknown issuer'}, which this server does not trust`);
  };
  return {
    issuer: opts.issuer,
    jwks: () => ({ keys: [publicJwk] }),
    async issue(claims, ttlSeconds) {
      return new SignJWT({ ...claims })
        .setProtectedHeader({ alg: 'ES256', kid: publicJwk.kid! })
        .setIssuer(opts.issuer)
        .setAudience(opts.audience)
        .setIssuedAt()
        .setExpirationTime(`${ttlSeconds}s`)
        .setJti(crypto.randomUUID())
        .sign(privateKey);
    },
    async idToken(claims, clientId, ttlSeconds) {
      return new SignJWT({ ...claims })
        .setProtectedHeader({ alg: 'ES256', kid: publicJwk.kid!, typ: 'JWT' })
        .setIssuer(opts.issuer)
        .setAudience(clientId)
        .setIssuedAt()
        .setExpirationTime(`${ttlSeconds}s`)
        .sign(privateKey);
    },
    async verify(token) {
      const hit = verified.get(token);
      if (hit) return hit;
      const { principal, exp } = await verifyUncached(token);
      verified.set(token, principal, exp);
      return principal;
    },
  };
}

/** A new ES256 key for Lots' issuer. */
export async function generateSigningKey(): Promise<SigningKey> {
  const { privateKey } = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
  const jwk = await exportJWK(privateKey);
  return { privateJwk: { ...jwk, alg: 'ES256', use: 'sig', kid: crypto.randomUUID() } };
}

/**
 * Verified tokens until they expire: a signature check costs more than the rest of a read, and a
 * client sends the same token with every request. The token string is the key, so a changed token
 * is verified again; an expired entry is never served.
 */
class VerifiedCache {
  readonly #entries = new Map<string, { principal: Principal; exp: number }>();
  static readonly MAX = 10_000;

  get(token: string): Principal | undefined {
    const e = this.#entries.get(token);
    if (!e) return undefined;
    if (e.exp * 1000 <= Date.now()) {
      this.#entries.delete(token);
      return undefined;
    }
    return e.principal;
  }

  set(token: string, principal: Principal, exp: number): void {
    if (this.#entries.size >= VerifiedCache.MAX) this.#entries.delete(this.#entries.keys().next().value!);
    this.#entries.set(token, { principal, exp });
  }
}

function peekIssuer(token: string): string | undefined {
  const payload = token.split('.')[1];
  if (!payload) throw errors.unauthorized('The access token is not a JWT');
  try {
    return (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as JWTPayload).iss;
  } catch {
    throw errors.unauthorized('The access token is not a JWT');
  }
}

async function check(token: string, keys: JWTVerifyGetKey, issuer: string, audience: string): Promise<JWTPayload> {
  try {
    return (await jwtVerify(token, keys, { issuer, audience })).payload;
  } catch (err) {
    if (err instanceof joseErrors.JWTExpired) throw errors.unauthorized('The access token has expired; get a new one');
    if (err instanceof joseErrors.JWTClaimValidationFailed) {
      throw errors.unauthorized(err.claim === 'aud' ? `The access token is not for this server (its audience must be ${audience})` : `The access token's ${err.claim} claim is not valid`);
    }
    if (err instanceof joseErrors.JOSEError) throw errors.unauthorized('The access token signature does not verify');
    throw err;
  }
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? v.split(/[ ,]+/).filter(Boolean) : []);

function fromLotsClaims(p: JWTPayload): Principal {
  const scope = typeof p.scope === 'string' ? p.scope : '';
  const base = {
    grants: parseScopes(scope),
    scope,
    clientId: typeof p.client_id === 'string' ? p.client_id : 'unknown',
    ...(typeof p.grant === 'string' ? { smart: { grantId: p.grant, ...(typeof p.patient === 'string' ? { patient: p.patient } : {}) } } : {}),
  };
  switch (p.lots_kind) {
    case 'citizen':
      return { kind: 'citizen', personnummer: String(p.personnummer), ...base };
    case 'staff':
      return { kind: 'staff', hsaId: String(p.hsa_id), units: strings(p.units), roles: strings(p.roles).filter(isRole), ...base };
    default:
      return { kind: 'system', ...base };
  }
}

function fromOidcClaims(p: JWTPayload, oidc: OidcSettings): Principal {
  const c = oidc.claims;
  const scope = strings(p[c.scope]).join(' ');
  const base = { grants: parseScopes(scope), scope, clientId: String(p[c.clientId] ?? p.azp ?? p.sub ?? 'oidc') };
  if (typeof p[c.personnummer] === 'string') return { kind: 'citizen', personnummer: p[c.personnummer] as string, ...base };
  if (typeof p[c.hsaId] === 'string') return { kind: 'staff', hsaId: p[c.hsaId] as string, units: strings(p[c.units]), roles: strings(p[c.roles]).filter(isRole), ...base };
  return { kind: 'system', ...base };
}

const isRole = (r: string): r is StaffRole => (STAFF_ROLES as readonly string[]).includes(r);
