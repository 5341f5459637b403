/**
 * @module http/auth/routes
 * Lots' built-in token issuer: `POST /auth/token` (client_credentials for systems), the demo login
 * `POST /auth/demo/token` that stands in for BankID (citizens, by personnummer) and SITHS (staff, by
 * HSA-id with units and roles), `GET /auth/jwks`, and the SMART configuration under the FHIR base.
 */
import type { Context, Hono } from 'hono';
import { loginEvent } from '../../auth/audit.js';
import { STAFF_ROLES, type Principal, type StaffRole } from '../../auth/principal.js';
import { find } from '../../auth/resolve-access.js';
import { narrowScopes, parseScopes } from '../../auth/scopes.js';
import type { LotsClaims } from '../../auth/tokens.js';
import { PERSONNUMMER_SYSTEM, swedishIdProblem } from '../../fhir/identifiers/personnummer.js';
import type { Organization, Patient } from '@medplum/fhirtypes';
import type { Deps } from '../../app.js';
import { authenticateClient } from './client-auth.js';
import { OAuthError } from './oauth-error.js';

export const CITIZEN_SCOPE = 'openid fhirUser launch/patient patient/*.cruds';
export const STAFF_SCOPE = 'openid fhirUser user/*.cruds';
const HSA_ID = /^SE\d{10}-[A-Za-z0-9]+$/;

export function authUrls(baseUrl: string): { issuer: string; token: string; demo: string; jwks: string } {
  const origin = new URL(baseUrl).origin;
  return { issuer: `${origin}/auth`, token: `${origin}/auth/token`, demo: `${origin}/auth/demo/token`, jwks: `${origin}/auth/jwks` };
}

export function mountAuthRoutes(app: Hono, deps: Deps): void {
  const urls = authUrls(deps.config.baseUrl);
  const wrap = (fn: (c: Context) => Promise<Response>) => async (c: Context) => {
    try {
      return await fn(c);
    } catch (err) {
      if (err instanceof OAuthError) return c.json(err.body(), err.status);
      throw err;
    }
  };

  app.get('/auth/jwks', (c) => c.json(deps.tokens.jwks()));

  app.post('/auth/token', wrap(async (c) => {
    const form = await formBody(c);
    if (form.get('grant_type') !== 'client_credentials') throw new OAuthError(400, 'unsupported_grant_type', 'Only grant_type=client_credentials is supported');
    const client = await authenticateClient(deps.db, c.req.header('authorization'), form, urls.token);
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

async function formBody(c: Context): Promise<URLSearchParams> {
  const type = c.req.header('content-type') ?? '';
  if (!type.startsWith('application/x-www-form-urlencoded')) throw new OAuthError(400, 'invalid_request', 'Send the parameters as application/x-www-form-urlencoded');
  return new URLSearchParams(await c.req.text());
}

async function citizenLogin(c: Context, deps: Deps, personnummer: string): Promise<Response> {
  const problem = swedishIdProblem(personnummer, 'personnummer');
  if (problem) throw new OAuthError(400, 'invalid_request', problem);
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

async function staffLogin(c: Context, deps: Deps, hsaId: string, units: string[], roles: string[]): Promise<Response> {
  if (!HSA_ID.test(hsaId)) throw new OAuthError(400, 'invalid_request', 'hsa_id must look like SE2321000065-P000000123456');
  if (units.length === 0) throw new OAuthError(400, 'invalid_request', 'Give at least one unit (an Organization id, e.g. Organization/abc)');
  const bad = roles.filter((r) => !(STAFF_ROLES as readonly string[]).includes(r));
  if (roles.length === 0 || bad.length) throw new OAuthError(400, 'invalid_request', `role must be one or more of ${STAFF_ROLES.join(', ')}`);
  const unitRefs = units.map((u) => (u.startsWith('Organization/') ? u : `Organization/${u}`));
  const ids = unitRefs.map((u) => u.slice('Organization/'.length));
  const badId = ids.find((id) => !/^[A-Za-z0-9.-]{1,64}$/.test(id));
  if (badId !== undefined) throw new OAuthError(400, 'invalid_request', `unit "${badId}" is not an Organization id`);
  const found = new Set((await find<Organization>(deps.lookup, 'Organization', [['_id', ids.join(',')]], ids.length)).map((o) => o.id));
  const missing = unitRefs.filter((_, i) => !found.has(ids[i]));
  if (missing.length) throw new OAuthError(400, 'invalid_request', `No such unit on this server: ${missing.join(', ')} (units are Organization ids, e.g. vc-centrum after npm run seed)`);
  const claims: LotsClaims = { sub: `hsa:${hsaId}`, scope: STAFF_SCOPE, client_id: 'lots-demo', lots_kind: 'staff', hsa_id: hsaId, units: unitRefs, roles };
  const principal: Principal = { kind: 'staff', hsaId, units: unitRefs, roles: roles as StaffRole[], grants: parseScopes(STAFF_SCOPE), scope: STAFF_SCOPE, clientId: 'lots-demo' };
  return tokenResponse(c, deps, claims, principal);
}

async function tokenResponse(c: Context, deps: Deps, claims: LotsClaims, principal: Principal, patientId?: string, notice?: string): Promise<Response> {
  const ttl = deps.config.auth.tokenTtlSeconds;
  const token = await deps.tokens.issue(claims, ttl);
  deps.audit.push([loginEvent(principal, patientId ? `Patient/${patientId}` : undefined)]);
  const body: Record<string, unknown> = { access_token: token, token_type: 'Bearer', expires_in: ttl, scope: claims.scope };
  if (patientId) body.patient = patientId;
  if (notice) body.notice = notice;
  c.header('Cache-Control', 'no-store');
  return c.json(body);
}
