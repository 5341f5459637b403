import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASE, createTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

/** A fresh identifier system per test, so tests never see each other's patients. */
const newSystem = () => `urn:uuid:${randomUUID()}`;

const patient = (system: string, value: string, extra: Record<string, unknown> = {}) => ({
  resourceType: 'Patient',
  identifier: [{ system, value }],
  name: [{ family: 'Nyström', given: ['Elsa'] }],
  gender: 'female',
  ...extra,
});

/** The ids of the Patients (not deleted) with this identifier system. */
async function idsWith(system: string): Promise<string[]> {
  const res = await t.request('GET', `Patient?identifier=${encodeURIComponent(`${system}|`)}&_count=100`);
  expect(res.status).toBe(200);
  return (res.body.entry ?? []).map((e: any) => e.resource.id).sort();
}

/** How many Patient versions exist: a write of any kind adds one. (Type history: AuditEvents are not counted.) */
async function countAll(): Promise<number> {
  return (await t.request('GET', 'Patient/_history?_count=1000')).body.entry?.length ?? 0;
}

const q = (system: string, value: string) => `identifier=${encodeURIComponent(`${system}|${value}`)}`;

describe('conditional create (If-None-Exist)', () => {
  it('creates when nothing matches (201)', async () => {
    const sys = newSystem();
    const res = await t.request('POST', 'Patient', { body: patient(sys, '1'), headers: { 'if-none-exist': `identifier=${sys}|1` } });
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe(`${BASE}/Patient/${res.body.id}/_history/1`);
    expect(await idsWith(sys)).toEqual([res.body.id]);
  });

  it('returns the one match with 200 and creates nothing', async () => {
    const sys = newSystem();
    const first = await t.request('POST', 'Patient', { body: patient(sys, '1') });
    const writes = await countAll();
    const res = await t.request('POST', 'Patient', { body: patient(sys, '1', { gender: 'male' }), headers: { 'if-none-exist': `identifier=${sys}|1` } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual(first.body);
    expect(res.headers.get('etag')).toBe('W/"1"');
    expect(await idsWith(sys)).toEqual([first.body.id]);
    expect(await countAll()).toBe(writes);
  });

  it('accepts the criteria written as a relative URL (Patient?identifier=...)', async () => {
    const sys = newSystem();
    const first = await t.request('POST', 'Patient', { body: patient(sys, '1') });
    const res = await t.request('POST', 'Patient', { body: patient(sys, '1'), headers: { 'if-none-exist': `Patient?identifier=${sys}|1` } });
    expect(res.status).toBe(200);
    expect(res.body.id).toBe(first.body.id);
    expect(await idsWith(sys)).toEqual([first.body.id]);
  });

  it('answers 412 when several match, and creates nothing', async () => {
    const sys = newSystem();
    await t.request('POST', 'Patient', { body: patient(sys, 'twin') });
    await t.request('POST', 'Patient', { body: patient(sys, 'twin') });
    const res = await t.request('POST', 'Patient', { body: patient(sys, 'twin'), headers: { 'if-none-exist': `identifier=${sys}|twin` } });
    expect(res.status).toBe(412);
    expect(res.body.issue[0].code).toBe('multiple-matches');
    expect(await idsWith(sys)).toHaveLength(2);
  });

  it('still validates what it creates (422, nothing written)', async () => {
    const sys = newSystem();
    const res = await t.request('POST', 'Patient', { body: patient(sys, '1', { gender: 'bogus' }), headers: { 'if-none-exist': `identifier=${sys}|1` } });
    expect(res.status).toBe(422);
    expect(await idsWith(sys)).toEqual([]);
  });

  it('10 concurrent identical conditional creates make exactly one resource', async () => {
    const sys = newSystem();
    const results = await Promise.all(
      Array.from({ length: 10 }, () => t.request('POST', 'Patient', { body: patient(sys, 'once'), headers: { 'if-none-exist': `identifier=${sys}|once` } })),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
    const ids = await idsWith(sys);
    expect(ids).toHaveLength(1);
    expect(new Set(results.map((r) => r.body.id))).toEqual(new Set(ids));
  });

  it('concurrent conditional creates and conditional updates with the same criteria make exactly one resource', async () => {
    const sys = newSystem();
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, n) =>
        n % 2 === 0
          ? t.request('POST', 'Patient', { body: patient(sys, 'once'), headers: { 'if-none-exist': `identifier=${sys}|once` } })
          : t.request('PUT', `Patient?${q(sys, 'once')}`, { body: patient(sys, 'once') }),
      ),
    );
    expect(results.map((r) => r.status).filter((s) => s === 201)).toHaveLength(1);
    expect(results.every((r) => r.status === 200 || r.status === 201)).toBe(true);
    expect(await idsWith(sys)).toHaveLength(1);
  });

  it.each([
    ['an unknown parameter', (sys: string) => `identifer=${sys}|1`],
    ['an unknown parameter next to a known one', (sys: string) => `identifier=${sys}|1&nosuchparam=x`],
    ['only a parameter that filters nothing', () => '_count=1'],
    ['only a sort', () => '_sort=birthdate'],
  ])('answers 400 for criteria with %s, and creates nothing', async (_why, criteria) => {
    const sys = newSystem();
    const before = await countAll();
    const res = await t.request('POST', 'Patient', { body: patient(sys, '1'), headers: { 'if-none-exist': criteria(sys) } });
    expect(res.status).toBe(400);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(await countAll()).toBe(before);
  });
});

