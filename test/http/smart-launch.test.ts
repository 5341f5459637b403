import { readFile } from 'node:fs/promises';
import { decodeJwt, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveKeyClient, savePublicClient } from '../../src/auth/clients.js';
import { APP_REDIRECT, authorizeParams, Browser, oauthPost, pkce, type Page, type Pkce } from '../support/smart.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

/**
 * SMART App Launch on Lots' issuer (docs/smart.md), driven in-process as a browser and an app would;
 * test/http/smart-browser.test.ts does the same with a real browser and SMART's own JS client.
 */
let t: TestApp;
let confidentialKey: CryptoKey;
const PATIENT_APP = 'openid fhirUser launch/patient offline_access patient/*.rs';
beforeAll(async () => {
  t = await createTestApp();
  const region = await readFile(new URL('../../seed/10-region.json', import.meta.url), 'utf8');
  expect((await t.request('POST', '', { body: region })).status).toBe(200);
  await savePublicClient(t.deps.db, 'journal-app', PATIENT_APP, { redirectUris: [APP_REDIRECT], launchTypes: ['standalone'], name: 'Min journal' });
  await savePublicClient(t.deps.db, 'ehr-app', 'openid fhirUser launch patient/*.rs user/*.rs', { redirectUris: [APP_REDIRECT], launchTypes: ['ehr'], name: 'Tillväxtkurvor' });
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  confidentialKey = privateKey;
  await saveKeyClient(t.deps.db, 'clinic-server', { keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256' }] }, PATIENT_APP, [APP_REDIRECT], { launchTypes: ['standalone'] });
});
afterAll(() => t.close());

/** Logs a citizen in through the pages; returns the page after login (picker or consent). */
async function citizenLogin(b: Browser, personnummer: string, client = 'journal-app', scope = PATIENT_APP, p: Pkce = pkce()): Promise<Page> {
  const first = await b.authorize(authorizeParams(client, scope, p));
  expect(first.status, first.html).toBe(200);
  expect(first.html).toContain('DEMO');
  return b.post('/auth/authorize/login', [['request', first.request!], ['kind', 'citizen'], ['personnummer', personnummer]]);
}

async function allow(b: Browser, page: Page, ticked?: string[]): Promise<URL> {
  const boxes = ticked ?? [...page.html.matchAll(/name="scope" value="([^"]+)" checked/g)].map((m) => m[1]!);
  const res = await b.post('/auth/authorize/consent', [['request', page.request!], ['decision', 'allow'], ...boxes.map((s) => ['scope', s] as [string, string])]);
  expect(res.status, res.html).toBe(302);
  return res.location!;
}

const exchange = (code: string, p: Pkce, extra: Record<string, string> = {}) =>
  oauthPost(t, '/auth/token', { grant_type: 'authorization_code', code, redirect_uri: APP_REDIRECT, code_verifier: p.verifier, client_id: 'journal-app', ...extra });

async function citizenTokens(personnummer: string, scope = PATIENT_APP): Promise<any> {
  const b = new Browser(t);
  const p = pkce();
  const consent = await citizenLogin(b, personnummer, 'journal-app', scope, p);
  const back = await allow(b, consent);
  const res = await exchange(back.searchParams.get('code')!, p);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

describe('discovery', () => {
  it('lists the authorization, introspection and revocation endpoints, S256 only, and the launch capabilities', async () => {
    const res = await t.request('GET', '.well-known/smart-configuration', { token: null });
    expect(res.body.authorization_endpoint).toBe('http://localhost:8080/auth/authorize');
    expect(res.body.introspection_endpoint).toBe('http://localhost:8080/auth/introspect');
    expect(res.body.revocation_endpoint).toBe('http://localhost:8080/auth/revoke');
    expect(res.body.code_challenge_methods_supported).toEqual(['S256']);
    for (const cap of ['launch-standalone', 'launch-ehr', 'client-public', 'client-confidential-symmetric', 'client-confidential-asymmetric', 'context-standalone-patient', 'context-ehr-patient', 'permission-v1', 'permission-v2', 'permission-offline', 'sso-openid-connect']) {
      expect(res.body.capabilities).toContain(cap);
    }
    const oidc = await t.request('GET', 'http://localhost:8080/auth/.well-known/openid-configuration', { token: null });
    expect(oidc.body.issuer).toBe('http://localhost:8080/auth');
    expect(oidc.body.jwks_uri).toBe('http://localhost:8080/auth/jwks');
  });
});

describe('standalone launch as a citizen', () => {
  it('logs in, consents, and gets a token for their own Patient with an id_token naming them', async () => {
    const b = new Browser(t);
    const p = pkce();
    const consent = await citizenLogin(b, '195009072553', 'journal-app', PATIENT_APP, p);
    expect(consent.html).toContain('Godkänn åtkomst');
    expect(consent.html).toContain('Läsa och söka i alla uppgifter');
    const back = await allow(b, consent);
    expect(`${back.origin}${back.pathname}`).toBe(APP_REDIRECT);
    expect(back.searchParams.get('state')).toBe('st/ä te&x=1');
    const res = await exchange(back.searchParams.get('code')!, p);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ token_type: 'Bearer', patient: 'sven-oberg', need_patient_banner: true, scope: PATIENT_APP });
    expect(res.body.smart_style_url).toBe('http://localhost:8080/auth/smart-style.json');
    const id = decodeJwt(res.body.id_token);
    expect(id).toMatchObject({ iss: 'http://localhost:8080/auth', aud: 'journal-app', fhirUser: 'Patient/sven-oberg' });
    expect((await t.request('GET', 'Patient/sven-oberg', { token: res.body.access_token })).status).toBe(200);
  });

  it('gives only the optional scopes the person left ticked', async () => {
    const b = new Browser(t);
    const p = pkce();
    const consent = await citizenLogin(b, '195009072553', 'journal-app', 'openid launch/patient patient/Patient.rs patient/Observation.rs', p);
    const back = await allow(b, consent, ['patient/Patient.rs']);
    const res = await exchange(back.searchParams.get('code')!, p);
    expect(res.body.scope).toBe('openid launch/patient patient/Patient.rs');
    expect(res.body.refresh_token).toBeUndefined();
    expect((await t.request('GET', 'Observation', { token: res.body.access_token })).status).toBe(403);
  });

  it('answers access_denied on the redirect when the person refuses, with the state', async () => {
    const b = new Browser(t);
    const consent = await citizenLogin(b, '195009072553');
    const res = await b.post('/auth/authorize/consent', [['request', consent.request!], ['decision', 'deny']]);
    expect(res.status).toBe(302);
    expect(res.location!.searchParams.get('error')).toBe('access_denied');
    expect(res.location!.searchParams.get('state')).toBe('st/ä te&x=1');
  });

  it('shows the login page again with the problem for a personnummer that is not valid', async () => {
    const b = new Browser(t);
    const page = await citizenLogin(b, '195009072554');
    expect(page.status).toBe(400);
    expect(page.html).toContain('role="alert"');
  });

  it('refuses a page posted from another browser (the cookie binds the request)', async () => {
    const b = new Browser(t);
    const first = await b.authorize(authorizeParams('journal-app', PATIENT_APP, pkce()));
    const other = new Browser(t);
    const res = await other.post('/auth/authorize/login', [['request', first.request!], ['kind', 'citizen'], ['personnummer', '195009072553']]);
    expect(res.status).toBe(400);
    expect(res.location).toBeUndefined();
  });
});

describe('a guardian', () => {
  it('picks between themself and a child under 13, never a child of 13, and the token reaches only the child', async () => {
    const b = new Browser(t);
    const p = pkce();
    const picker = await citizenLogin(b, '196101182803', 'journal-app', PATIENT_APP, p);
    expect(picker.html).toContain('Välj patient');
    expect(picker.html).toContain('value="lisa-andersson"');
    expect(picker.html).toContain('value="olle-andersson"');
    expect(picker.html).not.toContain('maja-andersson');
    expect(picker.html).not.toContain('vera-skyddad');

    const refused = await b.post('/auth/authorize/patient', [['request', picker.request!], ['patient', 'maja-andersson']]);
    expect(refused.status).toBe(403);

    const consent = await b.post('/auth/authorize/patient', [['request', picker.request!], ['patient', 'olle-andersson']]);
    expect(consent.html).toContain('för Olle Andersson');
    const back = await allow(b, consent);
    const res = await exchange(back.searchParams.get('code')!, p);
    expect(res.body.patient).toBe('olle-andersson');
    expect((await t.request('GET', 'Patient/olle-andersson', { token: res.body.access_token })).status).toBe(200);
    expect((await t.request('GET', 'Patient/lisa-andersson', { token: res.body.access_token })).status).toBe(404);
  });
});

describe('bad authorization requests', () => {
  const p = pkce();
  it('never redirects to an unregistered redirect URI or for an unknown client', async () => {
    const b = new Browser(t);
    const wrong = await b.authorize(authorizeParams('journal-app', PATIENT_APP, p, { redirect_uri: 'https://evil.example/cb' }));
    expect(wrong.status).toBe(400);
    expect(wrong.location).toBeUndefined();
    const unknown = await b.authorize(authorizeParams('no-such-app', PATIENT_APP, p));
    expect(unknown.status).toBe(400);
    expect(unknown.location).toBeUndefined();
  });

  it('refuses a missing or plain PKCE challenge, a scope the app may not have and a wrong aud, on the redirect with the state', async () => {
    const b = new Browser(t);
    const cases: [Record<string, string>, string][] = [
      [{ code_challenge: '' }, 'invalid_request'],
      [{ code_challenge_method: 'plain', code_challenge: p.verifier }, 'invalid_request'],
      [{ scope: 'openid patient/*.cruds' }, 'invalid_scope'],
      [{ aud: 'https://other.example/fhir' }, 'invalid_request'],
      [{ response_type: 'token' }, 'unsupported_response_type'],
      [{ launch: 'abc' }, 'unauthorized_client'],
    ];
    for (const [extra, error] of cases) {
      const res = await b.authorize(authorizeParams('journal-app', PATIENT_APP, p, extra));
      expect(res.status, JSON.stringify(extra)).toBe(302);
      expect(res.location!.searchParams.get('error'), JSON.stringify(extra)).toBe(error);
      expect(res.location!.searchParams.get('state')).toBe('st/ä te&x=1');
    }
  });
});

describe('the code at the token endpoint', () => {
  async function freshCode(): Promise<{ code: string; p: Pkce }> {
    const b = new Browser(t);
    const p = pkce();
    const back = await allow(b, await citizenLogin(b, '195009072553', 'journal-app', PATIENT_APP, p));
    return { code: back.searchParams.get('code')!, p };
  }

  it('refuses a wrong or missing verifier and a redirect URI mismatch', async () => {
    const a = await freshCode();
    expect((await exchange(a.code, pkce())).body.error).toBe('invalid_grant');
    const b = await freshCode();
    const missing = await oauthPost(t, '/auth/token', { grant_type: 'authorization_code', code: b.code, redirect_uri: APP_REDIRECT, client_id: 'journal-app' });
    expect(missing.body.error).toBe('invalid_request');
    const c = await freshCode();
    expect((await exchange(c.code, c.p, { redirect_uri: 'https://app.example.se/other' })).body.error).toBe('invalid_grant');
  });

  it('is single-use: the second use fails and revokes the tokens the first one gave', async () => {
    const { code, p } = await freshCode();
    const first = await exchange(code, p);
    expect(first.status).toBe(200);
    expect((await t.request('GET', 'Patient/sven-oberg', { token: first.body.access_token })).status).toBe(200);
    const second = await exchange(code, p);
    expect(second.status).toBe(400);
    expect(second.body.error).toBe('invalid_grant');
    const after = await t.request('GET', 'Patient/sven-oberg', { token: first.body.access_token });
    expect(after.status).toBe(401);
    expect((await oauthPost(t, '/auth/token', { grant_type: 'refresh_token', refresh_token: first.body.refresh_token, client_id: 'journal-app' })).body.error).toBe('invalid_grant');
  });

  it('expires after 60 seconds', async () => {
    const { code, p } = await freshCode();
    // The code's 60 seconds pass (the store's clock is the database's).
    await t.deps.db.query("update auth_secret set expires_at = now() - interval '1 second' where kind = 'code'");
    const res = await exchange(code, p);
    expect(res.body.error).toBe('invalid_grant');
  });

  it('is refused to another client', async () => {
    const { code, p } = await freshCode();
    expect((await exchange(code, p, { client_id: 'ehr-app' })).body.error).toBe('invalid_grant');
  });

  it('takes private_key_jwt from a confidential client', async () => {
    const b = new Browser(t);
    const p = pkce();
    const back = await allow(b, await citizenLogin(b, '195009072553', 'clinic-server', PATIENT_APP, p));
    const assertion = await new SignJWT({})
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setIssuer('clinic-server')
      .setSubject('clinic-server')
      .setAudience('http://localhost:8080/auth/token')
      .setExpirationTime('2m')
      .setJti(crypto.randomUUID())
      .sign(confidentialKey);
    const form = { grant_type: 'authorization_code', code: back.searchParams.get('code')!, redirect_uri: APP_REDIRECT, code_verifier: p.verifier };
    expect((await oauthPost(t, '/auth/token', { ...form, client_id: 'clinic-server' })).body.error).toBe('invalid_client');
    const res = await oauthPost(t, '/auth/token', { ...form, client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: assertion });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.patient).toBe('sven-oberg');
  });
});

