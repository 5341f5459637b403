import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASE, createTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const patient = (extra: Record<string, unknown> = {}) => ({
  resourceType: 'Patient',
  name: [{ family: 'Lind', given: ['Karin'] }],
  gender: 'female',
  ...extra,
});

/** `Type/id/versionId` of every entry, in order. */
const keys = (bundle: any): string[] =>
  (bundle.entry ?? []).map((e: any) => {
    const m = /(?:^|\/)([A-Za-z]+)\/([^/]+)$/.exec(e.request.url as string);
    return e.resource ? `${e.resource.resourceType}/${e.resource.id}/${e.resource.meta.versionId}` : `${m?.[1]}/${m?.[2]}/${/\d+/.exec(e.response.etag)?.[0]}`;
  });

const nextLink = (bundle: any): string | undefined => bundle.link?.find((l: any) => l.relation === 'next')?.url;

/** A Patient with three versions: created, gender changed, birthDate added. */
async function threeVersions(): Promise<{ id: string; versions: any[] }> {
  const v1 = (await t.request('POST', 'Patient', { body: patient() })).body;
  const v2 = (await t.request('PUT', `Patient/${v1.id}`, { body: { ...v1, gender: 'other' } })).body;
  const v3 = (await t.request('PUT', `Patient/${v1.id}`, { body: { ...v2, birthDate: '1980-04-01' } })).body;
  return { id: v1.id, versions: [v1, v2, v3] };
}

