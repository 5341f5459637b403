import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ LOTS_MAX_BUNDLE_ENTRIES: '6000' });
});
afterAll(() => t.close());

const pnr = (value: string) => ({ system: 'http://electronichealth.se/identifier/personnummer', value });
const obs = (subject: string, value = 70) => ({
  resourceType: 'Observation',
  status: 'final',
  code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] },
  subject: { reference: subject },
  valueQuantity: { value, unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' },
});
const post = (resource: object, fullUrl?: string, extra: object = {}) => ({
  ...(fullUrl ? { fullUrl } : {}),
  resource,
  request: { method: 'POST', url: (resource as { resourceType: string }).resourceType, ...extra },
});
const count = async (query: string) => (await t.request('GET', `${query}${query.includes('?') ? '&' : '?'}_summary=count`)).body.total as number;

describe('transaction', () => {
  it('resolves urn:uuid references everywhere and answers a transaction-response', async () => {
    const res = await t.request('POST', '', {
      body: {
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [
          post(obs('urn:uuid:11111111-1111-1111-1111-111111111111'), 'urn:uuid:22222222-2222-2222-2222-222222222222'),
          post(
            {
              resourceType: 'Patient',
              name: [{ family: 'Transaktion' }],
              extension: [{ url: 'http://example.org/fav-obs', valueReference: { reference: 'urn:uuid:22222222-2222-2222-2222-222222222222' } }],
              contained: [{ resourceType: 'Provenance', id: 'p1', target: [{ reference: 'urn:uuid:22222222-2222-2222-2222-222222222222' }], recorded: '2024-01-01T00:00:00Z', agent: [{ who: { display: 'x' } }] }],
            },
            'urn:uuid:11111111-1111-1111-1111-111111111111',
          ),
        ],
      },
    });
    expect(res.status).toBe(200);
    expect(res.body.type).toBe('transaction-response');
    const [o, p] = res.body.entry;
    expect(o.response.status).toBe('201 Created');
    expect(o.response.location).toMatch(/^Observation\/[0-9a-f-]+\/_history\/1$/);
    expect(o.response.etag).toBe('W/"1"');
    expect(o.response.lastModified).toBeDefined();
    const patientId = p.resource.id;
    const obsId = o.resource.id;
    expect(o.resource.subject.reference).toBe(`Patient/${patientId}`);
    expect(p.resource.extension[0].valueReference.reference).toBe(`Observation/${obsId}`);
    expect(p.resource.contained[0].target[0].reference).toBe(`Observation/${obsId}`);
    expect(await count(`Observation?subject=Patient/${patientId}`)).toBe(1);
  });

  it('is all or nothing: an invalid entry in the middle leaves nothing behind', async () => {
    const before = await count('Patient?family=Atomisk');
    const res = await t.request('POST', '', {
      body: {
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [
          post({ resourceType: 'Patient', name: [{ family: 'Atomisk' }] }),
          post({ resourceType: 'Patient', name: [{ family: 'Atomisk' }], gender: 'bogus' }),
          { resource: { resourceType: 'Patient', id: 'atomisk-put', name: [{ family: 'Atomisk' }] }, request: { method: 'PUT', url: 'Patient/atomisk-put' } },
        ],
      },
    });
    expect(res.status).toBe(422);
    expect(res.body.issue[0].diagnostics).toMatch(/^Entry 1 \(POST Patient\)/);
    expect(res.body.issue[0].expression[0]).toBe('Bundle.entry[1]');
    expect(await count('Patient?family=Atomisk')).toBe(before);
    expect((await t.request('GET', 'Patient/atomisk-put')).status).toBe(404);
  });

  it('processes DELETE, POST, PUT, GET in that order whatever the entry order', async () => {
    await t.request('PUT', 'Patient/order-1', { body: { resourceType: 'Patient', id: 'order-1', gender: 'male' } });
    const res = await t.request('POST', '', {
      body: {
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [
          { request: { method: 'GET', url: 'Patient/order-1' } },
          { resource: { resourceType: 'Patient', id: 'order-1', gender: 'female' }, request: { method: 'PUT', url: 'Patient/order-1' } },
          post({ resourceType: 'Patient', name: [{ family: 'Ordning' }] }),
          { request: { method: 'DELETE', url: 'Patient/order-1' } },
        ],
      },
    });
    expect(res.status).toBe(200);
    const [get, put, created, del] = res.body.entry;
    expect(del.response.status).toBe('200 OK');
    expect(created.response.status).toBe('201 Created');
    // PUT ran after the DELETE, so it re-created the resource (version 3), and GET saw it.
    expect(put.response.status).toBe('201 Created');
    expect(put.response.etag).toBe('W/"3"');
    expect(get.resource.gender).toBe('female');
  });

  it('resolves conditional references, and fails naming the entry when there is no match or several', async () => {
    await t.request('POST', 'Patient', { body: { resourceType: 'Patient', identifier: [pnr('191212121212')] } });
    const ok = await t.request('POST', '', {
      body: { resourceType: 'Bundle', type: 'transaction', entry: [post(obs('Patient?identifier=http://electronichealth.se/identifier/personnummer|191212121212'))] },
    });
    expect(ok.status).toBe(200);
    expect(ok.body.entry[0].resource.subject.reference).toMatch(/^Patient\/[0-9a-f-]+$/);

    const none = await t.request('POST', '', {
      body: { resourceType: 'Bundle', type: 'transaction', entry: [post(obs('Patient?identifier=http://electronichealth.se/identifier/personnummer|195009072553'))] },
    });
    expect(none.status).toBe(412);
    expect(none.body.issue[0].diagnostics).toMatch(/Entry 0.*matches no resource/);

    await t.request('POST', 'Patient', { body: { resourceType: 'Patient', identifier: [pnr('196101182803')] } });
    await t.request('POST', 'Patient', { body: { resourceType: 'Patient', identifier: [pnr('196101182803')] } });
    const many = await t.request('POST', '', {
      body: { resourceType: 'Bundle', type: 'transaction', entry: [post(obs('Patient?identifier=http://electronichealth.se/identifier/personnummer|196101182803'))] },
    });
    expect(many.status).toBe(412);
    expect(many.body.issue[0].diagnostics).toMatch(/more than one/);
  });

  it('honours ifNoneExist: a match is reused and references point at it', async () => {
    const first = await t.request('POST', 'Organization', { body: { resourceType: 'Organization', identifier: [{ system: 'urn:oid:1.2.752.29.4.19', value: 'SE2321000065-E001' }], name: 'VC Norr' } });
    const res = await t.request('POST', '', {
      body: {
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [
          post({ resourceType: 'Organization', identifier: [{ system: 'urn:oid:1.2.752.29.4.19', value: 'SE2321000065-E001' }], name: 'VC Norr' }, 'urn:uuid:33333333-3333-3333-3333-333333333333', { ifNoneExist: 'identifier=urn:oid:1.2.752.29.4.19|SE2321000065-E001' }),
          post({ resourceType: 'Patient', managingOrganization: { reference: 'urn:uuid:33333333-3333-3333-3333-333333333333' } }),
        ],
      },
    });
    expect(res.status).toBe(200);
    expect(res.body.entry[0].response.status).toBe('200 OK');
    expect(res.body.entry[1].resource.managingOrganization.reference).toBe(`Organization/${first.body.id}`);
    expect(await count('Organization?identifier=SE2321000065-E001')).toBe(1);
  });

  it('supports ifMatch, conditional update and conditional delete inside the bundle', async () => {
    await t.request('PUT', 'Patient/tx-m', { body: { resourceType: 'Patient', id: 'tx-m', gender: 'male' } });
    const stale = await t.request('POST', '', {
      body: { resourceType: 'Bundle', type: 'transaction', entry: [{ resource: { resourceType: 'Patient', id: 'tx-m', gender: 'other' }, request: { method: 'PUT', url: 'Patient/tx-m', ifMatch: 'W/"7"' } }] },
    });
    expect(stale.status).toBe(412);
    const res = await t.request('POST', '', {
      body: {
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [
          { resource: { resourceType: 'Patient', gender: 'female', identifier: [pnr('200001252386')] }, request: { method: 'PUT', url: 'Patient?identifier=200001252386' } },
          { request: { method: 'DELETE', url: 'Patient?_id=tx-m' } },
        ],
      },
    });
    expect(res.status).toBe(200);
    expect(res.body.entry[0].response.status).toBe('201 Created');
    expect((await t.request('GET', 'Patient/tx-m')).status).toBe(410);
  });

  it('commits 1 Patient and 5,000 Observations in one transaction', async () => {
    const entry = [
      post({ resourceType: 'Patient', name: [{ family: 'Stor' }] }, 'urn:uuid:44444444-4444-4444-4444-444444444444'),
      ...Array.from({ length: 5000 }, (_, n) => post(obs('urn:uuid:44444444-4444-4444-4444-444444444444', 50 + (n % 100)))),
    ];
    const started = performance.now();
    const res = await t.request('POST', '', { body: { resourceType: 'Bundle', type: 'transaction', entry }, headers: { prefer: 'return=minimal' } });
    const ms = performance.now() - started;
    console.log(`[${t.driver}] 5,001-entry transaction: ${Math.round(ms)} ms`);
    expect(res.status).toBe(200);
    expect(res.body.entry).toHaveLength(5001);
    expect(res.body.entry[1].resource).toBeUndefined();
    const patientId = res.body.entry[0].response.location.split('/')[1];
    expect(await count(`Observation?subject=Patient/${patientId}`)).toBe(5000);
    expect(await count(`Observation?subject=Patient/${patientId}&value-quantity=ge100`)).toBe(2500);
  });

  it('refuses a bundle over the entry limit with 413', async () => {
    const entry = Array.from({ length: 6001 }, () => post({ resourceType: 'Basic', code: { text: 'x' } }));
    const res = await t.request('POST', '', { body: { resourceType: 'Bundle', type: 'transaction', entry } });
    expect(res.status).toBe(413);
    expect(res.body.issue[0].diagnostics).toMatch(/6001 entries.*6000/);
  });

  it('refuses a Bundle that is not batch or transaction', async () => {
    const res = await t.request('POST', '', { body: { resourceType: 'Bundle', type: 'collection', entry: [] } });
    expect(res.status).toBe(400);
  });
});

