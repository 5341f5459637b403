/**
 * @module http/auth/smart/request-state
 * An authorization request in progress (login, patient picker, consent), kept server-side under a
 * random id that the pages carry in a hidden field, and bound to the browser that started it by a
 * cookie: a form posted from another browser (login CSRF, a leaked page) does not continue it.
 */
import type { Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import type { Person } from '../../../auth/smart/grant.js';
import { REQUEST_TTL_SECONDS } from '../../../auth/smart/grant.js';
import { hashOpaque, newOpaque } from '../../../auth/smart/secrets.js';
import type { AuthDeps } from '../deps.js';

const COOKIE = 'lots_authz';

export interface LaunchContext {
  patient: string;
  encounter?: string;
  unit?: string;
}

export interface AuthRequest {
  clientId: string;
  redirectUri: string;
  state?: string;
  /** The scopes asked for (all within the client's registration). */
  scope: string;
  codeChallenge: string;
  nonce?: string;
  /** The launch value (EHR launch) and the context it stands for. */
  launch?: { value: string; context: LaunchContext };
  browser: string;
  /** Logging in at the OIDC issuer: Lots' own PKCE verifier and nonce there. */
  upstream?: { verifier: string; nonce: string };
  // Filled in as the person goes on:
  person?: Person;
  authTime?: number;
  grantable?: string[];
  fhirUser?: string;
  /** The patient picker's choices; the patient chosen. */
  options?: { id: string; label: string }[];
  patient?: string;
}


/** Starts a request: returns the id the pages carry. */
export async function startRequest(c: Context, deps: AuthDeps, r: Omit<AuthRequest, 'browser'>): Promise<string> {
  let browser = getCookie(c, COOKIE);
  if (!browser || !/^[A-Za-z0-9_-]{43}$/.test(browser)) browser = newOpaque();
  setCookie(c, COOKIE, browser, { httpOnly: true, sameSite: 'Lax', path: '/auth/authorize', secure: new URL(deps.config.baseUrl).protocol === 'https:' });
  const id = newOpaque();
  await deps.smart.put(hashOpaque(id), { kind: 'request', clientId: r.clientId, data: JSON.stringify({ ...r, browser }), expiresAt: new Date(Date.now() + REQUEST_TTL_SECONDS * 1000) });
  return id;
}

/** The request a posted page continues, or undefined when it is unknown, expired, finished or from another browser. */
export async function loadRequest(c: Context, deps: AuthDeps, id: string | null): Promise<AuthRequest | undefined> {
  if (!id) return undefined;
  const row = await deps.smart.get(hashOpaque(id), 'request');
  if (!row || row.usedAt || row.expiresAt.getTime() <= Date.now()) return undefined;
  const r = JSON.parse(row.data) as AuthRequest;
  return getCookie(c, COOKIE) === r.browser ? r : undefined;
}

export async function saveRequest(deps: AuthDeps, id: string, r: AuthRequest): Promise<boolean> {
  return deps.smart.update(hashOpaque(id), JSON.stringify(r));
}

/** Ends a request (consent given or refused): true for the one call that ended it. */
export async function finishRequest(deps: AuthDeps, id: string): Promise<boolean> {
  return (await deps.smart.use(hashOpaque(id), 'request')) !== undefined;
}

/** The app's redirect URI with the answer's parameters and the caller's state, untouched. */
export function redirectTo(r: Pick<AuthRequest, 'redirectUri' | 'state'>, params: Record<string, string>): string {
  const url = new URL(r.redirectUri);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  if (r.state !== undefined) url.searchParams.set('state', r.state);
  return url.toString();
}
