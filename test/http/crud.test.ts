import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASE, createTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const patient = (extra: Record<string, unknown> = {}) => ({
  resourceType: 'Patient',
  name: [{ family: 'Öberg', given: ['Sven'] }],
  gender: 'male',
  birthDate: '1950-09-07',
  ...extra,
});

describe('create', () => {
  it('assigns an id and answers 201 with Location, ETag and Last-Modified', async () => {
    const res = await t.request('POST', 'Patient', { body: patient({ id: 'client-chosen' }) });
    expect(res.status).toBe(201);
    expect(res.body.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.body.id).not.toBe('client-chosen');
    expect(res.headers.get('location')).toBe(`${BASE}/Patient/${res.body.id}/_history/1`);
    expect(res.headers.get('etag')).toBe('W/"1"');
    expect(new Date(res.headers.get('last-modified')!).getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect(res.body.meta.versionId).toBe('1');
    expect(res.headers.get('content-type')).toMatch(/^application\/fhir\+json/);
  });

  it('rejects a body whose resourceType differs from the URL with 400', async () => {
    const res = await t.request('POST', 'Observation', { body: patient() });
    expect(res.status).toBe(400);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(res.body.issue[0].diagnostics).toMatch(/Patient.*Observation/);
  });

  it('answers 404 for an unknown resource type', async () => {
    const res = await t.request('POST', 'Patients', { body: patient() });
    expect(res.status).toBe(404);
    expect(res.body.issue[0].code).toBe('not-found');
  });

  it('answers 400 for malformed JSON and writes nothing', async () => {
    const res = await t.request('POST', 'Patient', { body: '{"resourceType": "Patient", ' });
    expect(res.status).toBe(400);
    expect(res.body.issue[0].diagnostics).toMatch(/not valid JSON/);
  });

  it('answers 415 for a content type it does not speak', async () => {
    const res = await t.request('POST', 'Patient', { body: '<Patient xmlns="http://hl7.org/fhir"/>', headers: { 'content-type': 'application/fhir+xml' } });
    expect(res.status).toBe(415);
  });

  it('answers 422 with the element path for an invalid resource, and stores nothing', async () => {
    const before = await t.request('GET', 'Patient?_summary=count');
    const res = await t.request('POST', 'Patient', { body: patient({ gender: 'bogus', foo: 1 }) });
    expect(res.status).toBe(422);
    const exprs = res.body.issue.flatMap((i: { expression?: string[] }) => i.expression ?? []);
    expect(exprs).toContain('Patient.gender');
    expect(exprs).toContain('Patient.foo');
    const after = await t.request('GET', 'Patient?_summary=count');
    expect(after.body.total).toBe(before.body.total);
  });

  it('rejects a personnummer with a wrong check digit with 422 naming the identifier', async () => {
    const res = await t.request('POST', 'Patient', {
      body: patient({ identifier: [{ system: 'http://electronichealth.se/identifier/personnummer', value: '191212121213' }] }),
    });
    expect(res.status).toBe(422);
    expect(res.body.issue[0].expression).toEqual(['Patient.identifier[0].value']);
    expect(res.body.issue[0].diagnostics).toMatch(/check digit/);
  });

  it('accepts a valid personnummer and samordningsnummer', async () => {
    const res = await t.request('POST', 'Patient', {
      body: patient({
        identifier: [
          { system: 'http://electronichealth.se/identifier/personnummer', value: '191212121212' },
          { system: 'http://electronichealth.se/identifier/samordningsnummer', value: '197010632391' },
        ],
      }),
    });
    expect(res.status).toBe(201);
  });
});

describe('read and vread', () => {
  it('reads what was created, 404 for unknown, 410 after delete', async () => {
    const created = await t.request('POST', 'Patient', { body: patient() });
    const id = created.body.id;
    const read = await t.request('GET', `Patient/${id}`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(created.body);
    expect(read.headers.get('etag')).toBe('W/"1"');

    expect((await t.request('GET', 'Patient/does-not-exist')).status).toBe(404);

    const del = await t.request('DELETE', `Patient/${id}`);
    expect(del.status).toBe(200);
    const gone = await t.request('GET', `Patient/${id}`);
    expect(gone.status).toBe(410);
    expect(gone.body.issue[0].code).toBe('deleted');
  });

  it('vreads each version; the delete version is 410', async () => {
    const created = await t.request('POST', 'Patient', { body: patient() });
    const id = created.body.id;
    await t.request('PUT', `Patient/${id}`, { body: { ...created.body, gender: 'female' } });
    await t.request('DELETE', `Patient/${id}`);
    const v1 = await t.request('GET', `Patient/${id}/_history/1`);
    expect(v1.status).toBe(200);
    expect(v1.body.gender).toBe('male');
    const v2 = await t.request('GET', `Patient/${id}/_history/2`);
    expect(v2.body.gender).toBe('female');
    expect((await t.request('GET', `Patient/${id}/_history/3`)).status).toBe(410);
    expect((await t.request('GET', `Patient/${id}/_history/4`)).status).toBe(404);
  });

  it('answers 304 to a conditional read of the current version', async () => {
    const created = await t.request('POST', 'Patient', { body: patient() });
    const res = await t.request('GET', `Patient/${created.body.id}`, { headers: { 'if-none-match': 'W/"1"' } });
    expect(res.status).toBe(304);
    expect(res.text).toBe('');
  });

  it('answers 400 for an invalid id', async () => {
    const res = await t.request('GET', 'Patient/not_valid_id!');
    expect(res.status).toBe(400);
  });
});

describe('update', () => {
  it('writes a new version and answers 200', async () => {
    const created = await t.request('POST', 'Patient', { body: patient() });
    const id = created.body.id;
    const res = await t.request('PUT', `Patient/${id}`, { body: { ...created.body, gender: 'female' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toBe('W/"2"');
    expect(res.body.meta.versionId).toBe('2');
    expect(res.body.gender).toBe('female');
  });

  it('creates with the client id when absent (201)', async () => {
    const res = await t.request('PUT', 'Patient/client-id-1', { body: patient({ id: 'client-id-1' }) });
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe(`${BASE}/Patient/client-id-1/_history/1`);
    expect((await t.request('GET', 'Patient/client-id-1')).status).toBe(200);
  });

  it('answers 400 when the ids in URL and body disagree or the body has none', async () => {
    const mismatch = await t.request('PUT', 'Patient/a1', { body: patient({ id: 'b2' }) });
    expect(mismatch.status).toBe(400);
    expect(mismatch.body.issue[0].diagnostics).toMatch(/differs/);
    const missing = await t.request('PUT', 'Patient/a1', { body: patient() });
    expect(missing.status).toBe(400);
  });

  it('answers 412 for a stale If-Match and keeps the newer version', async () => {
    const created = await t.request('POST', 'Patient', { body: patient() });
    const id = created.body.id;
    await t.request('PUT', `Patient/${id}`, { body: { ...created.body, gender: 'female' }, headers: { 'if-match': 'W/"1"' } });
    const stale = await t.request('PUT', `Patient/${id}`, { body: { ...created.body, gender: 'other' }, headers: { 'if-match': 'W/"1"' } });
    expect(stale.status).toBe(412);
    expect((await t.request('GET', `Patient/${id}`)).body.gender).toBe('female');
  });

  it('lets exactly one of 20 concurrent updates with the same If-Match succeed', async () => {
    const created = await t.request('POST', 'Patient', { body: patient() });
    const id = created.body.id;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, n) =>
        t.request('PUT', `Patient/${id}`, { body: { ...created.body, birthDate: `19${String(n + 10)}-01-01` }, headers: { 'if-match': 'W/"1"' } }),
      ),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 412)).toHaveLength(19);
    const history = await t.request('GET', `Patient/${id}/_history`);
    expect(history.body.entry).toHaveLength(2);
  });
});

describe('delete', () => {
  it('is idempotent and history keeps a delete entry', async () => {
    const created = await t.request('POST', 'Patient', { body: patient() });
    const id = created.body.id;
    expect((await t.request('DELETE', `Patient/${id}`)).status).toBe(200);
    expect((await t.request('DELETE', `Patient/${id}`)).status).toBe(200);
    expect((await t.request('DELETE', 'Patient/never-existed')).status).toBe(200);
    const history = await t.request('GET', `Patient/${id}/_history`);
    expect(history.body.entry).toHaveLength(2);
    expect(history.body.entry[0].request).toEqual({ method: 'DELETE', url: `Patient/${id}` });
    expect(history.body.entry[0].resource).toBeUndefined();
  });

  it('can be recreated with PUT after delete, continuing the version numbers', async () => {
    const created = await t.request('POST', 'Patient', { body: patient() });
    const id = created.body.id;
    await t.request('DELETE', `Patient/${id}`);
    const again = await t.request('PUT', `Patient/${id}`, { body: patient({ id }) });
    expect(again.status).toBe(201);
    expect(again.body.meta.versionId).toBe('3');
  });
});

describe('Prefer and formats', () => {
  it('honours Prefer: return=minimal and return=OperationOutcome', async () => {
    const minimal = await t.request('POST', 'Patient', { body: patient(), headers: { prefer: 'return=minimal' } });
    expect(minimal.status).toBe(201);
    expect(minimal.text).toBe('');
    expect(minimal.headers.get('location')).toMatch(/_history\/1$/);
    const oo = await t.request('POST', 'Patient', { body: patient(), headers: { prefer: 'return=OperationOutcome' } });
    expect(oo.body.resourceType).toBe('OperationOutcome');
  });

  it('pretty-prints with _pretty=true', async () => {
    const created = await t.request('POST', 'Patient', { body: patient() });
    const res = await t.request('GET', `Patient/${created.body.id}?_pretty=true`);
    expect(res.text).toContain('\n  "resourceType": "Patient"');
  });

  it('answers 406 when only XML is acceptable, JSON for */*', async () => {
    expect((await t.request('GET', 'metadata', { headers: { accept: 'application/fhir+xml' } })).status).toBe(406);
    expect((await t.request('GET', 'metadata?_format=xml')).status).toBe(406);
    expect((await t.request('GET', 'metadata?_format=json')).status).toBe(200);
    const any = await t.request('GET', 'metadata', { headers: { accept: 'text/html,*/*;q=0.8' } });
    expect(any.status).toBe(200);
  });

  it('answers 413 for a body over the limit', async () => {
    const small = await createTestApp({ LOTS_MAX_BODY_BYTES: '1000' });
    try {
      const res = await small.request('POST', 'Patient', { body: patient({ text: { status: 'generated', div: `<div xmlns="http://www.w3.org/1999/xhtml">${'x'.repeat(2000)}</div>` } }) });
      expect(res.status).toBe(413);
      expect(res.body.issue[0].code).toBe('too-long');
    } finally {
      await small.close();
    }
  });
});

describe('metadata and health', () => {
  it('serves a CapabilityStatement for R4 listing all 145 resource types', async () => {
    const res = await t.request('GET', 'metadata');
    expect(res.status).toBe(200);
    expect(res.body.fhirVersion).toBe('4.0.1');
    const resources = res.body.rest[0].resource;
    expect(resources).toHaveLength(145);
    const obs = resources.find((r: { type: string }) => r.type === 'Observation');
    expect(obs.interaction.map((i: { code: string }) => i.code)).toEqual(expect.arrayContaining(['read', 'vread', 'update', 'patch', 'delete', 'create', 'search-type', 'history-instance']));
    expect(obs.searchParam.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['code', 'subject', 'date', 'value-quantity']));
    expect(obs.operation.map((o: { name: string }) => o.name)).toContain('validate');
  });

  it('has /healthz and /readyz', async () => {
    expect((await t.request('GET', '/healthz')).status).toBe(200);
    const ready = await t.request('GET', '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body.status).toBe('ready');
  });
});