describe('refresh tokens', () => {
  it('rotate at each use; a reused one revokes the whole family', async () => {
    const first = await citizenTokens('195009072553');
    const r1 = first.refresh_token as string;
    const second = await oauthPost(t, '/auth/token', { grant_type: 'refresh_token', refresh_token: r1, client_id: 'journal-app' });
    expect(second.status).toBe(200);
    expect(second.body.refresh_token).not.toBe(r1);
    expect((await t.request('GET', 'Patient/sven-oberg', { token: second.body.access_token })).status).toBe(200);

    const reuse = await oauthPost(t, '/auth/token', { grant_type: 'refresh_token', refresh_token: r1, client_id: 'journal-app' });
    expect(reuse.body.error).toBe('invalid_grant');
    expect((await t.request('GET', 'Patient/sven-oberg', { token: second.body.access_token })).status).toBe(401);
    expect((await oauthPost(t, '/auth/token', { grant_type: 'refresh_token', refresh_token: second.body.refresh_token, client_id: 'journal-app' })).body.error).toBe('invalid_grant');
  });

  it('may narrow the scope, never widen it', async () => {
    const first = await citizenTokens('195009072553');
    const wider = await oauthPost(t, '/auth/token', { grant_type: 'refresh_token', refresh_token: first.refresh_token, client_id: 'journal-app', scope: 'patient/*.cruds' });
    expect(wider.body.error).toBe('invalid_scope');
    const narrower = await oauthPost(t, '/auth/token', { grant_type: 'refresh_token', refresh_token: first.refresh_token, client_id: 'journal-app', scope: 'openid patient/Patient.rs offline_access' });
    expect(narrower.status).toBe(200);
    expect(narrower.body.scope).toBe('openid patient/Patient.rs offline_access');
    expect((await t.request('GET', 'Observation', { token: narrower.body.access_token })).status).toBe(403);
  });
});

