import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveKeyClient, saveSecretClient } from '../../src/auth/clients.js';
import { BASE, createTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
let oidc: { server: Server; url: string; sign: (claims: Record<string, unknown>) => Promise<string> };

beforeAll(async () => {
  // A stand-in OIDC issuer: its JWKS on a local port, and a signer.
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'oidc-1', alg: 'RS256', use: 'sig' };
  const server = createServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  oidc = {
    server,
    url,
    sign: (claims) =>
      new SignJWT({ aud: BASE, exp: Math.floor(Date.now() / 1000) + 300, ...claims }).setProtectedHeader({ alg: 'RS256', kid: 'oidc-1' }).setIssuer('https://idp.example').setIssuedAt().sign(privateKey),
  };
  t = await createTestApp({ LOTS_OIDC_ISSUER: 'https://idp.example', LOTS_OIDC_JWKS_URL: `${url}/jwks`, LOTS_OIDC_CLAIM_PERSONNUMMER: 'se_pnr' });
  await t.request('PUT', 'Patient/sven', { body: { resourceType: 'Patient', id: 'sven', identifier: [{ system: 'http://electronichealth.se/identifier/personnummer', value: '195009072553' }] } });
});
afterAll(async () => {
  await t.close();
  oidc.server.close();
});

const form = (fields: Record<string, string | string[]>) =>
  new URLSearchParams(Object.entries(fields).flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => [k, x]) : [[k, v]]))).toString();
const post = (path: string, body: string, headers: Record<string, string> = {}) =>
  t.app.request(`http://localhost:8080${path}`, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers } });
const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

