/**
 * @module http/auth/routes
 * Lots' built-in token issuer: `POST /auth/token` (client_credentials for systems), the demo login
 * `POST /auth/demo/token` that stands in for BankID (citizens, by personnummer) and SITHS (staff, by
 * HSA-id with units and roles), `GET /auth/jwks`, and the SMART configuration under the FHIR base.
 */
import type { Context, Hono } from 'hono';
import { loginEvent } from '../../auth/audit.js';
import type { Principal } from '../../auth/principal.js';
import { find } from '../../auth/resolve-access.js';
import { narrowScopes, parseScopes } from '../../auth/scopes.js';
import type { LotsClaims } from '../../auth/tokens.js';
import { PERSONNUMMER_SYSTEM } from '../../fhir/identifiers/personnummer.js';
import type { Patient } from '@medplum/fhirtypes';
import type { AuthDeps } from './deps.js';
import { authenticateApp, authenticateClient } from './client-auth.js';
import { authorizationCodeGrant, refreshTokenGrant } from './smart/token.js';
import { citizenIdentity, staffIdentity } from './demo-identity.js';
import { formBody, oauthErrors } from './form.js';
import { OAuthError } from './oauth-error.js';
import { authUrls } from './urls.js';
import { mountSmart } from './smart/index.js';

export const CITIZEN_SCOPE = 'openid fhirUser launch/patient patient/*.cruds';
export const STAFF_SCOPE = 'openid fhirUser user/*.cruds';

export { authUrls } from './urls.js';

export function mountAuthRoutes(app: Hono, deps: AuthDeps): void {
  const urls = authUrls(deps.config.baseUrl);
  const wrap = oauthErrors;
  mountSmart(app, deps);

  app.get('/auth/jwks', (c) => c.json(deps.tokens.jwks()));

  app.post('/auth/token', wrap(async (c) => {
    const form = await formBody(c);
    const grantType = form.get('grant_type');
    if (grantType === 'authorization_code' || grantType === 'refresh_token') {
      const app = await authenticateApp(deps.clients, c.req.header('authorization'), form, urls.token);
      c.header('Cache-Control', 'no-store');
      return c.json(await (grantType === 'authorization_code' ? authorizationCodeGrant : refreshTokenGrant)(deps, app, form));
    }
    if (grantType !== 'client_credentials') throw new OAuthError(400, 'unsupported_grant_type', 'grant_type must be client_credentials, authorization_code or refresh_token');
    const client = await authenticateClient(deps.clients, c.req.header('authorization'), form, urls.token);
    const requested = form.get('scope');
    const scope = requested ? narrowScopes(requested, client.scope) : client.scope;
    if (!scope) throw new OAuthError(400, 'invalid_scope', `None of the requested scopes is allowed for this client (allowed: ${client.scope})`);
    const claims: LotsClaims = { sub: client.id, scope, client_id: client.id, lots_kind: 'system' };
    return tokenResponse(c, deps, claims, { kind: 'system', grants: parseScopes(scope), scope, clientId: client.id });
  }));

  app.post('/auth/demo/token', wrap(async (c) => {
    if (!deps.config.auth.demoLogin) throw new OAuthError(404, 'not_found', 'The demo login is switched off (LOTS_DEMO_LOGIN=off)');
    const form = await formBody(c);
    const personnummer = form.get('personnummer');
    if (personnummer) return citizenLogin(c, deps, personnummer);
    const hsaId = form.get('hsa_id');
    if (hsaId) return staffLogin(c, deps, hsaId, form.getAll('unit'), form.getAll('role'));
    throw new OAuthError(400, 'invalid_request', 'Give personnummer (a citizen) or hsa_id with unit and role (staff)');
  }));
}


async function citizenLogin(c: Context, deps: AuthDeps, personnummer: string): Promise<Response> {
  citizenIdentity(personnummer);
  const [patient] = await find<Patient>(deps.lookup, 'Patient', [['identifier', `${PERSONNUMMER_SYSTEM}|${personnummer}`]], 1);
  const claims: LotsClaims = { sub: `personnummer:${personnummer}`, scope: CITIZEN_SCOPE, client_id: 'lots-demo', lots_kind: 'citizen', personnummer };
  if (patient) {
    claims.patient = patient.id!;
    claims.fhirUser = `Patient/${patient.id}`;
  }
  const principal: Principal = { kind: 'citizen', personnummer, grants: parseScopes(CITIZEN_SCOPE), scope: CITIZEN_SCOPE, clientId: 'lots-demo' };
  // Not an error (a citizen may log in before their record exists), but said, so that empty results
  // are not a puzzle.
  const notice = patient ? undefined : 'No Patient on this server has this personnummer: the token works, but every search of the own record will be empty until such a Patient exists (the demo citizens come with npm run seed)';
  return tokenResponse(c, deps, claims, principal, patient?.id, notice);
}

async function staffLogin(c: Context, deps: AuthDeps, hsaId: string, units: string[], roles: string[]): Promise<Response> {
  const staff = await staffIdentity(deps.lookup, hsaId, units, roles);
  const claims: LotsClaims = { sub: `hsa:${hsaId}`, scope: STAFF_SCOPE, client_id: 'lots-demo', lots_kind: 'staff', hsa_id: hsaId, units: staff.units, roles: staff.roles };
  const principal: Principal = { kind: 'staff', hsaId, units: staff.units, roles: staff.roles, grants: parseScopes(STAFF_SCOPE), scope: STAFF_SCOPE, clientId: 'lots-demo' };
  return tokenResponse(c, deps, claims, principal);
}

async function tokenResponse(c: Context, deps: AuthDeps, claims: LotsClaims, principal: Principal, patientId?: string, notice?: string): Promise<Response> {
  const ttl = deps.config.auth.tokenTtlSeconds;
  const token = await deps.tokens.issue(claims, ttl);
  deps.audit.push([loginEvent(principal, patientId ? `Patient/${patientId}` : undefined)]);
  const body: Record<string, unknown> = { access_token: token, token_type: 'Bearer', expires_in: ttl, scope: claims.scope };
  if (patientId) body.patient = patientId;
  if (notice) body.notice = notice;
  c.header('Cache-Control', 'no-store');
  return c.json(body);
}