describe('housekeeping', () => {
  it('forgets a grant and its secrets a day after the last of them expired, and not before', async () => {
    const tokens = await citizenTokens('195009072553');
    const grant = decodeJwt(tokens.access_token).grant as string;
    const count = async () => (await t.deps.db.query<{ n: number }>('select (select count(*) from auth_grant where id = $1)::int + (select count(*) from auth_secret where grant_id = $1)::int as n', [grant]))[0]!.n;
    const anotherLogin = () => new Browser(t).authorize(authorizeParams('journal-app', PATIENT_APP, pkce()));
    expect(await count()).toBe(3); // the grant, its code and its refresh token
    await t.deps.db.query("update auth_secret set expires_at = now() - interval '23 hours' where grant_id = $1", [grant]);
    await t.deps.db.query("update auth_grant set created_at = now() - interval '2 days' where id = $1", [grant]);
    await anotherLogin();
    expect(await count()).toBe(3);
    await t.deps.db.query("update auth_secret set expires_at = now() - interval '25 hours' where grant_id = $1", [grant]);
    await anotherLogin();
    expect(await count()).toBe(0);
  });
});

describe('introspection and revocation', () => {
  it('tells a resource server what a token carries, and nothing after the app revokes it', async () => {
    const tokens = await citizenTokens('195009072553');
    const secret = 'introspector-secret-1234';
    const { saveSecretClient } = await import('../../src/auth/clients.js');
    await saveSecretClient(t.deps.db, 'resource-server', secret, 'system/Patient.r');
    const basic = { authorization: `Basic ${Buffer.from(`resource-server:${secret}`).toString('base64')}` };
    expect((await oauthPost(t, '/auth/introspect', { token: tokens.access_token })).status).toBe(401);
    const active = await oauthPost(t, '/auth/introspect', { token: tokens.access_token }, basic);
    expect(active.body).toMatchObject({ active: true, client_id: 'journal-app', patient: 'sven-oberg', scope: PATIENT_APP });
    expect((await oauthPost(t, '/auth/introspect', { token: tokens.refresh_token }, basic)).body).toMatchObject({ active: true, token_type: 'refresh_token' });

    expect((await oauthPost(t, '/auth/revoke', { token: tokens.refresh_token, client_id: 'journal-app' })).status).toBe(200);
    expect((await oauthPost(t, '/auth/introspect', { token: tokens.access_token }, basic)).body).toEqual({ active: false });
    expect((await oauthPost(t, '/auth/introspect', { token: tokens.refresh_token }, basic)).body).toEqual({ active: false });
    expect((await t.request('GET', 'Patient/sven-oberg', { token: tokens.access_token })).status).toBe(401);
    expect((await oauthPost(t, '/auth/revoke', { token: 'not-a-token', client_id: 'journal-app' })).status).toBe(200);
  });
});

