/**
 * @module http/auth/smart/introspect
 * `POST /auth/introspect` (RFC 7662): a resource server beside Lots, authenticated as a confidential
 * client, asks whether a token is active and what it carries. Anything unusable is `{"active": false}`.
 */
import type { Context } from 'hono';
import { decodeJwt } from 'jose';
import { hashOpaque } from '../../../auth/smart/secrets.js';
import type { GrantData } from '../../../auth/smart/grant.js';
import { subjectOf } from '../../../auth/smart/grant.js';
import type { AuthDeps } from '../deps.js';
import { authenticateClient } from '../client-auth.js';
import { formBody } from '../form.js';
import { OAuthError } from '../oauth-error.js';
import { authUrls } from '../urls.js';

export async function introspect(c: Context, deps: AuthDeps): Promise<Response> {
  const form = await formBody(c);
  await authenticateClient(deps.clients, c.req.header('authorization'), form, authUrls(deps.config.baseUrl).token);
  const token = form.get('token');
  if (!token) throw new OAuthError(400, 'invalid_request', 'token is required');
  c.header('Cache-Control', 'no-store');
  return c.json(token.includes('.') ? await accessToken(deps, token) : await refreshToken(deps, token));
}

async function accessToken(deps: AuthDeps, token: string): Promise<Record<string, unknown>> {
  let principal;
  try {
    principal = await deps.tokens.verify(token);
  } catch {
    return { active: false };
  }
  if (principal.smart && (await deps.smart.isRevoked(principal.smart.grantId))) return { active: false };
  const claims = decodeJwt(token);
  const pick = ['sub', 'exp', 'iat', 'iss', 'aud', 'patient', 'fhirUser'] as const;
  return { active: true, token_type: 'Bearer', scope: principal.scope, client_id: principal.clientId, ...Object.fromEntries(pick.filter((k) => claims[k] !== undefined).map((k) => [k, claims[k]])) };
}

async function refreshToken(deps: AuthDeps, token: string): Promise<Record<string, unknown>> {
  const row = await deps.smart.get(hashOpaque(token), 'refresh');
  if (!row || row.usedAt || row.grantRevoked || row.expiresAt.getTime() <= Date.now()) return { active: false };
  const { grant } = JSON.parse(row.data) as { grant: GrantData };
  return {
    active: true,
    token_type: 'refresh_token',
    scope: grant.scope,
    client_id: row.clientId,
    sub: subjectOf(grant.person),
    exp: Math.floor(row.expiresAt.getTime() / 1000),
    ...(grant.patient ? { patient: grant.patient } : {}),
  };
}
