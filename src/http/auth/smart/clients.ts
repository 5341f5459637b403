/**
 * @module http/auth/smart/clients
 * `/auth/clients`: the registered apps and system clients, for administrators (a system client with
 * `system/*` scopes, or staff with the administrator role). `GET` lists them (never a secret or its
 * hash); `POST` registers an app, public or with a secret returned once; `DELETE /auth/clients/{id}`
 * removes one. The same as `lots client add|list|remove` (docs/smart.md), over HTTP.
 */
import type { Context } from 'hono';
import { z } from 'zod';
import { LAUNCH_TYPES, unknownScopes } from '../../../auth/clients.js';
import { allows } from '../../../auth/scopes.js';
import type { AuthDeps } from '../deps.js';
import { OAuthError } from '../oauth-error.js';
import { bearerPrincipal } from './bearer.js';

const httpUrl = z.url({ protocol: /^https?$/ });
const registration = z.object({
  id: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'letters, digits, . _ - (at most 64)'),
  scope: z.string().trim().min(1).refine((s) => unknownScopes(s).length === 0, { message: 'not SMART scopes Lots knows' }),
  public: z.boolean().default(false),
  name: z.string().trim().min(1).max(100).optional(),
  redirect_uris: z.array(httpUrl).min(1),
  launch: z.array(z.enum(LAUNCH_TYPES)).min(1),
});

async function admin(c: Context, deps: AuthDeps): Promise<void> {
  const p = await bearerPrincipal(c, deps);
  const ok = p.kind === 'system' ? allows(p.grants, '*', 'r') && p.grants.some((g) => g.type === '*') : p.kind === 'staff' && p.roles.includes('administrator');
  if (!ok) throw new OAuthError(403, 'access_denied', 'Only administrators manage the clients');
  c.header('Cache-Control', 'no-store');
}

export async function listClients(c: Context, deps: AuthDeps): Promise<Response> {
  await admin(c, deps);
  return c.json({ clients: await deps.clients.list() });
}

export async function registerClient(c: Context, deps: AuthDeps): Promise<Response> {
  await admin(c, deps);
  const parsed = registration.safeParse(await c.req.json().catch(() => undefined));
  if (!parsed.success) throw new OAuthError(400, 'invalid_request', parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
  const r = parsed.data;
  if (await deps.clients.get(r.id)) throw new OAuthError(400, 'invalid_request', `The client "${r.id}" exists: remove it first`);
  const { secret } = await deps.clients.registerApp(r.id, r.scope, { public: r.public, redirectUris: r.redirect_uris, launchTypes: r.launch, ...(r.name ? { name: r.name } : {}) });
  const saved = (await deps.clients.list()).find((x) => x.id === r.id);
  return c.json({ ...saved, ...(secret ? { client_secret: secret } : {}) }, 201);
}

export async function removeClient(c: Context, deps: AuthDeps): Promise<Response> {
  await admin(c, deps);
  if (!(await deps.clients.remove(c.req.param('id') ?? ''))) throw new OAuthError(404, 'not_found', 'No such client');
  return c.body(null, 204);
}
