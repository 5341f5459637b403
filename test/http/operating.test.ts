import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

/** CORS for browser apps, the request log and request ids, as an operator and a web developer see them. */
const PNR = '195009072553';
const lines: Record<string, unknown>[] = [];
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({}, { log: createLogger('info', (line) => lines.push(JSON.parse(line) as Record<string, unknown>)) });
});
afterAll(() => t.close());

const ORIGIN = 'https://app.example.se';

describe('CORS', () => {
  it('answers a preflight before authentication, allowing the FHIR request headers', async () => {
    for (const path of ['Patient', 'metadata', 'Patient/abc/_history/1']) {
      const res = await t.request('OPTIONS', path, {
        token: null,
        headers: { origin: ORIGIN, 'access-control-request-method': 'PUT', 'access-control-request-headers': 'authorization, content-type, if-match, prefer' },
      });
      expect(res.status, path).toBe(204);
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
      expect(res.headers.get('access-control-allow-methods')).toContain('PUT');
      const allowed = res.headers.get('access-control-allow-headers')!.toLowerCase().split(',');
      for (const h of ['authorization', 'content-type', 'if-match', 'if-none-exist', 'prefer']) expect(allowed).toContain(h);
      expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    }
  });

  it('lets a script read Location and ETag of a create, and says cors: true in the CapabilityStatement', async () => {
    const res = await t.request('POST', 'Patient', { body: { resourceType: 'Patient' }, headers: { origin: ORIGIN } });
    expect(res.status).toBe(201);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const exposed = res.headers.get('access-control-expose-headers')!.toLowerCase().split(',');
    for (const h of ['location', 'etag', 'content-location']) expect(exposed).toContain(h);
    expect((await t.request('GET', 'metadata')).body.rest[0].security.cors).toBe(true);
  });

  it('with LOTS_CORS_ORIGINS, allows only the listed origins; off means no CORS and cors: false', async () => {
    const listed = await createTestApp({ LOTS_CORS_ORIGINS: `${ORIGIN}, https://other.example.se` });
    try {
      const ok = await listed.request('GET', 'metadata', { headers: { origin: ORIGIN } });
      expect(ok.headers.get('access-control-allow-origin')).toBe(ORIGIN);
      const stranger = await listed.request('GET', 'metadata', { headers: { origin: 'https://evil.example' } });
      expect(stranger.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await listed.close();
    }
    const off = await createTestApp({ LOTS_CORS_ORIGINS: 'off' });
    try {
      const res = await off.request('GET', 'metadata', { headers: { origin: ORIGIN } });
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
      expect(res.body.rest[0].security.cors).toBe(false);
      expect((await off.request('OPTIONS', 'Patient', { token: null, headers: { origin: ORIGIN, 'access-control-request-method': 'GET' } })).status).toBe(401);
    } finally {
      await off.close();
    }
  });

  it('refuses a malformed LOTS_CORS_ORIGINS at start', async () => {
    await expect(createTestApp({ LOTS_CORS_ORIGINS: 'app.example.se' })).rejects.toThrow(/LOTS_CORS_ORIGINS/);
  });
});

describe('the request log', () => {
  it('writes one line per request with method, route, status, bytes, ms, request id and client, and no patient data', async () => {
    lines.length = 0;
    const created = await t.request('PUT', `Patient/pnr-${PNR}`, {
      body: { resourceType: 'Patient', id: `pnr-${PNR}`, identifier: [{ system: 'http://electronichealth.se/identifier/personnummer', value: PNR }], name: [{ family: 'Öberg' }] },
    });
    expect(created.status).toBe(201);
    const search = await t.request('GET', `Patient?identifier=${PNR}&name=Öberg`);
    expect(search.status).toBe(200);
    await t.request('GET', `Patient/pnr-${PNR}/_history/1`);
    const requests = lines.filter((l) => l.msg === 'request');
    expect(requests.map((l) => [l.method, l.route, l.status])).toEqual([
      ['PUT', '/fhir/Patient/:id', 201],
      ['GET', '/fhir/Patient', 200],
      ['GET', '/fhir/Patient/:id/_history/:vid', 200],
    ]);
    expect(requests[1]).toMatchObject({ level: 'info', clientId: 'test', bytes: Buffer.byteLength(search.text) });
    expect(typeof requests[1]!.ms).toBe('number');
    expect(requests[1]!.requestId).toBe(search.headers.get('x-request-id'));
    const text = JSON.stringify(lines);
    expect(text).not.toContain(PNR);
    expect(text).not.toContain('Öberg');
  });

  it('keeps a well-formed X-Request-Id, replaces a malformed one, and generates one otherwise', async () => {
    const kept = await t.request('GET', 'metadata', { headers: { 'x-request-id': 'ehr-4711.abc' } });
    expect(kept.headers.get('x-request-id')).toBe('ehr-4711.abc');
    const replaced = await t.request('GET', 'metadata', { headers: { 'x-request-id': `pnr ${PNR} "fake"` } });
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const generated = await t.request('GET', 'metadata');
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(generated.headers.get('x-request-id')).not.toBe(replaced.headers.get('x-request-id'));
  });

  it('names the request id in the OperationOutcome of a 500, and logs the error under it', async () => {
    const broken = await createTestApp({}, { log: createLogger('info', (line) => lines.push(JSON.parse(line) as Record<string, unknown>)) });
    try {
      // A database that lost a table: the unexpected failure a 500 is for.
      await broken.deps.db.exec('alter table resource rename to resource_gone');
      lines.length = 0;
      const res = await broken.request('GET', 'Patient/whoever', { headers: { 'x-request-id': 'trace-500' } });
      expect(res.status).toBe(500);
      expect(res.headers.get('x-request-id')).toBe('trace-500');
      expect(res.body.issue[0].code).toBe('exception');
      expect(res.body.issue[0].diagnostics).toContain('trace-500');
      expect(lines.find((l) => l.level === 'error')).toMatchObject({ requestId: 'trace-500' });
      expect(lines.find((l) => l.msg === 'request')).toMatchObject({ status: 500, requestId: 'trace-500' });
    } finally {
      await broken.deps.db.exec('alter table resource_gone rename to resource').catch(() => undefined);
      await broken.close();
    }
  });
});
