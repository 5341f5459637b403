/**
 * @module http/auth/smart/upstream
 * The person logs in at the region's OIDC issuer (the real BankID/SITHS broker) instead of the demo
 * page, when LOTS_OIDC_LOGIN_CLIENT is set: Lots is then a client of that issuer, with the authorization
 * code flow and PKCE of its own (OpenID Connect Core section 3.1). The id_token's claims are mapped to a
 * citizen or staff member by the same settings as the issuer's access tokens (LOTS_OIDC_CLAIM_*).
 * `state` is the id of the authorization request in progress, which the cookie binds to the browser.
 * The issuer's code is bound to Lots' own PKCE verifier (its S256 challenge is `hashOpaque(verifier)`).
 */
import type { Context } from 'hono';
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import type { Person } from '../../../auth/smart/grant.js';
import { hashOpaque, newOpaque } from '../../../auth/smart/secrets.js';
import type { AuthDeps } from '../deps.js';
import { citizenIdentity, staffIdentity } from '../demo-identity.js';
import { OAuthError } from '../oauth-error.js';
import type { AuthRequest } from './request-state.js';

type Login = NonNullable<NonNullable<AuthDeps['config']['auth']['oidc']>['login']>;

export const callbackUrl = (deps: AuthDeps): string => `${new URL(deps.config.baseUrl).origin}/auth/authorize/callback`;

/** Lots' PKCE verifier and nonce at the issuer, kept in the request. */
export const newUpstream = (): NonNullable<AuthRequest['upstream']> => ({ verifier: newOpaque(), nonce: newOpaque() });

/** The issuer's login page for request `id`. */
export function loginUrl(deps: AuthDeps, login: Login, id: string, upstream: NonNullable<AuthRequest['upstream']>): string {
  const url = new URL(login.authorizationUrl);
  const params = {
    response_type: 'code',
    client_id: login.clientId,
    redirect_uri: callbackUrl(deps),
    scope: 'openid',
    state: id,
    nonce: upstream.nonce,
    code_challenge: hashOpaque(upstream.verifier),
    code_challenge_method: 'S256',
  };
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return url.toString();
}

const keySets = new Map<string, ReturnType<typeof createRemoteJWKSet>>();

/** Exchanges the issuer's code and maps its verified id_token to a person (OAuthError when unusable). */
export async function personFromIssuer(deps: AuthDeps, login: Login, code: string, r: AuthRequest): Promise<Person> {
  const oidc = deps.config.auth.oidc!;
  const res = await fetch(login.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${encodeURIComponent(login.clientId)}:${encodeURIComponent(login.clientSecret)}`).toString('base64')}` },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: callbackUrl(deps), code_verifier: r.upstream!.verifier }).toString(),
  });
  const body = (await res.json().catch(() => ({}))) as { id_token?: string };
  if (!res.ok || !body.id_token) throw new OAuthError(400, 'access_denied', `The identity provider refused the login (${res.status})`);
  let claims: JWTPayload;
  try {
    let keys = keySets.get(oidc.jwksUrl);
    if (!keys) keySets.set(oidc.jwksUrl, (keys = createRemoteJWKSet(new URL(oidc.jwksUrl))));
    ({ payload: claims } = await jwtVerify(body.id_token, keys, { issuer: oidc.issuer, audience: login.clientId }));
  } catch (err) {
    throw new OAuthError(400, 'access_denied', `The identity provider's id_token does not verify: ${(err as Error).message}`);
  }
  if (claims.nonce !== r.upstream!.nonce) throw new OAuthError(400, 'access_denied', "The identity provider's id_token is not for this login (nonce)");
  const c = oidc.claims;
  const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? v.split(/[ ,]+/).filter(Boolean) : []);
  if (typeof claims[c.personnummer] === 'string') return citizenIdentity(claims[c.personnummer] as string);
  if (typeof claims[c.hsaId] === 'string') return staffIdentity(deps.lookup, claims[c.hsaId] as string, strings(claims[c.units]), strings(claims[c.roles]));
  throw new OAuthError(400, 'access_denied', `The identity provider named neither a personnummer (${c.personnummer}) nor an HSA-id (${c.hsaId})`);
}

/** Reads the callback's query: the request id (state) and the code, or the issuer's error. */
export function callbackParams(c: Context): { state: string; code?: string; error?: string } {
  const q = new URL(c.req.url).searchParams;
  return { state: q.get('state') ?? '', ...(q.get('code') ? { code: q.get('code')! } : {}), ...(q.get('error') ? { error: q.get('error')! } : {}) };
}
