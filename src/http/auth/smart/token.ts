/**
 * @module http/auth/smart/token
 * The token endpoint's SMART grants: `authorization_code` (with the PKCE verifier) and `refresh_token`
 * (rotated at each use). https://build.fhir.org/ig/HL7/smart-app-launch/app-launch.html#obtain-access-token
 * A code or refresh token presented a second time is the sign of a stolen one (RFC 6749 section 10.5,
 * OAuth 2.0 Security BCP section 4.14): the whole grant is revoked, tokens already issued included.
 */
import { authStepEvent } from '../../../auth/audit.js';
import type { Client } from '../../../auth/clients.js';
import { wantsRefresh } from '../../../auth/smart/consent-scopes.js';
import { accessClaims, idTokenClaims, narrowed, principalOf, REFRESH_TTL_SECONDS, type GrantData } from '../../../auth/smart/grant.js';
import { hashOpaque, newOpaque, pkceMatches } from '../../../auth/smart/secrets.js';
import type { StoredSecret } from '../../../auth/smart/store.js';
import { narrowScopes } from '../../../auth/scopes.js';
import type { AuthDeps } from '../deps.js';
import { OAuthError } from '../oauth-error.js';
import type { CodeData } from './code.js';

interface RefreshData {
  grant: GrantData;
}

export async function authorizationCodeGrant(deps: AuthDeps, client: Client, form: URLSearchParams): Promise<Record<string, unknown>> {
  const row = await useOnce(deps, client, form.get('code'), 'code');
  const data = JSON.parse(row.data) as CodeData;
  const fail = (err: OAuthError): never => {
    deps.audit.push([authStepEvent({ step: 'token', clientId: client.id, principal: principalOf(data.grant.person, data.grant.scope, client.id), success: false })]);
    throw err;
  };
  if (form.get('redirect_uri') !== data.redirectUri) fail(new OAuthError(400, 'invalid_grant', 'redirect_uri must be the one the code was asked for'));
  const verifier = form.get('code_verifier');
  if (!verifier) fail(new OAuthError(400, 'invalid_request', 'code_verifier is required (PKCE)'));
  if (!pkceMatches(verifier!, data.codeChallenge)) fail(new OAuthError(400, 'invalid_grant', 'code_verifier does not match the code_challenge'));
  return issueTokens(deps, client.id, row.grantId!, data.grant);
}

export async function refreshTokenGrant(deps: AuthDeps, client: Client, form: URLSearchParams): Promise<Record<string, unknown>> {
  const asked = form.get('scope')?.split(/\s+/).filter(Boolean) ?? [];
  if (asked.length) {
    // Checked before the token is used, so an app that asks too much keeps its refresh token.
    const seen = await deps.smart.get(hashOpaque(form.get('refresh_token') ?? ''), 'refresh');
    const granted = seen ? (JSON.parse(seen.data) as RefreshData).grant.scope : '';
    const within = narrowScopes(asked.join(' '), granted).split(' ').filter(Boolean);
    if (seen && within.length !== asked.length) throw new OAuthError(400, 'invalid_scope', `A refresh may ask for the granted scopes or fewer: ${granted}`);
  }
  const row = await useOnce(deps, client, form.get('refresh_token'), 'refresh');
  const { grant } = JSON.parse(row.data) as RefreshData;
  return issueTokens(deps, client.id, row.grantId!, asked.length ? narrowed(grant, asked.join(' ')) : grant);
}

/** Uses a code or refresh token once; a second use revokes its grant. */
async function useOnce(deps: AuthDeps, client: Client, secret: string | null, kind: 'code' | 'refresh'): Promise<StoredSecret> {
  const name = kind === 'code' ? 'code' : 'refresh_token';
  if (!secret) throw new OAuthError(400, 'invalid_request', `${name} is required`);
  const hash = hashOpaque(secret);
  const row = await deps.smart.use(hash, kind);
  if (!row) {
    const seen = await deps.smart.get(hash, kind);
    if (seen?.usedAt && seen.grantId && seen.clientId === client.id) {
      await deps.smart.revokeGrant(seen.grantId);
      deps.audit.push([authStepEvent({ step: 'token', clientId: client.id, success: false })]);
      throw new OAuthError(400, 'invalid_grant', `The ${name} was used before: every token issued from it is now revoked`);
    }
    throw new OAuthError(400, 'invalid_grant', `The ${name} is unknown or has expired`);
  }
  if (row.clientId !== client.id) throw new OAuthError(400, 'invalid_grant', `The ${name} was issued to another client`);
  if (row.grantRevoked) throw new OAuthError(400, 'invalid_grant', 'The grant was revoked: the person must log in again');
  return row;
}

/** The token response (SMART App Launch 2: launch context, id_token, refresh token). */
async function issueTokens(deps: AuthDeps, clientId: string, grantId: string, grant: GrantData): Promise<Record<string, unknown>> {
  const ttl = deps.config.auth.tokenTtlSeconds;
  const body: Record<string, unknown> = {
    access_token: await deps.tokens.issue(accessClaims(grant, clientId, grantId), ttl),
    token_type: 'Bearer',
    expires_in: ttl,
    scope: grant.scope,
  };
  if (grant.patient) Object.assign(body, { patient: grant.patient, need_patient_banner: grant.needPatientBanner });
  if (grant.encounter) body.encounter = grant.encounter;
  body.smart_style_url = `${new URL(deps.config.baseUrl).origin}/auth/smart-style.json`;
  const id = idTokenClaims(grant);
  if (id) body.id_token = await deps.tokens.idToken(id, clientId, ttl);
  const refresh = wantsRefresh(grant.scope.split(' '));
  if (refresh) {
    const token = newOpaque();
    const data: RefreshData = { grant };
    await deps.smart.put(hashOpaque(token), { kind: 'refresh', grantId, clientId, data: JSON.stringify(data), expiresAt: new Date(Date.now() + REFRESH_TTL_SECONDS[refresh] * 1000) });
    body.refresh_token = token;
  }
  deps.audit.push([authStepEvent({ step: 'token', clientId, principal: principalOf(grant.person, grant.scope, clientId), ...(grant.patient ? { patient: `Patient/${grant.patient}` } : {}), success: true })]);
  return body;
}
