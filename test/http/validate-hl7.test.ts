import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDeps } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { silentLogger } from '../../src/log.js';
import { BASE, createTestApp, type TestApp } from '../support/test-app.js';

/**
 * The checks that bring Lots to HL7's validator (src/fhir/validation), as a client meets them: the same
 * answer from a write (422, nothing stored) and from $validate (200 with the issues).
 */
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const errorsAt = (outcome: any): string[] => (outcome.issue ?? []).filter((i: any) => i.severity === 'error').flatMap((i: any) => i.expression ?? []);
const warningsAt = (outcome: any): string[] => (outcome.issue ?? []).filter((i: any) => i.severity === 'warning').flatMap((i: any) => i.expression ?? []);
const U1 = 'urn:uuid:0b8f3c52-5e3f-4ac6-9fd4-0c1bb9a3f0a1';

describe('writes and $validate agree', () => {
  const invalid: [string, string, object, string][] = [
    ['an id with a space (PUT)', 'Patient', { resourceType: 'Patient', id: 'a b' }, 'Patient.id'],
    ['an empty array', 'Patient', { resourceType: 'Patient', name: [] }, 'Patient.name'],
    ['a dateTime with a time but no zone', 'Observation', { resourceType: 'Observation', status: 'final', code: { text: 'Vikt' }, effectiveDateTime: '2024-05-01T10:00:00' }, 'Observation.effectiveDateTime'],
    ['an extension of the wrong type', 'Patient', { resourceType: 'Patient', extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/patient-birthPlace', valueString: 'Umeå' }] }, 'Patient.extension[0].valueString'],
    ['an unknown modifierExtension', 'Patient', { resourceType: 'Patient', modifierExtension: [{ url: 'http://region.se/fhir/ext/okand', valueBoolean: true }] }, 'Patient.modifierExtension[0]'],
    ['a wrong attachment size', 'DocumentReference', { resourceType: 'DocumentReference', status: 'current', content: [{ attachment: { data: 'aGVsbG8=', size: 6 } }] }, 'DocumentReference.content[0].attachment.size'],
    ['a duplicate linkId', 'Questionnaire', { resourceType: 'Questionnaire', status: 'active', item: [{ linkId: 'a', type: 'string' }, { linkId: 'a', type: 'string' }] }, 'Questionnaire.item[1].linkId'],
    ['a document without a Composition', 'Bundle', { resourceType: 'Bundle', type: 'document', identifier: { system: 'urn:ietf:rfc:3986', value: U1 }, timestamp: '2024-05-01T10:00:00Z', entry: [{ fullUrl: U1, resource: { resourceType: 'Patient' } }] }, 'Bundle.entry[0]'],
  ];
  it.each(invalid)('%s', async (_name, type, resource, expression) => {
    const id = (resource as { id?: string }).id;
    const write = id ? await t.request('PUT', `${type}/${encodeURIComponent(id)}`, { body: resource }) : await t.request('POST', type, { body: resource });
    expect(write.status).toBeGreaterThanOrEqual(400);
    if (!id) {
      expect(write.status).toBe(422);
      expect(errorsAt(write.body)).toContain(expression);
    }
    const checked = await t.request('POST', `${type}/$validate`, { body: resource });
    expect(checked.status).toBe(200);
    expect(errorsAt(checked.body)).toContain(expression);
  });

  it('accepts an unknown extension with a warning', async () => {
    const body = { resourceType: 'Patient', extension: [{ url: 'http://region.se/fhir/ext/okand', valueString: 'x' }] };
    const res = await t.request('POST', 'Patient', { body });
    expect(res.status).toBe(201);
    const checked = await t.request('POST', 'Patient/$validate', { body });
    expect(errorsAt(checked.body)).toEqual([]);
    expect(warningsAt(checked.body)).toContain('Patient.extension[0]');
  });

  it('knows the HL7 Sweden extensions from profiles/', async () => {
    const url = 'http://hl7.se/fhir/ig/base/StructureDefinition/SEBaseMiddleNameExtension';
    const ok = await t.request('POST', 'Patient/$validate', { body: { resourceType: 'Patient', name: [{ family: 'Holm', extension: [{ url, valueString: 'Stina' }] }] } });
    expect(ok.body.issue.filter((i: any) => i.severity !== 'information')).toEqual([]);
    const misplaced = await t.request('POST', 'Patient/$validate', { body: { resourceType: 'Patient', address: [{ city: 'Umeå', extension: [{ url, valueString: 'Stina' }] }] } });
    expect(errorsAt(misplaced.body)).toEqual(['Patient.address[0].extension[0]']);
  });
});

describe('Parameters/$validate', () => {
  it('validates a Parameters resource', async () => {
    const good = await t.request('POST', 'Parameters/$validate', { body: { resourceType: 'Parameters', parameter: [{ name: 'dos', valueDecimal: 2.5 }] } });
    expect(good.status).toBe(200);
    expect(errorsAt(good.body)).toEqual([]);
    const bad = await t.request('POST', 'Parameters/$validate', { body: { resourceType: 'Parameters', parameter: [{ name: 'dos', valueDateTime: '2024-05-01T10:00:00' }] } });
    expect(bad.status).toBe(200);
    expect(errorsAt(bad.body)).toEqual(['Parameters.parameter[0].valueDateTime']);
  });

  it('takes a Parameters wrapped in the resource part', async () => {
    const inner = { resourceType: 'Parameters', parameter: [{ name: 'x', valueString: '' }] };
    const res = await t.request('POST', 'Parameters/$validate', { body: { resourceType: 'Parameters', parameter: [{ name: 'resource', resource: inner }] } });
    expect(res.status).toBe(200);
    expect(errorsAt(res.body)).toContain('Parameters.parameter[0].valueString');
  });

  it('is still not a type that can be stored or searched', async () => {
    expect((await t.request('GET', 'Parameters')).status).toBe(404);
    expect((await t.request('POST', 'Parameters', { body: { resourceType: 'Parameters' } })).status).toBe(404);
  });
});

describe('a QuestionnaireResponse against its Questionnaire, on every write', () => {
  const FORM = 'http://lots.se/fhir/Questionnaire/halsodeklaration';
  const response = (status: string, item: object[]) => ({ resourceType: 'QuestionnaireResponse', questionnaire: FORM, status, ...(item.length ? { item } : {}) });

  beforeAll(async () => {
    const form = {
      resourceType: 'Questionnaire',
      url: FORM,
      status: 'active',
      item: [
        { linkId: 'rokare', text: 'Röker du?', type: 'boolean', required: true },
        { linkId: 'antal', text: 'Hur många om dagen?', type: 'integer', enableWhen: [{ question: 'rokare', operator: '=', answerBoolean: true }] },
      ],
    };
    expect((await t.request('POST', 'Questionnaire', { body: form })).status).toBe(201);
  });

  it('stores answers that fit the form', async () => {
    const res = await t.request('POST', 'QuestionnaireResponse', { body: response('completed', [{ linkId: 'rokare', answer: [{ valueBoolean: true }] }, { linkId: 'antal', answer: [{ valueInteger: 5 }] }]) });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  });

  it('refuses an answer of the wrong type, and one to a question the form lacks', async () => {
    const wrongType = await t.request('POST', 'QuestionnaireResponse', { body: response('completed', [{ linkId: 'rokare', answer: [{ valueString: 'ja' }] }]) });
    expect(wrongType.status).toBe(422);
    const unknown = await t.request('POST', 'QuestionnaireResponse', { body: response('completed', [{ linkId: 'rokare', answer: [{ valueBoolean: false }] }, { linkId: 'vikt', answer: [{ valueInteger: 70 }] }]) });
    expect(unknown.status).toBe(422);
    expect(errorsAt(unknown.body)).toEqual(['QuestionnaireResponse.item[1].linkId']);
  });

  it('refuses an answer to a question that was not asked', async () => {
    const res = await t.request('POST', 'QuestionnaireResponse', { body: response('completed', [{ linkId: 'rokare', answer: [{ valueBoolean: false }] }, { linkId: 'antal', answer: [{ valueInteger: 5 }] }]) });
    expect(res.status).toBe(422);
    expect(errorsAt(res.body)).toEqual(['QuestionnaireResponse.item[1]']);
  });

  it('lets an unfinished response leave required questions out, but not a completed one', async () => {
    expect((await t.request('POST', 'QuestionnaireResponse', { body: response('in-progress', []) })).status).toBe(201);
    const done = await t.request('POST', 'QuestionnaireResponse', { body: response('completed', []) });
    expect(done.status).toBe(422);
    expect(done.body.issue.map((i: any) => i.code)).toEqual(['required']);
  });

  it('gives $validate the same answer as the write', async () => {
    const res = await t.request('POST', 'QuestionnaireResponse/$validate', { body: response('completed', [{ linkId: 'rokare', answer: [{ valueString: 'ja' }] }]) });
    expect(res.status).toBe(200);
    expect(errorsAt(res.body).length).toBeGreaterThan(0);
  });

  it('accepts a response to a form this server does not hold', async () => {
    const res = await t.request('POST', 'QuestionnaireResponse', { body: { ...response('completed', [{ linkId: 'x', answer: [{ valueString: 'y' }] }]), questionnaire: 'http://example.org/Questionnaire/okand' } });
    expect(res.status).toBe(201);
  });
});

describe('StructureDefinitions written through the API', () => {
  const URL_ = 'http://region.se/fhir/StructureDefinition/modersmal';
  const definition = {
    resourceType: 'StructureDefinition',
    url: URL_,
    name: 'Modersmal',
    status: 'active',
    kind: 'complex-type',
    abstract: false,
    context: [{ type: 'element', expression: 'Patient' }],
    type: 'Extension',
    baseDefinition: 'http://hl7.org/fhir/StructureDefinition/Extension',
    derivation: 'constraint',
    differential: {
      element: [
        { id: 'Extension', path: 'Extension', max: '1' },
        { id: 'Extension.url', path: 'Extension.url', fixedUri: URL_ },
        { id: 'Extension.value[x]', path: 'Extension.value[x]', min: 1, type: [{ code: 'string' }] },
      ],
    },
  };

  it('know their extensions from the next start', async () => {
    expect((await t.request('POST', 'StructureDefinition', { body: definition })).status).toBe(201);
    const deps = await createDeps(loadConfig({ BASE_URL: BASE, LOG_LEVEL: 'silent' }), silentLogger, t.deps.db);
    try {
      const validate = (r: object) => deps.fhir.validator.validate(r as any).map((i) => `${i.severity} ${i.expression?.[0]}`);
      expect(validate({ resourceType: 'Patient', extension: [{ url: URL_, valueString: 'samiska' }] })).toEqual([]);
      expect(validate({ resourceType: 'Patient', extension: [{ url: URL_, valueInteger: 3 }] })).toEqual(['error Patient.extension[0].valueInteger']);
      expect(validate({ resourceType: 'Observation', status: 'final', code: { text: 'x' }, extension: [{ url: URL_, valueString: 'samiska' }] })).toEqual(['error Observation.extension[0]']);
    } finally {
      await deps.reindexer.stop();
      await deps.statistics.stop();
      await deps.audit.close();
    }
  });
});
