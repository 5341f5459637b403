/**
 * @module http/auth/smart/bearer
 * The caller of Lots' own management endpoints (`/auth/launch`, `/auth/clients`), by its bearer token.
 */
import type { Context } from 'hono';
import type { Principal } from '../../../auth/principal.js';
import { FhirError } from '../../../fhir/error.js';
import type { AuthDeps } from '../deps.js';
import { OAuthError } from '../oauth-error.js';

export async function bearerPrincipal(c: Context, deps: AuthDeps): Promise<Principal> {
  const m = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '');
  if (!m) throw new OAuthError(401, 'invalid_token', 'This endpoint needs an access token: Authorization: Bearer <token>');
  try {
    const principal = await deps.tokens.verify(m[1]!);
    if (principal.smart && (await deps.smart.isRevoked(principal.smart.grantId))) throw new OAuthError(401, 'invalid_token', 'The access token was revoked');
    return principal;
  } catch (err) {
    if (err instanceof FhirError) throw new OAuthError(401, 'invalid_token', err.message);
    throw err;
  }
}