describe('missing and bad tokens', () => {
  it('answers 401 with WWW-Authenticate and an OperationOutcome without a token', async () => {
    const res = await t.request('GET', 'Patient', { token: null });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(res.body.issue[0].code).toBe('login');
  });

  it('keeps /metadata and the SMART configuration open', async () => {
    expect((await t.request('GET', 'metadata', { token: null })).status).toBe(200);
    const smart = await t.request('GET', '.well-known/smart-configuration', { token: null });
    expect(smart.status).toBe(200);
    expect(smart.body.token_endpoint).toBe('http://localhost:8080/auth/token');
    expect(smart.body.token_endpoint_auth_methods_supported).toContain('private_key_jwt');
    const meta = await t.request('GET', 'metadata', { token: null });
    const uris = meta.body.rest[0].security.extension[0];
    expect(uris.url).toBe('http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris');
    expect(uris.extension[0]).toEqual({ url: 'token', valueUri: 'http://localhost:8080/auth/token' });
  });

  it('answers 401 for an expired token', async () => {
    const token = await oidc.sign({ se_pnr: '195009072553', scope: 'patient/*.rs', exp: Math.floor(Date.now() / 1000) - 60 });
    const res = await t.request('GET', 'Patient/sven', { token });
    expect(res.status).toBe(401);
    expect(res.body.issue[0].diagnostics).toMatch(/expired/);
  });

  it('answers 401 for a badly signed token, naming the problem', async () => {
    const token = await t.deps.tokens.issue({ sub: 'x', scope: 'system/*.*', client_id: 'x', lots_kind: 'system' }, 60);
    const tampered = token.slice(0, -4) + (token.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    const res = await t.request('GET', 'Patient', { token: tampered });
    expect(res.status).toBe(401);
    expect(res.body.issue[0].diagnostics).toMatch(/signature/);
    expect(res.headers.get('www-authenticate')).toMatch(/invalid_token/);
  });

  it('answers 401 for a token with the wrong audience or an unknown issuer', async () => {
    const wrongAud = await oidc.sign({ se_pnr: '195009072553', scope: 'patient/*.rs', aud: 'https://other.example/fhir' });
    const res = await t.request('GET', 'Patient/sven', { token: wrongAud });
    expect(res.status).toBe(401);
    expect(res.body.issue[0].diagnostics).toMatch(/audience/);
    const { privateKey } = await generateKeyPair('RS256');
    const unknownIssuer = await new SignJWT({ scope: 'system/*.*' }).setProtectedHeader({ alg: 'RS256' }).setIssuer('https://evil.example').setAudience(BASE).setExpirationTime('5m').sign(privateKey);
    const other = await t.request('GET', 'Patient', { token: unknownIssuer });
    expect(other.status).toBe(401);
    expect(other.body.issue[0].diagnostics).toMatch(/does not trust/);
  });

  it('answers 403 when the scopes do not cover the interaction', async () => {
    const token = await t.systemToken('system/Patient.rs');
    expect((await t.request('GET', 'Patient', { token })).status).toBe(200);
    const obs = await t.request('GET', 'Observation', { token });
    expect(obs.status).toBe(403);
    expect(obs.body.issue[0].code).toBe('forbidden');
    const write = await t.request('POST', 'Patient', { token, body: { resourceType: 'Patient' } });
    expect(write.status).toBe(403);
  });
});

describe('client_credentials', () => {
  it('issues a token for a client secret (Basic) and narrows the scope', async () => {
    await saveSecretClient(t.deps.db, 'ehr', 'ehr-secret-123456', 'system/Patient.rs system/Observation.rs');
    const res = await post('/auth/token', form({ grant_type: 'client_credentials', scope: 'system/Patient.rs system/Task.cruds' }), { authorization: basic('ehr', 'ehr-secret-123456') });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { access_token: string; scope: string; token_type: string; expires_in: number };
    expect(body.token_type).toBe('Bearer');
    expect(body.scope).toBe('system/Patient.rs');
    expect((await t.request('GET', 'Patient', { token: body.access_token })).status).toBe(200);
    expect((await t.request('GET', 'Task', { token: body.access_token })).status).toBe(403);
  });

  it('refuses a wrong secret and an unknown grant type', async () => {
    const bad = await post('/auth/token', form({ grant_type: 'client_credentials' }), { authorization: basic('ehr', 'wrong') });
    expect(bad.status).toBe(401);
    expect(((await bad.json()) as { error: string }).error).toBe('invalid_client');
    const grant = await post('/auth/token', form({ grant_type: 'password' }), { authorization: basic('ehr', 'ehr-secret-123456') });
    expect(((await grant.json()) as { error: string }).error).toBe('unsupported_grant_type');
  });

  it('accepts private_key_jwt once per assertion (SMART Backend Services)', async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES384');
    await saveKeyClient(t.deps.db, 'backend', { keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES384' }] }, 'system/*.rs');
    const assertion = await new SignJWT({})
      .setProtectedHeader({ alg: 'ES384', kid: 'k1' })
      .setIssuer('backend')
      .setSubject('backend')
      .setAudience('http://localhost:8080/auth/token')
      .setJti(crypto.randomUUID())
      .setExpirationTime('4m')
      .sign(privateKey);
    const fields = { grant_type: 'client_credentials', scope: 'system/Patient.rs', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: assertion };
    const ok = await post('/auth/token', form(fields));
    expect(ok.status, await ok.clone().text()).toBe(200);
    const replay = await post('/auth/token', form(fields));
    expect(replay.status).toBe(401);
    expect(((await replay.json()) as { error_description: string }).error_description).toMatch(/already used/);
  });
});

describe('demo login', () => {
  it('logs in a citizen by personnummer and names their Patient', async () => {
    const res = await post('/auth/demo/token', form({ personnummer: '195009072553' }));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { access_token: string; patient: string; scope: string };
    expect(body.patient).toBe('sven');
    expect(body.scope).toContain('patient/*.cruds');
    const me = await t.request('GET', 'Patient/sven', { token: body.access_token });
    expect(me.status).toBe(200);
  });

  it('refuses a personnummer with a wrong check digit', async () => {
    const res = await post('/auth/demo/token', form({ personnummer: '195009072554' }));
    expect(res.status).toBe(400);
  });

  it('logs in staff by HSA-id with units and roles', async () => {
    // The unit must exist (test/http/demo-login.test.ts).
    await t.request('PUT', 'Organization/vc-centrum', { body: { resourceType: 'Organization', id: 'vc-centrum', name: 'Vårdcentralen Centrum' } });
    const res = await post('/auth/demo/token', form({ hsa_id: 'SE2321000065-P000000000201', unit: ['Organization/vc-centrum'], role: ['arendemottagare', 'nurse'] }));
    expect(res.status).toBe(200);
    const bad = await post('/auth/demo/token', form({ hsa_id: 'SE2321000065-P000000000201', unit: 'vc-centrum', role: 'chief' }));
    expect(bad.status).toBe(400);
  });

  it('logs every login in the audit log', async () => {
    await post('/auth/demo/token', form({ personnummer: '195009072553' }));
    await t.deps.audit.flush();
    const events = await t.request('GET', 'AuditEvent?type=http://dicom.nema.org/resources/ontology/DCM|110114&patient=Patient/sven');
    expect(events.body.total).toBeGreaterThanOrEqual(1);
  });

  it('is off when LOTS_DEMO_LOGIN=off', async () => {
    const off = await createTestApp({ LOTS_DEMO_LOGIN: 'off' });
    try {
      const res = await off.app.request('http://localhost:8080/auth/demo/token', { method: 'POST', body: 'personnummer=195009072553', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      expect(res.status).toBe(404);
    } finally {
      await off.close();
    }
  });
});

describe('an external OIDC issuer', () => {
  it('accepts its tokens, verified against its JWKS, with claims mapped by settings', async () => {
    const token = await oidc.sign({ se_pnr: '195009072553', scope: 'patient/*.rs', client_id: 'app' });
    const res = await t.request('GET', 'Patient/sven', { token });
    expect(res.status).toBe(200);
    const other = await t.request('POST', 'Patient', { token, body: { resourceType: 'Patient' } });
    expect(other.status).toBe(403);
  });
});

describe('bootstrap', () => {
  it('creates a system client at first start, or the one LOTS_BOOTSTRAP_CLIENT names', async () => {
    expect(t.deps.createdClient?.id).toBe('lots-admin');
    const named = await createTestApp({ LOTS_BOOTSTRAP_CLIENT: 'ops:ops-secret-123456789' });
    try {
      expect(named.deps.createdClient).toBeUndefined();
      const res = await named.app.request('http://localhost:8080/auth/token', {
        method: 'POST',
        body: 'grant_type=client_credentials',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic('ops', 'ops-secret-123456789') },
      });
      expect(res.status).toBe(200);
    } finally {
      await named.close();
    }
  });

  it('serves everything without a token when LOTS_AUTH=off', async () => {
    const open = await createTestApp({ LOTS_AUTH: 'off' });
    try {
      expect((await open.request('GET', 'Patient', { token: null })).status).toBe(200);
    } finally {
      await open.close();
    }
  });
});