describe('conditional update (PUT /Type?criteria)', () => {
  it('creates when nothing matches (201, server-assigned id)', async () => {
    const sys = newSystem();
    const res = await t.request('PUT', `Patient?${q(sys, '1')}`, { body: patient(sys, '1') });
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe(`${BASE}/Patient/${res.body.id}/_history/1`);
    expect(await idsWith(sys)).toEqual([res.body.id]);
  });

  it('updates the one match, with or without the matching id in the body', async () => {
    const sys = newSystem();
    const first = await t.request('POST', 'Patient', { body: patient(sys, '1') });
    const noId = await t.request('PUT', `Patient?${q(sys, '1')}`, { body: patient(sys, '1', { gender: 'other' }) });
    expect(noId.status).toBe(200);
    expect(noId.body.id).toBe(first.body.id);
    expect(noId.body.meta.versionId).toBe('2');
    expect(noId.headers.get('etag')).toBe('W/"2"');
    const withId = await t.request('PUT', `Patient?${q(sys, '1')}`, { body: patient(sys, '1', { id: first.body.id, gender: 'male' }) });
    expect(withId.status).toBe(200);
    expect(withId.body.meta.versionId).toBe('3');
    const read = await t.request('GET', `Patient/${first.body.id}`);
    expect(read.body.gender).toBe('male');
    expect(await idsWith(sys)).toEqual([first.body.id]);
  });

  it('answers 412 when several match, and changes nothing', async () => {
    const sys = newSystem();
    const a = await t.request('POST', 'Patient', { body: patient(sys, 'twin') });
    const b = await t.request('POST', 'Patient', { body: patient(sys, 'twin') });
    const res = await t.request('PUT', `Patient?${q(sys, 'twin')}`, { body: patient(sys, 'twin', { gender: 'male' }) });
    expect(res.status).toBe(412);
    expect(res.body.issue[0].code).toBe('multiple-matches');
    for (const p of [a.body, b.body]) expect((await t.request('GET', `Patient/${p.id}`)).body).toEqual(p);
  });

  it('answers 400 when the body id differs from the match, and changes nothing', async () => {
    const sys = newSystem();
    const first = await t.request('POST', 'Patient', { body: patient(sys, '1') });
    const res = await t.request('PUT', `Patient?${q(sys, '1')}`, { body: patient(sys, '1', { id: 'another-id', gender: 'male' }) });
    expect(res.status).toBe(400);
    expect(res.body.issue[0].diagnostics).toMatch(/another-id/);
    expect((await t.request('GET', `Patient/${first.body.id}`)).body).toEqual(first.body);
    expect((await t.request('GET', 'Patient/another-id')).status).toBe(404);
  });

  it('creates with the body id when nothing matches and the id is free (201)', async () => {
    const sys = newSystem();
    const id = `cond-${randomUUID()}`;
    const res = await t.request('PUT', `Patient?${q(sys, '1')}`, { body: patient(sys, '1', { id }) });
    expect(res.status).toBe(201);
    expect(res.body.id).toBe(id);
    expect(res.headers.get('location')).toBe(`${BASE}/Patient/${id}/_history/1`);
  });

  it('answers 409 when nothing matches but the body id names another existing resource, and leaves it alone', async () => {
    const sys = newSystem();
    const other = await t.request('POST', 'Patient', { body: patient(sys, 'other') });
    const res = await t.request('PUT', `Patient?${q(sys, 'absent')}`, { body: patient(sys, 'absent', { id: other.body.id, gender: 'male' }) });
    expect(res.status).toBe(409);
    expect(res.body.issue[0].code).toBe('conflict');
    expect((await t.request('GET', `Patient/${other.body.id}`)).body).toEqual(other.body);
  });

  it('answers 415 for a form body, as for any write', async () => {
    const sys = newSystem();
    const form = { body: `identifier=${sys}|1`, headers: { 'content-type': 'application/x-www-form-urlencoded' } };
    expect((await t.request('PUT', `Patient?${q(sys, '1')}`, form)).status).toBe(415);
    expect((await t.request('POST', 'Patient', { ...form, headers: { ...form.headers, 'if-none-exist': `identifier=${sys}|1` } })).status).toBe(415);
    expect(await idsWith(sys)).toEqual([]);
  });

  it('answers 412 for a stale If-Match on the match', async () => {
    const sys = newSystem();
    const first = await t.request('POST', 'Patient', { body: patient(sys, '1') });
    await t.request('PUT', `Patient/${first.body.id}`, { body: { ...first.body, gender: 'other' } });
    const res = await t.request('PUT', `Patient?${q(sys, '1')}`, { body: patient(sys, '1', { gender: 'male' }), headers: { 'if-match': 'W/"1"' } });
    expect(res.status).toBe(412);
    expect((await t.request('GET', `Patient/${first.body.id}`)).body.gender).toBe('other');
  });

  it('answers 422 for an invalid body and changes nothing', async () => {
    const sys = newSystem();
    const first = await t.request('POST', 'Patient', { body: patient(sys, '1') });
    const res = await t.request('PUT', `Patient?${q(sys, '1')}`, { body: patient(sys, '1', { gender: 'bogus' }) });
    expect(res.status).toBe(422);
    expect((await t.request('GET', `Patient/${first.body.id}`)).body).toEqual(first.body);
  });

  it('does not match a deleted resource', async () => {
    const sys = newSystem();
    const first = await t.request('POST', 'Patient', { body: patient(sys, '1') });
    await t.request('DELETE', `Patient/${first.body.id}`);
    const res = await t.request('PUT', `Patient?${q(sys, '1')}`, { body: patient(sys, '1') });
    expect(res.status).toBe(201);
    expect(res.body.id).not.toBe(first.body.id);
  });

  it('answers 400 for an unknown parameter, for criteria that filter nothing, and for no criteria', async () => {
    const sys = newSystem();
    const existing = await t.request('POST', 'Patient', { body: patient(sys, '1') });
    const before = await countAll();
    for (const path of [`Patient?identifer=${encodeURIComponent(`${sys}|1`)}`, `Patient?${q(sys, '1')}&bogus=1`, 'Patient?_count=1', 'Patient', 'Patient?_format=json']) {
      const res = await t.request('PUT', path, { body: patient(sys, '1', { gender: 'male' }) });
      expect(res.status, path).toBe(400);
      expect(res.body.issue[0].code).toBe('invalid');
    }
    expect(await countAll()).toBe(before);
    expect((await t.request('GET', `Patient/${existing.body.id}`)).body.gender).toBe('female');
  });
});

