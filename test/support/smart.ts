/**
 * Drives SMART App Launch through the app in-process, as a browser and an app would: the authorize
 * request, the pages' forms (with the cookie the first page set), and the token endpoint.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { TestApp } from './test-app.js';

export const ORIGIN = 'http://localhost:8080';
export const APP_REDIRECT = 'https://app.example.se/callback';

export interface Pkce {
  verifier: string;
  challenge: string;
}

export function pkce(): Pkce {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export interface Page {
  status: number;
  html: string;
  /** The Location of a redirect, parsed. */
  location?: URL;
  request?: string;
}

export class Browser {
  cookie = '';
  constructor(readonly t: TestApp) {}

  private async page(res: Response): Promise<Page> {
    const set = res.headers.get('set-cookie');
    if (set) this.cookie = set.split(';')[0]!;
    const html = await res.text();
    const loc = res.headers.get('location');
    const request = /name="request" value="([^"]+)"/.exec(html)?.[1];
    return { status: res.status, html, ...(loc ? { location: new URL(loc) } : {}), ...(request ? { request } : {}) };
  }

  async authorize(params: Record<string, string>): Promise<Page> {
    const url = `${ORIGIN}/auth/authorize?${new URLSearchParams(params)}`;
    return this.page(await this.t.app.request(url, { headers: this.cookie ? { cookie: this.cookie } : {} }));
  }

  /** Follows a redirect back to Lots (e.g. from an identity provider). */
  async get(url: string): Promise<Page> {
    return this.page(await this.t.app.request(url, { headers: this.cookie ? { cookie: this.cookie } : {} }));
  }

  async post(path: string, fields: [string, string][]): Promise<Page> {
    const res = await this.t.app.request(`${ORIGIN}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(this.cookie ? { cookie: this.cookie } : {}) },
      body: new URLSearchParams(fields).toString(),
    });
    return this.page(res);
  }
}

export function authorizeParams(clientId: string, scope: string, p: Pkce, extra: Record<string, string> = {}): Record<string, string> {
  return {
    response_type: 'code',
    client_id: clientId,
    redirect_uri: APP_REDIRECT,
    scope,
    state: 'st/ä te&x=1',
    aud: 'http://localhost:8080/fhir',
    code_challenge: p.challenge,
    code_challenge_method: 'S256',
    ...extra,
  };
}

/** POSTs a form to the token (or another /auth) endpoint. */
export async function oauthPost(t: TestApp, path: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const res = await t.app.request(`${ORIGIN}${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(fields).toString() });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}
