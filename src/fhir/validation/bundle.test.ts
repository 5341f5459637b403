import { describe, expect, it } from 'vitest';
import { findings } from './test-support.js';

const U1 = 'urn:uuid:0b8f3c52-5e3f-4ac6-9fd4-0c1bb9a3f0a1';
const U2 = 'urn:uuid:7a1d1d0e-3b7a-4bb5-8a3c-2f5f1a9c4d11';
const U3 = 'urn:uuid:c3e1f0a2-5d6b-4c7e-9f80-1a2b3c4d5e6f';
const patient = { resourceType: 'Patient', id: 'p1', name: [{ family: 'Holm' }] };
const composition = (extra: object = {}) => ({
  resourceType: 'Composition',
  status: 'final',
  type: { text: 'Epikris' },
  date: '2024-05-01',
  title: 'Epikris',
  author: [{ reference: U2 }],
  subject: { reference: U2 },
  ...extra,
});
const doc = (entry: object[]) => ({ resourceType: 'Bundle', type: 'document', identifier: { system: 'urn:ietf:rfc:3986', value: U3 }, timestamp: '2024-05-01T10:00:00Z', entry });

describe('Bundles', () => {
  const cases: [string, object, string[]][] = [
    ['a collection', { resourceType: 'Bundle', type: 'collection', entry: [{ fullUrl: 'http://lots.se/fhir/Patient/p1', resource: patient }, { fullUrl: U1, resource: { resourceType: 'Patient' } }] }, []],
    ['the same fullUrl twice', { resourceType: 'Bundle', type: 'collection', entry: [{ fullUrl: U1, resource: patient }, { fullUrl: U1, resource: { ...patient, id: 'p2' } }] }, ['error Bundle.entry[1].fullUrl']],
    ['the same fullUrl in two versions', { resourceType: 'Bundle', type: 'collection', entry: [{ fullUrl: U1, resource: { ...patient, meta: { versionId: '1' } } }, { fullUrl: U1, resource: { ...patient, meta: { versionId: '2' } } }] }, []],
    ['the same fullUrl in a history', { resourceType: 'Bundle', type: 'history', entry: [{ fullUrl: U1, resource: patient, request: { method: 'PUT', url: 'Patient/p1' }, response: { status: '200' } }, { fullUrl: U1, resource: patient, request: { method: 'PUT', url: 'Patient/p1' }, response: { status: '200' } }] }, []],
    ['the same resource twice without fullUrls', { resourceType: 'Bundle', type: 'searchset', entry: [{ resource: patient }, { resource: patient }] }, ['error Bundle.entry[1].resource.id']],
    ['a fullUrl naming another id', { resourceType: 'Bundle', type: 'collection', entry: [{ fullUrl: 'http://lots.se/fhir/Patient/p9', resource: patient }] }, ['error Bundle.entry[0].fullUrl']],
    ['a fullUrl naming another type', { resourceType: 'Bundle', type: 'collection', entry: [{ fullUrl: 'http://lots.se/fhir/Practitioner/p1', resource: patient }] }, ['error Bundle.entry[0].fullUrl']],
    ['a document', doc([{ fullUrl: U1, resource: composition() }, { fullUrl: U2, resource: patient }]), []],
    ['a document not starting with a Composition', doc([{ fullUrl: U2, resource: patient }, { fullUrl: U1, resource: composition() }]), ['error Bundle.entry[0]']],
    ['a document missing what the Composition refers to', doc([{ fullUrl: U1, resource: composition({ section: [{ title: 'Lab', entry: [{ reference: 'Observation/o1' }] }] }) }, { fullUrl: U2, resource: patient }]), ['error Bundle.entry[0].resource.section[0].entry[0].reference']],
    ['a document with a relative reference against a RESTful fullUrl', doc([{ fullUrl: 'http://lots.se/fhir/Composition/c1', resource: { ...composition({ subject: { reference: 'Patient/p1' }, author: [{ reference: 'Patient/p1' }] }), id: 'c1' } }, { fullUrl: 'http://lots.se/fhir/Patient/p1', resource: patient }]), []],
    ['a document with a versioned reference to the version it holds', doc([{ fullUrl: U1, resource: composition({ subject: { reference: 'Patient/p1/_history/2' }, author: [{ reference: 'Patient/p1' }] }) }, { fullUrl: 'http://lots.se/fhir/Patient/p1', resource: { ...patient, meta: { versionId: '2' } } }]), []],
    ['a document with a versioned reference to another version', doc([{ fullUrl: U1, resource: composition({ subject: { reference: 'Patient/p1/_history/1' }, author: [{ reference: 'Patient/p1' }] }) }, { fullUrl: 'http://lots.se/fhir/Patient/p1', resource: { ...patient, meta: { versionId: '2' } } }]), ['error Bundle.entry[0].resource.subject.reference']],
    ['a message', { resourceType: 'Bundle', type: 'message', timestamp: '2024-05-01T10:00:00Z', entry: [{ fullUrl: U1, resource: { resourceType: 'MessageHeader', eventCoding: { system: 'http://example.org/events', code: 'admit' }, source: { endpoint: 'http://lots.se' } } }] }, []],
    ['a message not starting with a MessageHeader', { resourceType: 'Bundle', type: 'message', timestamp: '2024-05-01T10:00:00Z', entry: [{ fullUrl: U2, resource: patient }] }, ['error Bundle.entry[0]']],
  ];
  it.each(cases)('%s', (_name, resource, expected) => {
    expect(findings(resource)).toEqual(expected);
  });
});
