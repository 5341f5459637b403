/**
 * @module http/auth/smart/clients
 * `GET /auth/clients`: the registered apps and system clients (never a secret or its hash), for
 * administrators: a system client that may read everything, or staff with the administrator role.
 * Registering is `lots client add` (docs/smart.md).
 */
import type { Context } from 'hono';
import { allows } from '../../../auth/scopes.js';
import type { AuthDeps } from '../deps.js';
import { OAuthError } from '../oauth-error.js';
import { bearerPrincipal } from './bearer.js';

export async function listClients(c: Context, deps: AuthDeps): Promise<Response> {
  const p = await bearerPrincipal(c, deps);
  const admin = p.kind === 'system' ? allows(p.grants, '*', 'r') && p.grants.some((g) => g.type === '*') : p.kind === 'staff' && p.roles.includes('administrator');
  if (!admin) throw new OAuthError(403, 'access_denied', 'Only administrators list the clients');
  c.header('Cache-Control', 'no-store');
  return c.json({ clients: await deps.clients.list() });
}