describe('EHR launch', () => {
  async function launch(body: unknown, token?: string): Promise<{ status: number; body: any }> {
    return t.request('POST', 'http://localhost:8080/auth/launch', { body, headers: { 'content-type': 'application/json' }, ...(token ? { token } : {}) });
  }

  it('makes a single-use launch value for a system client, which a staff member turns into the patient context', async () => {
    expect((await launch({ patient: 'no-such' })).body.error).toBe('invalid_request');
    expect((await launch({ patient: 'sven-oberg' }, await t.staffToken('SE2321000065-P000000000201', ['vc-centrum'], ['nurse']))).status).toBe(403);
    const made = await launch({ patient: 'Patient/sven-oberg' });
    expect(made.status).toBe(201);
    const value = made.body.launch as string;

    const b = new Browser(t);
    const p = pkce();
    const first = await b.authorize(authorizeParams('ehr-app', 'openid fhirUser launch patient/*.rs', p, { launch: value }));
    expect(first.status).toBe(200);
    const consent = await b.post('/auth/authorize/login', [['request', first.request!], ['kind', 'staff'], ['hsa_id', 'SE2321000065-P000000000201'], ['unit', 'vc-centrum'], ['role', 'nurse']]);
    expect(consent.html).toContain('Godkänn åtkomst');
    const back = await allow(b, consent);
    const res = await oauthPost(t, '/auth/token', { grant_type: 'authorization_code', code: back.searchParams.get('code')!, redirect_uri: APP_REDIRECT, code_verifier: p.verifier, client_id: 'ehr-app' });
    expect(res.body).toMatchObject({ patient: 'sven-oberg', need_patient_banner: false });
    expect(decodeJwt(res.body.id_token).fhirUser).toBe('Practitioner/anna-lind');
    expect((await t.request('GET', 'Patient/sven-oberg', { token: res.body.access_token })).status).toBe(200);
    // Lisa is a patient of the nurse's unit too, but the app was launched for Sven with patient/ scopes.
    expect((await t.request('GET', 'Patient/lisa-andersson', { token: res.body.access_token })).status).toBe(404);
    const search = await t.request('GET', 'Patient', { token: res.body.access_token });
    expect(search.body.entry.map((e: any) => e.resource.id)).toEqual(['sven-oberg']);

    const again = await new Browser(t).authorize(authorizeParams('ehr-app', 'openid launch patient/*.rs', pkce(), { launch: value }));
    expect(again.location!.searchParams.get('error')).toBe('invalid_request');
  });

  it('refuses staff who may not see the launched patient', async () => {
    const made = await launch({ patient: 'tolvan' });
    const b = new Browser(t);
    const first = await b.authorize(authorizeParams('ehr-app', 'openid launch patient/*.rs', pkce(), { launch: made.body.launch }));
    const res = await b.post('/auth/authorize/login', [['request', first.request!], ['kind', 'staff'], ['hsa_id', 'SE2321000065-P000000000201'], ['unit', 'vc-centrum'], ['role', 'nurse']]);
    expect(res.location!.searchParams.get('error')).toBe('access_denied');
  });
});

