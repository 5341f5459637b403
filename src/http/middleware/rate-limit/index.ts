/**
 * @module http/middleware/rate-limit
 * Login abuse limits for the token endpoints (https://www.rfc-editor.org/rfc/rfc6585#section-4):
 * - per address: every request from one remote address counts (guessing secrets from one host);
 * - per client: failed attempts (4xx) for one client id, or one demo-login identity, count, so guessing
 *   one client's secret from many addresses stops too, while a client that succeeds is not slowed.
 * Beyond a limit the answer is 429 with Retry-After until the window (fixed, one minute) ends.
 *
 * Counters live in this process: with N instances behind a load balancer the effective limit is up to
 * N times higher. Addresses are the TCP peer's; behind a proxy they are the proxy's (set the limits
 * accordingly). Requests without a socket (in-process tests) have no address and skip that limit.
 */
import { createHash } from 'node:crypto';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context, MiddlewareHandler } from 'hono';

export interface RateLimitOptions {
  /** Requests per address per window. */
  perAddress: number;
  /** Failed attempts per client (or demo identity) per window. */
  failuresPerClient: number;
  windowMs?: number;
  /** Most keys remembered; the oldest windows are dropped first beyond it. */
  maxKeys?: number;
  now?: () => number;
}

interface Window {
  count: number;
  resetAt: number;
}

export function createCounter(windowMs: number, maxKeys: number, now: () => number) {
  const windows = new Map<string, Window>();
  const current = (key: string): Window => {
    const t = now();
    let w = windows.get(key);
    if (!w || w.resetAt <= t) {
      if (w) windows.delete(key);
      if (windows.size >= maxKeys) windows.delete(windows.keys().next().value!);
      w = { count: 0, resetAt: t + windowMs };
      windows.set(key, w);
    }
    return w;
  };
  return {
    /** Seconds until `key` may try again when it is at `max`; undefined while under it. */
    blocked(key: string, max: number): number | undefined {
      const w = current(key);
      return w.count >= max ? Math.max(1, Math.ceil((w.resetAt - now()) / 1000)) : undefined;
    },
    add(key: string): void {
      current(key).count++;
    },
  };
}

export const rateLimit = ({ perAddress, failuresPerClient, windowMs = 60_000, maxKeys = 100_000, now = Date.now }: RateLimitOptions): MiddlewareHandler => {
  const counter = createCounter(windowMs, maxKeys, now);
  return async function rateLimit(c, next) {
    const address = remoteAddress(c);
    const client = await clientKey(c);
    const addressKey = address ? `a:${address}` : undefined;
    const wait =
      (addressKey ? counter.blocked(addressKey, perAddress) : undefined) ?? (client ? counter.blocked(client, failuresPerClient) : undefined);
    if (wait !== undefined) {
      return c.json({ error: 'temporarily_unavailable', error_description: `Too many attempts; try again in ${wait} seconds` }, 429, { 'Retry-After': String(wait) });
    }
    if (addressKey) counter.add(addressKey);
    await next();
    if (client && c.res.status >= 400 && c.res.status < 500) counter.add(client);
  };
};

function remoteAddress(c: Context): string | undefined {
  try {
    return getConnInfo(c).remote.address;
  } catch {
    return undefined;
  }
}

/**
 * Who the attempt is for: the client id (HTTP Basic, client_id, or a client assertion's iss), or for
 * the demo login the identity, hashed so no personnummer is kept in memory.
 */
async function clientKey(c: Context): Promise<string | undefined> {
  const basic = /^Basic\s+(.+)$/i.exec(c.req.header('authorization') ?? '');
  if (basic) {
    const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
    return `c:${decoded.slice(0, Math.max(0, decoded.indexOf(':')))}`;
  }
  if (!(c.req.header('content-type') ?? '').startsWith('application/x-www-form-urlencoded')) return undefined;
  const form = new URLSearchParams(await c.req.text());
  const id = form.get('client_id') ?? assertionIssuer(form.get('client_assertion'));
  if (id) return `c:${id}`;
  const who = form.get('personnummer') ?? form.get('hsa_id');
  return who ? `d:${createHash('sha256').update(who).digest('base64url')}` : undefined;
}

function assertionIssuer(assertion: string | null): string | undefined {
  if (!assertion) return undefined;
  try {
    const iss = (JSON.parse(Buffer.from(assertion.split('.')[1] ?? '', 'base64url').toString('utf8')) as { iss?: unknown }).iss;
    return typeof iss === 'string' ? iss : undefined;
  } catch {
    return undefined;
  }
}
