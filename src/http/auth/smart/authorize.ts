/**
 * @module http/auth/smart/authorize
 * The authorization endpoint of SMART App Launch (authorization code with PKCE):
 * https://build.fhir.org/ig/HL7/smart-app-launch/app-launch.html#obtain-authorization-code
 * `GET /auth/authorize` checks the app's request and shows the login page; the person then logs in
 * (`POST /auth/authorize/login`), picks a patient when there is a choice (`.../patient`) and consents
 * (`.../consent`), and the browser goes back to the app with `code` and `state`.
 * Errors (RFC 6749 section 4.1.2.1): an unknown client or a redirect URI not registered for it is shown
 * to the person and never redirected; every other error goes to the redirect URI with `error`.
 */
import type { Context, Hono } from 'hono';
import type { Client } from '../../../auth/clients.js';
import { authStepEvent } from '../../../auth/audit.js';
import { describeScope, grantableScopes, isOptional, needsPatient, scopesBeyondClient } from '../../../auth/smart/consent-scopes.js';
import { principalOf, LAUNCH_TTL_SECONDS, type Person } from '../../../auth/smart/grant.js';
import { hashOpaque, isCodeChallenge } from '../../../auth/smart/secrets.js';
import { citizenIdentity, staffIdentity } from '../demo-identity.js';
import type { AuthDeps } from '../deps.js';
import { OAuthError, type OAuthErrorCode } from '../oauth-error.js';
import { issueCode } from './code.js';
import { consentPage, errorPage, loginPage, pickerPage, type Html } from './pages.js';
import { fhirUserOf, mayReach, patientOptions } from './patient-context.js';
import { loginUrl, newUpstream, personFromIssuer } from './upstream.js';
import { appLogin } from '../urls.js';
import { finishRequest, loadRequest, redirectTo, saveRequest, startRequest, type AuthRequest, type LaunchContext } from './request-state.js';