describe('conditional delete (DELETE /Type?criteria)', () => {
  it('succeeds and deletes nothing when nothing matches', async () => {
    const sys = newSystem();
    const other = await t.request('POST', 'Patient', { body: patient(sys, 'keep') });
    const before = await countAll();
    const res = await t.request('DELETE', `Patient?${q(sys, 'absent')}`);
    expect(res.status).toBe(200);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(await countAll()).toBe(before);
    expect((await t.request('GET', `Patient/${other.body.id}`)).status).toBe(200);
  });

  it('deletes the one match', async () => {
    const sys = newSystem();
    const target = await t.request('POST', 'Patient', { body: patient(sys, 'delete-me') });
    const keep = await t.request('POST', 'Patient', { body: patient(sys, 'keep') });
    const res = await t.request('DELETE', `Patient?${q(sys, 'delete-me')}`);
    expect(res.status).toBe(200);
    expect((await t.request('GET', `Patient/${target.body.id}`)).status).toBe(410);
    expect((await t.request('GET', `Patient/${keep.body.id}`)).status).toBe(200);
    expect(await idsWith(sys)).toEqual([keep.body.id]);
  });

  it('answers 412 when several match, and deletes nothing', async () => {
    const sys = newSystem();
    await t.request('POST', 'Patient', { body: patient(sys, 'twin') });
    await t.request('POST', 'Patient', { body: patient(sys, 'twin') });
    const res = await t.request('DELETE', `Patient?${q(sys, 'twin')}`);
    expect(res.status).toBe(412);
    expect(res.body.issue[0].code).toBe('multiple-matches');
    expect(await idsWith(sys)).toHaveLength(2);
  });

  it('answers 400 and deletes nothing for an unknown parameter, criteria that filter nothing, or none', async () => {
    const sys = newSystem();
    const only = await t.request('POST', 'Observation', { body: { resourceType: 'Observation', status: 'final', code: { text: 'Längd' } } });
    for (const path of ['Observation?nosuchparam=1', 'Observation?_count=1', 'Observation?_sort=date', 'Observation', `Observation?code=${encodeURIComponent(sys)}&bogus=`]) {
      const res = await t.request('DELETE', path);
      expect(res.status, path).toBe(400);
    }
    expect((await t.request('GET', `Observation/${only.body.id}`)).status).toBe(200);
  });
});

