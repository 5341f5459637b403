/**
 * Login abuse at the token endpoint and the demo login: limits per client and per address with 429 and
 * Retry-After, and errors that do not tell which client ids exist. A real socket, so requests have an
 * address.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.js';

let s: TestServer;
let origin: string;
beforeAll(async () => {
  s = await startTestServer({ LOTS_LOGIN_RATE_PER_ADDRESS: '9', LOTS_LOGIN_FAILURES_PER_CLIENT: '3', LOTS_DEMO_LOGIN: 'on' });
  origin = new URL(s.baseUrl).origin;
});
afterAll(() => s.close());

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

async function token(authorization: string): Promise<{ status: number; retryAfter: string | null; body: any }> {
  const res = await fetch(`${origin}/auth/token`, {
    method: 'POST',
    headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials',
  });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: await res.json() };
}

async function demo(form: string): Promise<{ status: number; retryAfter: string | null }> {
  const res = await fetch(`${origin}/auth/demo/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form });
  await res.arrayBuffer();
  return { status: res.status, retryAfter: res.headers.get('retry-after') };
}

describe('login abuse', () => {
  it('answers an unknown client and a wrong secret alike', async () => {
    const unknown = await token(basic('no-such-client', 'guess-guess-guess'));
    const wrong = await token(basic('lots-test-client', 'guess-guess-guess'));
    expect(unknown.status).toBe(401);
    expect(wrong).toEqual(unknown);
    const badEncoding = await token(basic('%E0%A4%A', 'x'));
    expect(badEncoding.status).toBe(401);
  });

  it('blocks a client after repeated failures, even with the right secret, and not other clients', async () => {
    // One failure above already counted against lots-test-client; two more reach the limit of three.
    expect((await token(basic('lots-test-client', 'another-wrong-guess'))).status).toBe(401);
    expect((await token(basic('lots-test-client', 'third-wrong-guess'))).status).toBe(401);
    const blocked = await token(basic('lots-test-client', 'yet-another-guess'));
    expect(blocked.status).toBe(429);
    expect(Number(blocked.retryAfter)).toBeGreaterThan(0);
    expect(Number(blocked.retryAfter)).toBeLessThanOrEqual(60);
    await expect(s.token()).rejects.toThrow(/429/);
    expect((await token(basic('some-other-client', 'wrong-secret-here'))).status).toBe(401);
  });

  it('limits every login from one address, the demo login included', async () => {
    // Six requests so far from this address (429s are not counted); three more reach the limit of nine.
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await demo('personnummer=191212121212'));
    expect(answers.slice(0, 3).map((a) => a.status)).toEqual([200, 200, 200]);
    expect(answers[3]!.status).toBe(429);
    expect(Number(answers[3]!.retryAfter)).toBeGreaterThan(0);
    expect((await token(basic('some-other-client', 'wrong-secret-here'))).status).toBe(429);
  });
});