/** An error for the app, sent to its (checked) redirect URI. */
class RedirectError extends Error {
  constructor(
    readonly code: OAuthErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export function mountAuthorize(app: Hono, deps: AuthDeps): void {
  app.get('/auth/authorize', (c) => start(c, deps));
  app.post('/auth/authorize/login', (c) => step(c, deps, login));
  app.get('/auth/authorize/callback', (c) => step(c, deps, callback));
  app.post('/auth/authorize/patient', (c) => step(c, deps, pickPatient));
  app.post('/auth/authorize/consent', (c) => step(c, deps, consent));
}

async function start(c: Context, deps: AuthDeps): Promise<Response> {
  const q = new URL(c.req.url).searchParams;
  const client = await deps.clients.get(q.get('client_id') ?? '');
  if (!client) return show(c, errorPage('Appen är inte registrerad i Lots (okänt client_id).'), 400);
  const redirectUri = q.get('redirect_uri') ?? '';
  if (!client.redirectUris.includes(redirectUri)) return show(c, errorPage('Appens adress för att komma tillbaka (redirect_uri) är inte registrerad för appen.'), 400);
  const state = q.get('state') ?? undefined;
  try {
    const request: Omit<AuthRequest, 'browser'> = { ...(await checkRequest(deps, client, q)), redirectUri, ...(state !== undefined ? { state } : {}) };
    const login = deps.config.auth.oidc?.login;
    if (!login) return show(c, loginPage({ request: await startRequest(c, deps, request), app: client.name ?? client.id }));
    // A real identity provider is configured: the person logs in there, not on the demo page.
    const upstream = newUpstream();
    return c.redirect(loginUrl(deps, login, await startRequest(c, deps, { ...request, upstream }), upstream), 302);
  } catch (err) {
    if (err instanceof RedirectError) return c.redirect(redirectTo({ redirectUri, ...(state !== undefined ? { state } : {}) }, { error: err.code, error_description: err.message }), 302);
    throw err;
  }
}

async function checkRequest(deps: AuthDeps, client: Client, q: URLSearchParams): Promise<Omit<AuthRequest, 'browser' | 'redirectUri' | 'state'>> {
  if (q.get('response_type') !== 'code') throw new RedirectError('unsupported_response_type', 'response_type must be code');
  const launch = q.get('launch');
  const launchType = launch ? 'ehr' : 'standalone';
  if (!client.launchTypes.includes(launchType)) throw new RedirectError('unauthorized_client', `This app is not registered for the ${launchType} launch`);
  const challenge = q.get('code_challenge');
  if (q.get('code_challenge_method') !== 'S256' || !challenge || !isCodeChallenge(challenge)) {
    throw new RedirectError('invalid_request', 'PKCE is required: code_challenge (43 characters, base64url of SHA-256) with code_challenge_method=S256');
  }
  if (trimSlash(q.get('aud') ?? '') !== deps.config.baseUrl) throw new RedirectError('invalid_request', `aud must be this FHIR server: ${deps.config.baseUrl}`);
  const scope = (q.get('scope') ?? '').trim();
  if (!scope) throw new RedirectError('invalid_scope', 'Ask for at least one scope');
  const beyond = scopesBeyondClient(scope, client.scope);
  if (beyond.length) throw new RedirectError('invalid_scope', `This app may not ask for: ${beyond.join(' ')}`);
  // No real identity provider is wired to this page yet: without the demo there is no way to log in.
  if (!appLogin(deps.config)) throw new RedirectError('temporarily_unavailable', 'No login is available: the demo login is off (LOTS_DEMO_LOGIN=off) and no identity provider is configured for apps (LOTS_OIDC_LOGIN_CLIENT)');
  const nonce = q.get('nonce');
  return {
    clientId: client.id,
    scope,
    codeChallenge: challenge,
    ...(nonce ? { nonce } : {}),
    ...(launch ? { launch: { value: launch, context: await launchContext(deps, client.id, launch) } } : {}),
  };
}

const trimSlash = (s: string): string => s.replace(/\/+$/, '');

async function launchContext(deps: AuthDeps, clientId: string, launch: string): Promise<LaunchContext> {
  const row = await deps.smart.get(hashOpaque(launch), 'launch');
  if (!row || row.usedAt || row.expiresAt.getTime() <= Date.now() || (row.clientId && row.clientId !== clientId)) {
    throw new RedirectError('invalid_request', `The launch value is unknown, used or older than ${LAUNCH_TTL_SECONDS / 60} minutes: launch the app from the EHR again`);
  }
  return JSON.parse(row.data) as LaunchContext;
}

type Step = (c: Context, deps: AuthDeps, id: string, r: AuthRequest, form: URLSearchParams) => Promise<Response>;

/** A posted page: the request it continues, and errors for the app sent to its redirect URI. */
async function step(c: Context, deps: AuthDeps, fn: Step): Promise<Response> {
  const form = c.req.method === 'GET' ? new URL(c.req.url).searchParams : new URLSearchParams(await c.req.text());
  // The issuer's callback carries the request id as its state.
  const id = form.get('request') ?? form.get('state') ?? '';
  const r = await loadRequest(c, deps, id);
  if (!r) return show(c, errorPage('Inloggningen har gått ut eller startades i en annan webbläsare. Starta om från appen.'), 400);
  try {
    return await fn(c, deps, id, r, form);
  } catch (err) {
    if (!(err instanceof RedirectError)) throw err;
    await finishRequest(deps, id);
    return c.redirect(redirectTo(r, { error: err.code, error_description: err.message }), 302);
  }
}

const login: Step = async (c, deps, id, r, form) => {
  const client = (await deps.clients.get(r.clientId))!;
  if (r.upstream) return show(c, errorPage('Logga in via identitetsleverantören.'), 400);
  let person: Person;
  try {
    person = form.get('kind') === 'staff' ? await staffIdentity(deps.lookup, form.get('hsa_id') ?? '', form.getAll('unit').filter(Boolean), form.getAll('role')) : citizenIdentity(form.get('personnummer') ?? '');
  } catch (err) {
    if (!(err instanceof OAuthError)) throw err;
    deps.audit.push([authStepEvent({ step: 'login', clientId: r.clientId, success: false })]);
    return show(c, loginPage({ request: id, app: client.name ?? client.id, error: err.message }), 400);
  }
  return loggedIn(c, deps, id, r, person, client);
};

/** The issuer sends the person back: its code becomes a verified person, or the app hears access_denied. */
const callback: Step = async (c, deps, id, r, query) => {
  const login = deps.config.auth.oidc?.login;
  const code = query.get('code');
  if (!login || !r.upstream || r.person) return show(c, errorPage('Inloggningen är redan gjord eller startades inte här.'), 400);
  if (!code) throw new RedirectError('access_denied', `The identity provider did not log the person in (${query.get('error') ?? 'no code'})`);
  let person: Person;
  try {
    person = await personFromIssuer(deps, login, code, r);
  } catch (err) {
    if (!(err instanceof OAuthError)) throw err;
    deps.audit.push([authStepEvent({ step: 'login', clientId: r.clientId, success: false })]);
    throw new RedirectError('access_denied', err.message);
  }
  return loggedIn(c, deps, id, r, person, (await deps.clients.get(r.clientId))!);
};

async function loggedIn(c: Context, deps: AuthDeps, id: string, r: AuthRequest, person: Person, client: Client): Promise<Response> {
  const grantable = grantableScopes(r.scope, client.scope, person.kind, person.kind === 'staff' ? person.roles : []);
  deps.audit.push([authStepEvent({ step: 'login', clientId: r.clientId, principal: principalOf(person, grantable.join(' '), r.clientId), success: true })]);
  const next: AuthRequest = { ...r, person, authTime: Math.floor(Date.now() / 1000), grantable };
  const fhirUser = await fhirUserOf(deps, person);
  if (fhirUser) next.fhirUser = fhirUser;
  if (r.launch) {
    if (!(await mayReach(deps, person, r.launch.context.patient, r.clientId))) throw new RedirectError('access_denied', 'The person logged in may not see the patient the app was launched for');
    next.patient = r.launch.context.patient;
  } else if (needsPatient(grantable)) {
    const options = await patientOptions(deps, person, r.clientId);
    if (!options.length) throw new RedirectError('access_denied', 'There is no patient record this person may open');
    if (options.length > 1 || person.kind === 'staff') {
      await saveRequest(deps, id, { ...next, options });
      return show(c, pickerPage({ request: id, app: client.name ?? client.id, options, guardian: person.kind === 'citizen', demo: !r.upstream }));
    }
    next.patient = options[0]!.id;
  }
  return showConsent(c, deps, id, next, client);
}

const pickPatient: Step = async (c, deps, id, r, form) => {
  const chosen = form.get('patient');
  const client = (await deps.clients.get(r.clientId))!;
  if (!r.person || !r.options) return show(c, errorPage('Logga in först.'), 400);
  // Only a listed choice: a child of 13 or more, or anyone else, is refused even if posted by hand.
  if (!chosen || !r.options.some((o) => o.id === chosen)) return show(c, errorPage('Du kan inte öppna appen för den patienten.'), 403);
  return showConsent(c, deps, id, { ...r, patient: chosen }, client);
};

async function showConsent(c: Context, deps: AuthDeps, id: string, r: AuthRequest, client: Client): Promise<Response> {
  await saveRequest(deps, id, r);
  const kind = r.person!.kind;
  const label = r.patient && r.options ? r.options.find((o) => o.id === r.patient)?.label : undefined;
  const scopes = (r.grantable ?? []).map((scope) => ({ scope, text: describeScope(scope, kind), optional: isOptional(scope) }));
  return show(c, consentPage({ request: id, app: client.name ?? client.id, who: label ? `för ${label.replace(/^Du själv: /, '')}` : 'för dig', scopes, demo: !r.upstream }));
}

const consent: Step = async (c, deps, id, r, form) => {
  if (!r.person || !r.grantable || (needsPatient(r.grantable) && !r.patient)) return show(c, errorPage('Logga in och välj patient först.'), 400);
  const principal = principalOf(r.person, r.grantable.join(' '), r.clientId);
  const patient = r.patient ? `Patient/${r.patient}` : undefined;
  if (form.get('decision') !== 'allow') {
    deps.audit.push([authStepEvent({ step: 'consent', clientId: r.clientId, principal, ...(patient ? { patient } : {}), success: false })]);
    throw new RedirectError('access_denied', 'The person did not allow the app access');
  }
  if (!(await finishRequest(deps, id))) return show(c, errorPage('Inloggningen är redan avslutad. Starta om från appen.'), 400);
  if (r.launch && !(await deps.smart.use(hashOpaque(r.launch.value), 'launch'))) throw new RedirectError('invalid_request', 'The launch value was used already: launch the app from the EHR again');
  const code = await issueCode(deps, r, form.getAll('scope'));
  deps.audit.push([authStepEvent({ step: 'consent', clientId: r.clientId, principal, ...(patient ? { patient } : {}), success: true })]);
  return c.redirect(redirectTo(r, { code }), 302);
};

async function show(c: Context, body: Html, status: 200 | 400 | 403 = 200): Promise<Response> {
  c.header('Cache-Control', 'no-store');
  // The pages are not to be framed by another site (clickjacking a consent).
  c.header('X-Frame-Options', 'DENY');
  // No form-action: Chromium applies it to the redirect back to the app after the consent form.
  c.header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'");
  return c.html(await body, status);
}
