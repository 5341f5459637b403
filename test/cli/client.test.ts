import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClientUsageError, runClientCommand } from '../../src/cli/client.js';
import { selectClient } from '../../src/store/clients.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

/** `lots client add|list|rotate|remove` on the app's database, checked at the token endpoint. */
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

async function client(...argv: string[]): Promise<string> {
  let text = '';
  const out = new Writable({
    write(chunk, _enc, cb) {
      text += String(chunk);
      cb();
    },
  });
  expect(await runClientCommand(t.deps.db, argv, out)).toBe(0);
  return text;
}

async function token(body: Record<string, string>, basic?: [string, string]): Promise<number> {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (basic) headers.authorization = `Basic ${Buffer.from(basic.join(':')).toString('base64')}`;
  const res = await t.app.request('http://localhost:8080/auth/token', { method: 'POST', headers, body: new URLSearchParams(body).toString() });
  return res.status;
}

const secretIn = (text: string) => /: (\S+)\n$/.exec(text)![1]!;

describe('lots client', () => {
  it('adds a confidential client, prints its secret once, stores only a hash, and the secret gets a token', async () => {
    const text = await client('add', 'ehr-journal', '--scope', 'system/Patient.rs system/Observation.rs');
    expect(text).toContain('shown only now');
    const secret = secretIn(text);
    expect(secret.length).toBeGreaterThanOrEqual(40);
    const stored = await selectClient(t.deps.db, 'ehr-journal');
    expect(stored?.secretHash).toMatch(/^scrypt\$/);
    expect(JSON.stringify(stored)).not.toContain(secret);
    expect(await token({ grant_type: 'client_credentials', scope: 'system/Patient.rs' }, ['ehr-journal', secret])).toBe(200);
    expect(await token({ grant_type: 'client_credentials' }, ['ehr-journal', 'wrong-secret'])).toBe(401);

    const list = await client('list');
    expect(list).toMatch(/^ehr-journal\tclient_secret\tsystem\/Patient\.rs system\/Observation\.rs\tcreated /m);
    expect(list).not.toContain(secret);
  });

  it('rotates a secret (the old one stops working) and removes a client', async () => {
    const old = secretIn(await client('add', 'lab', '--scope', 'system/*.rs', '--redirect-uri', 'https://lab.example.se/callback'));
    const fresh = secretIn(await client('rotate', 'lab'));
    expect(fresh).not.toBe(old);
    expect(await token({ grant_type: 'client_credentials' }, ['lab', old])).toBe(401);
    expect(await token({ grant_type: 'client_credentials' }, ['lab', fresh])).toBe(200);
    expect(await client('list')).toContain('redirect https://lab.example.se/callback');
    expect(await client('remove', 'lab')).toContain('Removed');
    expect(await token({ grant_type: 'client_credentials' }, ['lab', fresh])).toBe(401);
  });

  it('registers a public key (PEM) for private_key_jwt', async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES384');
    const dir = mkdtempSync(join(tmpdir(), 'lots-client-'));
    writeFileSync(join(dir, 'backend.pem'), await exportSPKI(publicKey));
    expect(await client('add', 'backend', '--scope', 'system/*.rs', '--public-key', join(dir, 'backend.pem'))).toContain('private_key_jwt');
    const assertion = await new SignJWT({})
      .setProtectedHeader({ alg: 'ES384' })
      .setIssuer('backend')
      .setSubject('backend')
      .setAudience('http://localhost:8080/auth/token')
      .setJti(crypto.randomUUID())
      .setExpirationTime('4m')
      .sign(privateKey);
    const status = await token({
      grant_type: 'client_credentials',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: assertion,
    });
    expect(status).toBe(200);
    expect(await client('list')).toMatch(/^backend\tprivate_key_jwt \(JWKS\)/m);
  });

  it('registers a public SMART app with its launches and name, which the authorization endpoint then knows', async () => {
    const text = await client('add', 'my-app', '--public', '--launch', 'standalone', '--launch', 'ehr', '--name', 'Min app', '--redirect-uri', 'http://localhost:3000/callback', '--scope', 'openid fhirUser launch/patient patient/*.rs online_access');
    expect(text).toContain('public app');
    expect(text).not.toContain('secret,');
    expect(await client('list')).toMatch(/^my-app\tpublic\t.*name Min app; launch standalone ehr; redirect http:\/\/localhost:3000\/callback/m);
    const stored = await selectClient(t.deps.db, 'my-app');
    expect(stored).toMatchObject({ public: true, launchTypes: ['standalone', 'ehr'], name: 'Min app' });
    expect(stored?.secretHash).toBeUndefined();
    const authorize = await t.app.request(`http://localhost:8080/auth/authorize?client_id=my-app&redirect_uri=${encodeURIComponent('http://localhost:3000/callback')}&response_type=code`);
    expect(authorize.status).toBe(302);
    expect(new URL(authorize.headers.get('location')!).searchParams.get('error')).toBe('invalid_request');
  });

  it('refuses what would be a mistake, saying what', async () => {
    const refused = async (...argv: string[]) => {
      const err = await runClientCommand(t.deps.db, argv, process.stdout).catch((e: unknown) => e);
      expect(err, argv.join(' ')).toBeInstanceOf(ClientUsageError);
      return (err as Error).message;
    };
    expect(await refused('add', 'x')).toContain('--scope');
    expect(await refused('add', 'x', '--scope', 'everything')).toContain('not SMART scopes');
    expect(await refused('add', 'ehr-journal', '--scope', 'system/*.rs')).toContain('exists');
    expect(await refused('add', 'x', '--scope', 'system/*.rs', '--jwks-url', 'http://keys.example')).toContain('https');
    expect(await refused('rotate', 'backend')).toContain('with a secret');
    expect(await refused('remove', 'nobody')).toContain('no client');
    expect(await refused('launch')).toContain('unknown');
    expect(await refused('add', 'x', '--scope', 'patient/*.rs', '--public', '--launch', 'standalone')).toContain('--redirect-uri');
    expect(await refused('add', 'x', '--scope', 'patient/*.rs', '--public', '--redirect-uri', 'https://a.example/cb', '--launch', 'portal')).toContain('standalone or ehr');
    expect(await refused('add', 'x', '--scope', 'patient/*.rs', '--public', '--jwks-url', 'https://a.example/jwks')).toContain('at most one');
  });
});
