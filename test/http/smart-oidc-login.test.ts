import { createHash, randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { savePublicClient } from '../../src/auth/clients.js';
import { ConfigError, loadConfig } from '../../src/config.js';
import { APP_REDIRECT, authorizeParams, Browser, oauthPost, pkce } from '../support/smart.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

/**
 * SMART App Launch with the region's identity provider instead of the demo login (LOTS_OIDC_LOGIN_CLIENT):
 * Lots sends the person to the issuer, takes its code back, verifies the id_token and maps its claims.
 * The issuer here is a small OIDC server on a real port that logs in whoever the test names.
 */
let t: TestApp;
let idp: ServerType;
let issuer: string;
let nextPerson: Record<string, unknown> = {};
const codes = new Map<string, { nonce: string; challenge: string; redirectUri: string; claims: Record<string, unknown> }>();
const SECRET = 'lots-at-the-idp-secret';

async function startIssuer(): Promise<void> {
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid: 'idp-1', alg: 'ES256', use: 'sig' };
  const app = new Hono();
  app.get('/jwks', (c) => c.json({ keys: [jwk] }));
  app.get('/authorize', (c) => {
    const q = new URL(c.req.url).searchParams;
    const back = new URL(q.get('redirect_uri')!);
    if (q.get('client_id') !== 'lots' || q.get('code_challenge_method') !== 'S256') back.searchParams.set('error', 'invalid_request');
    else if (!Object.keys(nextPerson).length) back.searchParams.set('error', 'access_denied');
    else {
      const code = randomBytes(16).toString('hex');
      codes.set(code, { nonce: q.get('nonce')!, challenge: q.get('code_challenge')!, redirectUri: q.get('redirect_uri')!, claims: nextPerson });
      back.searchParams.set('code', code);
    }
    back.searchParams.set('state', q.get('state')!);
    return c.redirect(back.toString(), 302);
  });
  app.post('/token', async (c) => {
    const form = new URLSearchParams(await c.req.text());
    const grant = codes.get(form.get('code') ?? '');
    codes.delete(form.get('code') ?? '');
    const basic = Buffer.from(`lots:${SECRET}`).toString('base64');
    const verifierOk = grant && createHash('sha256').update(form.get('code_verifier') ?? '').digest('base64url') === grant.challenge;
    if (!grant || c.req.header('authorization') !== `Basic ${basic}` || !verifierOk || form.get('redirect_uri') !== grant.redirectUri) return c.json({ error: 'invalid_grant' }, 400);
    const idToken = await new SignJWT({ ...grant.claims, nonce: grant.nonce })
      .setProtectedHeader({ alg: 'ES256', kid: 'idp-1' })
      .setIssuer(issuer)
      .setAudience('lots')
      .setSubject('someone')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(privateKey);
    return c.json({ access_token: 'unused', token_type: 'Bearer', id_token: idToken });
  });
  idp = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => idp.once('listening', () => resolve()));
  issuer = `http://127.0.0.1:${(idp.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  await startIssuer();
  t = await createTestApp({
    LOTS_DEMO_LOGIN: 'off',
    LOTS_OIDC_ISSUER: issuer,
    LOTS_OIDC_JWKS_URL: `${issuer}/jwks`,
    LOTS_OIDC_LOGIN_CLIENT: `lots:${SECRET}`,
    LOTS_OIDC_AUTHORIZATION_URL: `${issuer}/authorize`,
    LOTS_OIDC_TOKEN_URL: `${issuer}/token`,
  });
  const region = await readFile(new URL('../../seed/10-region.json', import.meta.url), 'utf8');
  expect((await t.request('POST', '', { body: region })).status).toBe(200);
  await savePublicClient(t.deps.db, 'journal-app', 'openid fhirUser launch/patient patient/*.rs', { redirectUris: [APP_REDIRECT], launchTypes: ['standalone'] });
});
afterAll(async () => {
  await t?.close();
  await new Promise((resolve) => idp?.close(resolve));
});

/** The browser at the issuer: it answers with a redirect back to Lots. */
async function atIssuer(location: URL): Promise<string> {
  expect(location.origin).toBe(issuer);
  const res = await fetch(location, { redirect: 'manual' });
  expect(res.status).toBe(302);
  return res.headers.get('location')!;
}

describe('logging in at the OIDC issuer', () => {
  it('advertises the authorization endpoint although the demo login is off', async () => {
    const res = await t.request('GET', '.well-known/smart-configuration', { token: null });
    expect(res.body.authorization_endpoint).toBe('http://localhost:8080/auth/authorize');
    expect(res.body.capabilities).toContain('launch-standalone');
    expect(res.body.lots_demo_login_endpoint).toBeUndefined();
  });

  it('sends the person to the issuer and maps its personnummer claim to the citizen', async () => {
    nextPerson = { personnummer: '195009072553' };
    const b = new Browser(t);
    const p = pkce();
    const first = await b.authorize(authorizeParams('journal-app', 'openid fhirUser launch/patient patient/*.rs', p));
    expect(first.status).toBe(302);
    const consent = await b.get(await atIssuer(first.location!));
    expect(consent.html).toContain('Godkänn åtkomst');
    expect(consent.html).not.toContain('DEMO –');
    // The demo form cannot be used instead.
    expect((await b.post('/auth/authorize/login', [['request', consent.request!], ['kind', 'citizen'], ['personnummer', '196101182803']])).status).toBe(400);
    const back = await b.post('/auth/authorize/consent', [['request', consent.request!], ['decision', 'allow'], ['scope', 'patient/*.rs']]);
    const res = await oauthPost(t, '/auth/token', { grant_type: 'authorization_code', code: back.location!.searchParams.get('code')!, redirect_uri: APP_REDIRECT, code_verifier: p.verifier, client_id: 'journal-app' });
    expect(res.body.patient).toBe('sven-oberg');
    expect((await t.request('GET', 'Patient/sven-oberg', { token: res.body.access_token })).status).toBe(200);
  });

  it('maps staff claims (HSA-id, units, roles) and lets them pick a patient', async () => {
    nextPerson = { hsa_id: 'SE2321000065-P000000000202', units: ['vc-centrum'], roles: ['nurse'] };
    const b = new Browser(t);
    const first = await b.authorize(authorizeParams('journal-app', 'openid fhirUser launch/patient patient/*.rs', pkce()));
    const picker = await b.get(await atIssuer(first.location!));
    expect(picker.html).toContain('Välj patient');
    expect(picker.html).toContain('value="sven-oberg"');
    expect(picker.html).not.toContain('value="tolvan"');
  });

  it('answers the app access_denied when the issuer does not log the person in', async () => {
    nextPerson = {};
    const b = new Browser(t);
    const first = await b.authorize(authorizeParams('journal-app', 'openid launch/patient patient/*.rs', pkce()));
    const back = await b.get(await atIssuer(first.location!));
    expect(back.status).toBe(302);
    expect(back.location!.searchParams.get('error')).toBe('access_denied');
    expect(back.location!.searchParams.get('state')).toBe('st/ä te&x=1');
  });

  it('is a setting that names its missing parts', () => {
    expect(() => loadConfig({ LOTS_OIDC_LOGIN_CLIENT: 'lots:secret' })).toThrow(ConfigError);
    expect(() => loadConfig({ LOTS_OIDC_ISSUER: issuer, LOTS_OIDC_JWKS_URL: `${issuer}/jwks`, LOTS_OIDC_LOGIN_CLIENT: 'lots:secret' })).toThrow(/LOTS_OIDC_AUTHORIZATION_URL/);
  });

  it('refuses the callback in another browser', async () => {
    nextPerson = { personnummer: '195009072553' };
    const first = await new Browser(t).authorize(authorizeParams('journal-app', 'openid launch/patient patient/*.rs', pkce()));
    const res = await new Browser(t).get(await atIssuer(first.location!));
    expect(res.status).toBe(400);
    expect(res.location).toBeUndefined();
  });
});
