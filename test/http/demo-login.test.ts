import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/test-app.js';

/** The demo login says what is wrong with a login that would otherwise give a puzzling token. */
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  const region = await readFile(new URL('../../seed/10-region.json', import.meta.url), 'utf8');
  expect((await t.request('POST', '', { body: region })).status).toBe(200);
});
afterAll(() => t.close());

async function login(fields: [string, string][]): Promise<{ status: number; body: Record<string, string> }> {
  const res = await t.app.request('http://localhost:8080/auth/demo/token', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
  return { status: res.status, body: (await res.json()) as Record<string, string> };
}

describe('demo login', () => {
  it('refuses staff at a unit that does not exist, naming it', async () => {
    const res = await login([['hsa_id', 'SE2321000065-P000000000202'], ['unit', 'vc-centrum'], ['unit', 'vc-nowhere'], ['role', 'nurse']]);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
    expect(res.body.error_description).toContain('Organization/vc-nowhere');
    expect(res.body.error_description).not.toContain('Organization/vc-centrum');
  });

  it('refuses an HSA-id that does not follow the pattern, and a unit that is no id', async () => {
    for (const [hsa, unit] of [['P000000000202', 'vc-centrum'], ['SE2321000065-P000000000202', 'vc centrum,x']] as const) {
      const res = await login([['hsa_id', hsa], ['unit', unit], ['role', 'nurse']]);
      expect(res.status, hsa + unit).toBe(400);
      expect(res.body.error).toBe('invalid_request');
    }
  });

  it('logs in staff at existing units', async () => {
    const res = await login([['hsa_id', 'SE2321000065-P000000000202'], ['unit', 'Organization/vc-centrum'], ['unit', 'vc-teleborg'], ['role', 'nurse']]);
    expect(res.status).toBe(200);
  });

  it('says in the token response when no Patient has the personnummer', async () => {
    const unknown = await login([['personnummer', '194612122228']]);
    expect(unknown.status).toBe(200);
    expect(unknown.body.patient).toBeUndefined();
    expect(unknown.body.notice).toMatch(/No Patient/);
    const sven = await login([['personnummer', '195009072553']]);
    expect(sven.body.patient).toBe('sven-oberg');
    expect(sven.body.notice).toBeUndefined();
  });
});