describe('batch', () => {
  it('runs each entry on its own: a failure carries its own OperationOutcome', async () => {
    const res = await t.request('POST', '', {
      body: {
        resourceType: 'Bundle',
        type: 'batch',
        entry: [
          post({ resourceType: 'Patient', name: [{ family: 'Batchsson' }] }),
          post({ resourceType: 'Patient', gender: 'bogus' }),
          { request: { method: 'GET', url: 'Patient/does-not-exist' } },
          post({ resourceType: 'Patient', name: [{ family: 'Batchsson' }] }),
        ],
      },
    });
    expect(res.status).toBe(200);
    expect(res.body.type).toBe('batch-response');
    const statuses = res.body.entry.map((e: { response: { status: string } }) => e.response.status);
    expect(statuses).toEqual(['201 Created', '422 Unprocessable Entity', '404 Not Found', '201 Created']);
    expect(res.body.entry[1].response.outcome.issue[0].expression).toContain('Patient.gender');
    expect(await count('Patient?family=Batchsson')).toBe(2);
  });
});

describe('$everything', () => {
  it('returns the patient compartment, paged, with referenced resources', async () => {
    const org = await t.request('POST', 'Organization', { body: { resourceType: 'Organization', name: 'Allt VC' } });
    const p = await t.request('POST', 'Patient', { body: { resourceType: 'Patient', managingOrganization: { reference: `Organization/${org.body.id}` } } });
    for (let n = 0; n < 5; n++) await t.request('POST', 'Observation', { body: obs(`Patient/${p.body.id}`) });
    const other = await t.request('POST', 'Patient', { body: { resourceType: 'Patient' } });
    await t.request('POST', 'Observation', { body: obs(`Patient/${other.body.id}`) });

    const seen: string[] = [];
    let url: string | undefined = `Patient/${p.body.id}/$everything?_count=2`;
    while (url) {
      const page = await t.request('GET', url);
      expect(page.status).toBe(200);
      for (const e of page.body.entry ?? []) seen.push(`${e.search.mode}:${e.resource.resourceType}/${e.resource.id}`);
      url = page.body.link.find((l: { relation: string }) => l.relation === 'next')?.url;
    }
    const matches = seen.filter((s) => s.startsWith('match:'));
    expect(matches).toHaveLength(6);
    expect(new Set(matches).size).toBe(6);
    expect(seen).toContain(`include:Organization/${org.body.id}`);
    expect(seen.some((s) => s.includes(other.body.id))).toBe(false);
  });
});