describe('the registry and the access log', () => {
  it('lists the apps to administrators only, without secrets', async () => {
    const res = await t.request('GET', 'http://localhost:8080/auth/clients');
    expect(res.status).toBe(200);
    expect(res.body.clients.find((c: any) => c.id === 'journal-app')).toMatchObject({ auth: 'public', name: 'Min journal', launchTypes: ['standalone'] });
    expect(res.text).not.toContain('scrypt');
    const citizen = await t.citizenToken('195009072553');
    expect((await t.request('GET', 'http://localhost:8080/auth/clients', { token: citizen })).status).toBe(403);
  });

  it('registers and removes apps for administrators over HTTP', async () => {
    const url = 'http://localhost:8080/auth/clients';
    const app = { id: 'api-app', scope: 'openid launch/patient patient/*.rs', public: true, name: 'API-appen', redirect_uris: [APP_REDIRECT], launch: ['standalone'] };
    const made = await t.request('POST', url, { body: app, headers: { 'content-type': 'application/json' } });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ id: 'api-app', auth: 'public', name: 'API-appen', launchTypes: ['standalone'] });
    expect(made.body.client_secret).toBeUndefined();
    expect((await new Browser(t).authorize(authorizeParams('api-app', 'openid launch/patient patient/*.rs', pkce()))).status).toBe(200);

    const confidential = await t.request('POST', url, { body: { ...app, id: 'api-server', public: false }, headers: { 'content-type': 'application/json' } });
    expect(confidential.body.auth).toBe('client_secret');
    expect(confidential.body.client_secret.length).toBeGreaterThanOrEqual(40);

    for (const bad of [{ ...app, id: 'x1', launch: ['portal'] }, { ...app, id: 'x2', redirect_uris: ['ftp://a.example/cb'] }, { ...app, id: 'x3', scope: 'everything' }, { ...app }]) {
      const res = await t.request('POST', url, { body: bad, headers: { 'content-type': 'application/json' } });
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect(res.body.error).toBe('invalid_request');
    }
    const staff = await t.staffToken('SE2321000065-P000000000201', ['vc-centrum'], ['nurse']);
    expect((await t.request('POST', url, { body: { ...app, id: 'x4' }, token: staff, headers: { 'content-type': 'application/json' } })).status).toBe(403);

    expect((await t.request('DELETE', `${url}/api-app`)).status).toBe(204);
    expect((await new Browser(t).authorize(authorizeParams('api-app', 'openid launch/patient patient/*.rs', pkce()))).status).toBe(400);
    expect((await t.request('DELETE', `${url}/api-app`)).status).toBe(404);
  });

  it('records logins, consents and token exchanges, failures too', async () => {
    await t.deps.audit.flush();
    const res = await t.request('GET', 'AuditEvent?subtype=https://lots.example/fhir/CodeSystem/auth-step|consent&_count=100');
    expect(res.status).toBe(200);
    const outcomes = new Set(res.body.entry.map((e: any) => e.resource.outcome));
    expect(outcomes).toEqual(new Set(['0', '4']));
    const tokens = await t.request('GET', 'AuditEvent?subtype=https://lots.example/fhir/CodeSystem/auth-step|token&outcome=4');
    expect(tokens.body.entry.length).toBeGreaterThan(0);
  });
});

describe('without the demo login', () => {
  it('answers temporarily_unavailable on the redirect and advertises no authorization endpoint', async () => {
    const off = await createTestApp({ LOTS_DEMO_LOGIN: 'off' });
    try {
      await savePublicClient(off.deps.db, 'journal-app', PATIENT_APP, { redirectUris: [APP_REDIRECT], launchTypes: ['standalone'] });
      const res = await new Browser(off).authorize(authorizeParams('journal-app', PATIENT_APP, pkce()));
      expect(res.status).toBe(302);
      expect(res.location!.searchParams.get('error')).toBe('temporarily_unavailable');
      const conf = await off.request('GET', '.well-known/smart-configuration', { token: null });
      expect(conf.body.authorization_endpoint).toBeUndefined();
      expect(conf.body.capabilities).not.toContain('launch-standalone');
    } finally {
      await off.close();
    }
  });
});
