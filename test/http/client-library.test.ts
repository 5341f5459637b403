/**
 * Lots through a FHIR client library used as its users would use it: fhir-kit-client, unchanged, over a
 * real TCP connection to a server built like `src/main.ts` builds it.
 */
import { Client } from 'fhir-kit-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;
let client: Client;
beforeAll(async () => {
  server = await startTestServer();
  client = new Client({ baseUrl: server.baseUrl, bearerToken: await server.token() });
});
afterAll(() => server?.close());

/** Tests read FHIR JSON loosely, as in the other HTTP tests. */
type Json = any;

/** The status of a request the client rejected (fhir-kit-client throws for any non-2xx answer). */
async function failure(promise: Promise<unknown>): Promise<{ status: number; data: Json }> {
  try {
    await promise;
  } catch (err) {
    return (err as { response: { status: number; data: Json } }).response;
  }
  throw new Error('expected the request to fail');
}

const identifierSystem = 'urn:oid:1.2.752.129.2.1.3.1';

describe('fhir-kit-client against a running Lots', () => {
  it('is refused without a bearer token', async () => {
    const anonymous = new Client({ baseUrl: server.baseUrl });
    expect((await failure(anonymous.read({ resourceType: 'Patient', id: 'x' }))).status).toBe(401);
  });

  it('reads the CapabilityStatement', async () => {
    const cs: Json = await client.capabilityStatement();
    expect(cs.resourceType).toBe('CapabilityStatement');
    expect(cs.fhirVersion).toBe('4.0.1');
    expect(cs.implementation.url).toBe(server.baseUrl);
  });

  it('creates, reads, updates, patches, reads history, searches and deletes a Patient', async () => {
    const created: Json = await client.create({
      resourceType: 'Patient',
      body: { resourceType: 'Patient', identifier: [{ system: identifierSystem, value: 'kit-1' }], name: [{ family: 'Sjöberg', given: ['Ingrid'] }], gender: 'female', birthDate: '1961-01-18' },
    });
    expect(created.resourceType).toBe('Patient');
    expect(created.meta.versionId).toBe('1');
    const createdResponse = Client.httpFor(created).response!;
    expect(createdResponse.status).toBe(201);
    expect(createdResponse.headers.get('location')).toBe(`${server.baseUrl}/Patient/${created.id}/_history/1`);
    const id: string = created.id;

    const read: Json = await client.read({ resourceType: 'Patient', id });
    expect(read).toEqual(created);
    expect(Client.httpFor(read).response!.headers.get('etag')).toBe('W/"1"');

    const updated: Json = await client.update({ resourceType: 'Patient', id, body: { ...read, telecom: [{ system: 'phone', value: '+46 8 123 45 67' }] } });
    expect(updated.meta.versionId).toBe('2');
    expect(updated.telecom[0].value).toBe('+46 8 123 45 67');

    const patched: Json = await client.patch({
      resourceType: 'Patient',
      id,
      jsonPatch: [
        { op: 'test', path: '/gender', value: 'female' },
        { op: 'replace', path: '/birthDate', value: '1961-01-19' },
        { op: 'add', path: '/name/0/given/-', value: 'Maria' },
      ],
    });
    expect(patched.meta.versionId).toBe('3');
    expect(patched.birthDate).toBe('1961-01-19');
    expect(patched.name[0].given).toEqual(['Ingrid', 'Maria']);

    const v1: Json = await client.vread({ resourceType: 'Patient', id, version: '1' });
    expect(v1.birthDate).toBe('1961-01-18');

    const found: Json = await client.search({ resourceType: 'Patient', searchParams: { identifier: `${identifierSystem}|kit-1` } });
    expect(found.resourceType).toBe('Bundle');
    expect(found.type).toBe('searchset');
    expect(found.entry.map((e: Json) => e.resource.id)).toEqual([id]);
    const byName: Json = await client.search({ resourceType: 'Patient', searchParams: { name: 'sjoberg', birthdate: '1961-01-19' } });
    expect(byName.entry.map((e: Json) => e.resource.id)).toEqual([id]);
    const posted: Json = await client.search({ resourceType: 'Patient', searchParams: { family: 'Sjöberg' }, options: { postSearch: true } });
    expect(posted.entry.map((e: Json) => e.resource.id)).toEqual([id]);

    await client.delete({ resourceType: 'Patient', id });
    const gone = await failure(client.read({ resourceType: 'Patient', id }));
    expect(gone.status).toBe(410);
    expect(gone.data.resourceType).toBe('OperationOutcome');

    const history: Json = await client.history({ resourceType: 'Patient', id });
    expect(history.type).toBe('history');
    expect(history.entry.map((e: Json) => e.request.method)).toEqual(['DELETE', 'PUT', 'PUT', 'POST']);
    expect(history.entry.slice(1).map((e: Json) => e.resource.meta.versionId)).toEqual(['3', '2', '1']);
    const typeHistory: Json = await client.history({ resourceType: 'Patient' });
    expect(typeHistory.entry.length).toBeGreaterThanOrEqual(4);

    const afterDelete: Json = await client.search({ resourceType: 'Patient', searchParams: { identifier: `${identifierSystem}|kit-1` } });
    expect(afterDelete.entry ?? []).toEqual([]);
  });

  it('gets the error statuses a client relies on', async () => {
    expect((await failure(client.read({ resourceType: 'Patient', id: 'does-not-exist' }))).status).toBe(404);
    const invalid = await failure(client.create({ resourceType: 'Patient', body: { resourceType: 'Patient', gender: 'bogus' } }));
    expect(invalid.status).toBe(422);
    expect(invalid.data.issue[0].expression).toEqual(['Patient.gender']);
    const created: Json = await client.create({ resourceType: 'Patient', body: { resourceType: 'Patient', gender: 'male' } });
    const stale = await failure(client.update({ resourceType: 'Patient', id: created.id, body: { ...created, gender: 'other' }, options: { headers: { 'If-Match': 'W/"7"' } } }));
    expect(stale.status).toBe(412);
    const badPatch = await failure(client.patch({ resourceType: 'Patient', id: created.id, jsonPatch: [{ op: 'replace', path: '/gender', value: 'bogus' }] }));
    expect(badPatch.status).toBe(422);
    expect(((await client.read({ resourceType: 'Patient', id: created.id })) as Json).meta.versionId).toBe('1');
  });

  it('pages a search with nextPage until the end, seeing every match once', async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 7; i++) {
      const p: Json = await client.create({ resourceType: 'Patient', body: { resourceType: 'Patient', identifier: [{ system: identifierSystem, value: `page-${i}` }], name: [{ family: 'Sidvis' }] } });
      ids.add(p.id);
    }
    const seen: string[] = [];
    let bundle: Json = await client.search({ resourceType: 'Patient', searchParams: { family: 'Sidvis', _count: 3 } });
    let pages = 0;
    while (bundle) {
      pages++;
      seen.push(...(bundle.entry ?? []).map((e: Json) => e.resource.id));
      bundle = await client.nextPage({ bundle });
    }
    expect(pages).toBe(3);
    expect(seen.sort()).toEqual([...ids].sort());
  });

  it('uses conditional update and $validate', async () => {
    const body = { resourceType: 'Patient', identifier: [{ system: identifierSystem, value: 'cond-1' }], gender: 'female' };
    const first: Json = await client.update({ resourceType: 'Patient', searchParams: { identifier: `${identifierSystem}|cond-1` }, body });
    expect(Client.httpFor(first).response!.status).toBe(201);
    const second: Json = await client.update({ resourceType: 'Patient', searchParams: { identifier: `${identifierSystem}|cond-1` }, body: { ...body, gender: 'other' } });
    expect(second.id).toBe(first.id);
    expect(second.meta.versionId).toBe('2');
    const outcome: Json = await client.operation({ name: 'validate', resourceType: 'Patient', input: { resourceType: 'Patient', gender: 'bogus' } });
    expect(outcome.resourceType).toBe('OperationOutcome');
    expect(outcome.issue[0].severity).toBe('error');
  });
});
