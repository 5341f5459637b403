/**
 * @module http/auth/smart
 * SMART App Launch on Lots' own issuer (docs/smart.md): the authorization endpoint and its pages, EHR
 * launch contexts, token introspection and revocation, OpenID discovery and the app registry listing.
 * The token endpoint's code and refresh grants are in token.ts, mounted by http/auth/routes.ts.
 */
import type { Hono } from 'hono';
import type { AuthDeps } from '../deps.js';
import { oauthErrors } from '../form.js';
import { appLogin } from '../urls.js';
import { mountAuthorize } from './authorize.js';
import { listClients, registerClient, removeClient } from './clients.js';
import { openidConfiguration, SMART_STYLE } from './discovery.js';
import { introspect } from './introspect.js';
import { createLaunch } from './launch.js';
import { revoke } from './revoke.js';

export function mountSmart(app: Hono, deps: AuthDeps): void {
  mountAuthorize(app, deps);
  app.post('/auth/launch', oauthErrors((c) => createLaunch(c, deps)));
  app.post('/auth/introspect', oauthErrors((c) => introspect(c, deps)));
  app.post('/auth/revoke', oauthErrors((c) => revoke(c, deps)));
  app.get('/auth/clients', oauthErrors((c) => listClients(c, deps)));
  app.post('/auth/clients', oauthErrors((c) => registerClient(c, deps)));
  app.delete('/auth/clients/:id', oauthErrors((c) => removeClient(c, deps)));
  // The issuer is <origin>/auth, so discovery is below it (OpenID Connect Discovery section 4); the
  // origin's well-known path answers the same for clients that look there.
  for (const path of ['/auth/.well-known/openid-configuration', '/.well-known/openid-configuration']) {
    app.get(path, (c) => c.json(openidConfiguration(deps.config.baseUrl, appLogin(deps.config))));
  }
  app.get('/auth/smart-style.json', (c) => c.json(SMART_STYLE));
}