describe('instance history', () => {
  it('lists every version newest first, as a history Bundle with request and response', async () => {
    const { id, versions } = await threeVersions();
    const res = await t.request('GET', `Patient/${id}/_history`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/fhir\+json/);
    expect(res.body.resourceType).toBe('Bundle');
    expect(res.body.type).toBe('history');
    expect(res.body.entry.map((e: any) => e.resource.meta.versionId)).toEqual(['3', '2', '1']);
    expect(res.body.entry[0].resource).toEqual(versions[2]);
    expect(res.body.entry[2].resource).toEqual(versions[0]);
    expect(res.body.entry[0].fullUrl).toBe(`${BASE}/Patient/${id}`);
    expect(res.body.entry[0].request).toEqual({ method: 'PUT', url: `Patient/${id}` });
    expect(res.body.entry[2].request).toEqual({ method: 'POST', url: 'Patient' });
    expect(res.body.entry[0].response.etag).toBe('W/"3"');
    expect(res.body.entry[2].response.status).toMatch(/^201/);
    expect(res.body.link.find((l: any) => l.relation === 'self').url).toBe(`${BASE}/Patient/${id}/_history`);
    expect(nextLink(res.body)).toBeUndefined();
  });

  it('records a delete as an entry with request.method DELETE and no resource, and a later re-create', async () => {
    const { id } = await threeVersions();
    expect((await t.request('DELETE', `Patient/${id}`)).status).toBe(200);
    expect((await t.request('PUT', `Patient/${id}`, { body: patient({ id }) })).status).toBe(201);
    const res = await t.request('GET', `Patient/${id}/_history`);
    expect(res.status).toBe(200);
    expect(res.body.entry).toHaveLength(5);
    const [recreated, deleted] = res.body.entry;
    expect(recreated.resource.meta.versionId).toBe('5');
    expect(deleted.resource).toBeUndefined();
    expect(deleted.request).toEqual({ method: 'DELETE', url: `Patient/${id}` });
    expect(deleted.response.etag).toBe('W/"4"');
    expect(deleted.fullUrl).toBe(`${BASE}/Patient/${id}`);
  });

  it('still answers for a resource whose current version is a delete', async () => {
    const created = (await t.request('POST', 'Patient', { body: patient() })).body;
    await t.request('DELETE', `Patient/${created.id}`);
    const res = await t.request('GET', `Patient/${created.id}/_history`);
    expect(res.status).toBe(200);
    expect(res.body.entry.map((e: any) => e.request.method)).toEqual(['DELETE', 'POST']);
  });

  it('answers 404 for an id that was never written, and 404 for an unknown type', async () => {
    const res = await t.request('GET', 'Patient/never-written/_history');
    expect(res.status).toBe(404);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(res.body.issue[0].code).toBe('not-found');
    expect(res.body.issue[0].diagnostics).toContain('never-written');
    expect((await t.request('GET', 'Patients/x/_history')).status).toBe(404);
  });

  it('honours _count and pages to the remaining versions through the next link', async () => {
    const { id } = await threeVersions();
    const first = await t.request('GET', `Patient/${id}/_history?_count=2`);
    expect(first.status).toBe(200);
    expect(first.body.entry.map((e: any) => e.resource.meta.versionId)).toEqual(['3', '2']);
    const next = nextLink(first.body);
    expect(next).toMatch(new RegExp(`^${BASE}/Patient/${id}/_history\\?`));
    expect(new URL(next!).searchParams.get('_page')).toBeTruthy();
    const second = await t.request('GET', next!);
    expect(second.status).toBe(200);
    expect(second.body.entry.map((e: any) => e.resource.meta.versionId)).toEqual(['1']);
    expect(nextLink(second.body)).toBeUndefined();
  });

  it('has no next link when the page holds exactly the last versions', async () => {
    const { id } = await threeVersions();
    const res = await t.request('GET', `Patient/${id}/_history?_count=3`);
    expect(res.body.entry).toHaveLength(3);
    expect(nextLink(res.body)).toBeUndefined();
  });

  it('_since keeps the versions written at or after the instant', async () => {
    const { id, versions } = await threeVersions();
    const since = versions[1].meta.lastUpdated as string;
    const res = await t.request('GET', `Patient/${id}/_history?_since=${encodeURIComponent(since)}`);
    expect(res.status).toBe(200);
    expect(res.body.entry.map((e: any) => e.resource.meta.versionId)).toEqual(['3', '2']);

    // The same instant written in another time zone means the same thing.
    const plusOne = new Date(Date.parse(since) + 3_600_000).toISOString().replace('Z', '+01:00');
    const shifted = await t.request('GET', `Patient/${id}/_history?_since=${encodeURIComponent(plusOne)}`);
    expect(shifted.status).toBe(200);
    expect(shifted.body.entry.map((e: any) => e.resource.meta.versionId)).toEqual(['3', '2']);

    const day = await t.request('GET', `Patient/${id}/_history?_since=2000-01-01`);
    expect(day.status).toBe(200);
    expect(day.body.entry).toHaveLength(3);

    const future = await t.request('GET', `Patient/${id}/_history?_since=2999-01-01T00:00:00Z`);
    expect(future.status).toBe(200);
    expect(future.body.entry ?? []).toEqual([]);
  });

  it('keeps _since in the next link, so later pages stay filtered', async () => {
    const { id, versions } = await threeVersions();
    const since = versions[1].meta.lastUpdated as string;
    const first = await t.request('GET', `Patient/${id}/_history?_count=1&_since=${encodeURIComponent(since)}`);
    expect(first.body.entry.map((e: any) => e.resource.meta.versionId)).toEqual(['3']);
    const second = await t.request('GET', nextLink(first.body)!);
    expect(second.body.entry.map((e: any) => e.resource.meta.versionId)).toEqual(['2']);
    expect(nextLink(second.body)).toBeUndefined();
  });

  it.each([
    ['not a date', 'yesterday'],
    ['an impossible date', '2024-02-30T00:00:00Z'],
    ['an impossible hour', '2024-01-31T25:00:00Z'],
    ['a time without a time zone', '2024-01-31T12:00:00'],
    ['a time without seconds', '2024-01-31T12:00Z'],
  ])('answers 400 for a _since that is %s', async (_why, value) => {
    const { id } = await threeVersions();
    const res = await t.request('GET', `Patient/${id}/_history?_since=${encodeURIComponent(value)}`);
    expect(res.status).toBe(400);
    expect(res.body.issue[0].code).toBe('invalid');
    expect(res.body.issue[0].diagnostics).toMatch(/_since/);
  });

  it('answers 400 for an unknown parameter, a bad _count and a forged page token', async () => {
    const { id } = await threeVersions();
    const unknown = await t.request('GET', `Patient/${id}/_history?foo=bar`);
    expect(unknown.status).toBe(400);
    expect(unknown.body.issue[0].diagnostics).toMatch(/foo/);
    expect((await t.request('GET', `Patient/${id}/_history?_count=many`)).status).toBe(400);
    const forged = await t.request('GET', `Patient/${id}/_history?_page=abc`);
    expect(forged.status).toBe(400);
    expect(forged.body.issue[0].diagnostics).toMatch(/page token/);
  });
});

