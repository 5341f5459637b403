/**
 * @module http/auth/smart/revoke
 * `POST /auth/revoke` (RFC 7009): an app gives up a token. Revoking either kind revokes the whole grant
 * (section 2.1: access tokens of the same grant end too), and the answer is 200 whatever the token was,
 * so the endpoint tells nothing about tokens of other clients.
 */
import type { Context } from 'hono';
import { hashOpaque } from '../../../auth/smart/secrets.js';
import type { AuthDeps } from '../deps.js';
import { authenticateApp } from '../client-auth.js';
import { formBody } from '../form.js';
import { OAuthError } from '../oauth-error.js';
import { authUrls } from '../urls.js';

export async function revoke(c: Context, deps: AuthDeps): Promise<Response> {
  const form = await formBody(c);
  const client = await authenticateApp(deps.clients, c.req.header('authorization'), form, authUrls(deps.config.baseUrl).token);
  const token = form.get('token');
  if (!token) throw new OAuthError(400, 'invalid_request', 'token is required');
  const grantId = token.includes('.') ? await accessGrant(deps, token, client.id) : await refreshGrant(deps, token, client.id);
  if (grantId) await deps.smart.revokeGrant(grantId);
  return c.body(null, 200);
}

async function accessGrant(deps: AuthDeps, token: string, clientId: string): Promise<string | undefined> {
  try {
    const p = await deps.tokens.verify(token);
    return p.clientId === clientId ? p.smart?.grantId : undefined;
  } catch {
    return undefined;
  }
}

async function refreshGrant(deps: AuthDeps, token: string, clientId: string): Promise<string | undefined> {
  const row = await deps.smart.get(hashOpaque(token), 'refresh');
  return row?.clientId === clientId ? row.grantId : undefined;
}