describe('conditional patch (PATCH /Type?criteria)', () => {
  const body = [{ op: 'replace', path: '/gender', value: 'male' }];
  const headers = { 'content-type': 'application/json-patch+json' };

  it('patches the one match', async () => {
    const sys = newSystem();
    const target = await t.request('POST', 'Patient', { body: patient(sys, '1') });
    const res = await t.request('PATCH', `Patient?${q(sys, '1')}`, { body, headers });
    expect(res.status).toBe(200);
    expect(res.body.id).toBe(target.body.id);
    expect(res.body.gender).toBe('male');
    expect(res.headers.get('etag')).toBe('W/"2"');
  });

  it('answers 404 when nothing matches, 412 when several match', async () => {
    const sys = newSystem();
    const none = await t.request('PATCH', `Patient?${q(sys, '1')}`, { body, headers });
    expect(none.status).toBe(404);
    expect(await idsWith(sys)).toEqual([]);
    const a = await t.request('POST', 'Patient', { body: patient(sys, 'twin') });
    const b = await t.request('POST', 'Patient', { body: patient(sys, 'twin') });
    const many = await t.request('PATCH', `Patient?${q(sys, 'twin')}`, { body, headers });
    expect(many.status).toBe(412);
    for (const p of [a.body, b.body]) expect((await t.request('GET', `Patient/${p.id}`)).body).toEqual(p);
  });

  it('answers 400 for an unknown parameter or no criteria, and 422 for an invalid result', async () => {
    const sys = newSystem();
    const target = await t.request('POST', 'Patient', { body: patient(sys, '1') });
    expect((await t.request('PATCH', `Patient?idnetifier=${encodeURIComponent(`${sys}|1`)}`, { body, headers })).status).toBe(400);
    expect((await t.request('PATCH', 'Patient', { body, headers })).status).toBe(400);
    const invalid = await t.request('PATCH', `Patient?${q(sys, '1')}`, { body: [{ op: 'replace', path: '/gender', value: 'bogus' }], headers });
    expect(invalid.status).toBe(422);
    expect((await t.request('GET', `Patient/${target.body.id}`)).body).toEqual(target.body);
  });
});

describe('conditional read (If-None-Match, If-Modified-Since)', () => {
  it('answers 304 when any ETag of a list matches, 200 when none does, and ignores ETags that are not versions', async () => {
    const sys = newSystem();
    const p = (await t.request('POST', 'Patient', { body: patient(sys, '1') })).body;
    const get = (value: string) => t.request('GET', `Patient/${p.id}`, { headers: { 'if-none-match': value } });
    expect((await get('W/"1"')).status).toBe(304);
    expect((await get('W/"7", W/"1"')).status).toBe(304);
    expect((await get('*')).status).toBe(304);
    const stale = await get('W/"7", "abc"');
    expect(stale.status).toBe(200);
    expect(stale.body).toEqual(p);
    expect((await get('"not-a-version"')).status).toBe(200);
  });

  it('answers 304 for If-Modified-Since at or after the last change, 200 before it', async () => {
    const sys = newSystem();
    const p = (await t.request('POST', 'Patient', { body: patient(sys, '1') })).body;
    const changed = Date.parse(p.meta.lastUpdated);
    const get = (ms: number) => t.request('GET', `Patient/${p.id}`, { headers: { 'if-modified-since': new Date(ms).toUTCString() } });
    expect((await get(changed + 1000)).status).toBe(304);
    expect((await get(changed - 2000)).status).toBe(200);
  });
});