describe('type and system history', () => {
  it('type history lists the versions of every resource of the type, newest first, and nothing else', async () => {
    // Device is used by no other test in this file, so its history is exactly what is written here.
    const a = (await t.request('POST', 'Device', { body: { resourceType: 'Device', status: 'active' } })).body;
    const b = (await t.request('POST', 'Device', { body: { resourceType: 'Device', status: 'active' } })).body;
    await t.request('PUT', `Device/${a.id}`, { body: { ...a, status: 'inactive' } });
    await t.request('DELETE', `Device/${b.id}`);
    await t.request('POST', 'Patient', { body: patient() });
    const res = await t.request('GET', 'Device/_history');
    expect(res.status).toBe(200);
    expect(res.body.type).toBe('history');
    expect(keys(res.body)).toEqual([`Device/${b.id}/2`, `Device/${a.id}/2`, `Device/${b.id}/1`, `Device/${a.id}/1`]);
    expect(res.body.entry[0].request.method).toBe('DELETE');
    expect(res.body.link.find((l: any) => l.relation === 'self').url).toBe(`${BASE}/Device/_history`);
  });

  it('system history lists versions of every type, newest first', async () => {
    const org = (await t.request('POST', 'Organization', { body: { resourceType: 'Organization', name: 'Vårdcentralen Lots' } })).body;
    const pat = (await t.request('POST', 'Patient', { body: patient() })).body;
    await t.request('PUT', `Organization/${org.id}`, { body: { ...org, name: 'Vårdcentralen Lotsen' } });
    const res = await t.request('GET', '_history?_count=1000');
    expect(res.status).toBe(200);
    expect(res.body.type).toBe('history');
    // Other writes (e.g. AuditEvents) may sit between them; these three are in this order, newest first.
    const mine = keys(res.body).filter((k) => k.includes(org.id) || k.includes(pat.id));
    expect(mine).toEqual([`Organization/${org.id}/2`, `Patient/${pat.id}/1`, `Organization/${org.id}/1`]);
    const lastModified = res.body.entry.map((e: any) => Date.parse(e.response.lastModified));
    expect(lastModified).toEqual([...lastModified].sort((x, y) => y - x));
    expect(new Set(res.body.entry.map((e: any) => e.request.url.split('/')[0])).size).toBeGreaterThan(2);

    const one = await t.request('GET', '_history?_count=1');
    expect(one.body.entry).toHaveLength(1);
    expect(nextLink(one.body)).toMatch(new RegExp(`^${BASE}/_history\\?`));
  });

  it('answers 400 for an unknown parameter at type and system level', async () => {
    expect((await t.request('GET', 'Patient/_history?name=Lind')).status).toBe(400);
    const res = await t.request('GET', '_history?_sort=-_lastUpdated&foo=1');
    expect(res.status).toBe(400);
    expect(res.body.resourceType).toBe('OperationOutcome');
  });

  it('paging through next links visits every version exactly once while others write', async () => {
    // CarePlan is used only here: 6 resources, 2 versions each, one then deleted = 13 versions.
    const plan = { resourceType: 'CarePlan', status: 'active', intent: 'plan', subject: { display: 'Karin Lind' } };
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      const created = (await t.request('POST', 'CarePlan', { body: plan })).body;
      await t.request('PUT', `CarePlan/${created.id}`, { body: { ...created, title: `Plan ${i}` } });
      ids.push(created.id);
    }
    await t.request('DELETE', `CarePlan/${ids[2]}`);
    const before = await t.request('GET', 'CarePlan/_history?_count=1000');
    const expected = keys(before.body);
    expect(expected).toHaveLength(13);

    const seen: string[] = [];
    let url: string | undefined = `${BASE}/CarePlan/_history?_count=4`;
    let pages = 0;
    while (url) {
      const page = await t.request('GET', url);
      expect(page.status).toBe(200);
      seen.push(...keys(page.body));
      pages++;
      // Writes between page fetches: a new version of a resource already seen, of one not yet seen
      // (its current version moves to the history table), and a brand-new resource.
      const alive = ids.filter((_, i) => i !== 2);
      for (const id of [alive[pages % alive.length]!, ids[0]!]) {
        const current = (await t.request('GET', `CarePlan/${id}`)).body;
        expect((await t.request('PUT', `CarePlan/${id}`, { body: { ...current, title: `Changed while paging ${pages}` } })).status).toBe(200);
      }
      await t.request('POST', 'CarePlan', { body: plan });
      url = nextLink(page.body);
      expect(pages).toBeLessThan(10);
    }
    expect(pages).toBe(4);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(expected);
  });
});
