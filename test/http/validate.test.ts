import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SE_BASE_EXAMPLES_DIR } from '../support/corpus.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const SE_BASE_PATIENT = 'http://hl7.se/fhir/ig/base/StructureDefinition/SEBasePatient';
const PNR = 'http://electronichealth.se/identifier/personnummer';

const patient = (extra: Record<string, unknown> = {}) => ({
  resourceType: 'Patient',
  name: [{ family: 'Holm', given: ['Astrid'] }],
  gender: 'female',
  birthDate: '1946-12-12',
  ...extra,
});

const expressions = (outcome: any): string[] => (outcome.issue ?? []).flatMap((i: any) => i.expression ?? []);
const errorsOf = (outcome: any): any[] => (outcome.issue ?? []).filter((i: any) => i.severity === 'error' || i.severity === 'fatal');

/** How many versions of `type` exist, to prove a refused write wrote nothing. */
async function writes(type: string): Promise<number> {
  return (await t.request('GET', `${type}/_history?_count=1000`)).body.entry?.length ?? 0;
}

describe('$validate', () => {
  it('answers 200 with an information issue for a valid resource at type level', async () => {
    const res = await t.request('POST', 'Patient/$validate', { body: patient() });
    expect(res.status).toBe(200);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(errorsOf(res.body)).toEqual([]);
    expect(res.body.issue.some((i: any) => i.severity === 'information')).toBe(true);
  });

  it('answers 200 with error issues and their expressions for an invalid resource, and stores nothing', async () => {
    const before = await writes('Patient');
    const res = await t.request('POST', 'Patient/$validate', { body: patient({ gender: 'bogus', favouriteColour: 'blue' }) });
    expect(res.status).toBe(200);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(errorsOf(res.body).length).toBeGreaterThanOrEqual(2);
    expect(expressions(res.body)).toEqual(expect.arrayContaining(['Patient.gender', 'Patient.favouriteColour']));
    expect(res.body.issue.some((i: any) => i.severity === 'information')).toBe(false);
    expect(await writes('Patient')).toBe(before);
  });

  it('takes a Parameters body with a resource part', async () => {
    const ok = await t.request('POST', 'Observation/$validate', {
      body: { resourceType: 'Parameters', parameter: [{ name: 'resource', resource: { resourceType: 'Observation', status: 'final', code: { text: 'Vikt' } } }] },
    });
    expect(ok.status).toBe(200);
    expect(errorsOf(ok.body)).toEqual([]);
    const bad = await t.request('POST', 'Observation/$validate', {
      body: { resourceType: 'Parameters', parameter: [{ name: 'resource', resource: { resourceType: 'Observation', code: { text: 'Vikt' } } }, { name: 'mode', valueCode: 'create' }] },
    });
    expect(bad.status).toBe(200);
    expect(expressions(bad.body)).toContain('Observation.status');
  });

  it('validates at instance level: the stored resource, or the body against it', async () => {
    const created = await t.request('POST', 'Patient', { body: patient() });
    const id = created.body.id;
    const stored = await t.request('POST', `Patient/${id}/$validate`);
    expect(stored.status).toBe(200);
    expect(errorsOf(stored.body)).toEqual([]);
    const body = await t.request('POST', `Patient/${id}/$validate`, { body: { ...created.body, gender: 'unknown-ish' } });
    expect(body.status).toBe(200);
    expect(expressions(body.body)).toContain('Patient.gender');
    const get = await t.request('GET', `Patient/${id}/$validate`);
    expect(get.status).toBe(200);
    expect(errorsOf(get.body)).toEqual([]);
    expect((await t.request('POST', 'Patient/not-there/$validate')).status).toBe(404);
  });

  it('answers 400 for a body of another type and for a bad mode', async () => {
    const other = await t.request('POST', 'Patient/$validate', { body: { resourceType: 'Observation', status: 'final', code: { text: 'x' } } });
    expect(other.status).toBe(400);
    const mode = await t.request('POST', 'Patient/$validate?mode=sideways', { body: patient() });
    expect(mode.status).toBe(400);
  });

  it('validates against a profile nominated with ?profile= or a Parameters profile part; 400 for an unknown one', async () => {
    const twoNames = patient({ name: [{ family: 'Holm' }, { family: 'Berg' }] });
    expect(errorsOf((await t.request('POST', 'Patient/$validate', { body: twoNames })).body)).toEqual([]);
    const query = await t.request('POST', `Patient/$validate?profile=${encodeURIComponent(SE_BASE_PATIENT)}`, { body: twoNames });
    expect(query.status).toBe(200);
    expect(errorsOf(query.body).map((i: any) => i.diagnostics).join('\n')).toContain(SE_BASE_PATIENT);
    const params = await t.request('POST', 'Patient/$validate', {
      body: { resourceType: 'Parameters', parameter: [{ name: 'resource', resource: twoNames }, { name: 'profile', valueUri: SE_BASE_PATIENT }] },
    });
    expect(params.status).toBe(200);
    expect(expressions(params.body).join()).toMatch(/Patient\.name/);
    const unknown = await t.request('POST', `Patient/$validate?profile=${encodeURIComponent('http://example.org/StructureDefinition/nope')}`, { body: patient() });
    expect(unknown.status).toBe(400);
    expect(unknown.body.issue[0].diagnostics).toContain('http://example.org/StructureDefinition/nope');
  });

  it('warns that a meta.profile it does not know was not checked, without refusing the write', async () => {
    const body = patient({ meta: { profile: ['http://example.org/StructureDefinition/other-ig-patient'] } });
    const res = await t.request('POST', 'Patient/$validate', { body });
    expect(res.status).toBe(200);
    const warning = res.body.issue.find((i: any) => i.severity === 'warning');
    expect(warning.diagnostics).toContain('other-ig-patient');
    expect(warning.expression).toEqual(['Patient.meta.profile[0]']);
    expect(errorsOf(res.body)).toEqual([]);
    expect((await t.request('POST', 'Patient', { body })).status).toBe(201);
  });

  it('checks meta.profile: an SEBasePatient with two names gets an error naming the profile', async () => {
    const res = await t.request('POST', 'Patient/$validate', {
      body: patient({ meta: { profile: [SE_BASE_PATIENT] }, name: [{ family: 'Holm' }, { family: 'Berg' }] }),
    });
    expect(res.status).toBe(200);
    expect(errorsOf(res.body).map((i: any) => i.diagnostics).join('\n')).toContain(SE_BASE_PATIENT);
  });
});

describe('validation on create and update', () => {
  it('refuses a code outside a required binding with 422 naming the element (Observation.status)', async () => {
    const before = await writes('Observation');
    const res = await t.request('POST', 'Observation', { body: { resourceType: 'Observation', status: 'done', code: { text: 'Puls' } } });
    expect(res.status).toBe(422);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(expressions(res.body)).toContain('Observation.status');
    expect(res.body.issue.find((i: any) => i.expression?.includes('Observation.status')).diagnostics).toMatch(/done/);
    expect(await writes('Observation')).toBe(before);
  });

  it('refuses a nested required-binding violation with the indexed path (Patient.telecom[0].system)', async () => {
    const res = await t.request('POST', 'Patient', { body: patient({ telecom: [{ system: 'pager-ish', value: '123' }] }) });
    expect(res.status).toBe(422);
    expect(expressions(res.body)).toContain('Patient.telecom[0].system');
    const second = await t.request('POST', 'Patient', { body: patient({ telecom: [{ system: 'phone', value: '1' }, { system: 'fax', value: '2', use: 'cellphone' }] }) });
    expect(second.status).toBe(422);
    expect(expressions(second.body)).toContain('Patient.telecom[1].use');
    expect(expressions(second.body)).not.toContain('Patient.telecom[1].system');
  });

  it('refuses unknown elements with 422', async () => {
    const res = await t.request('POST', 'Patient', { body: patient({ nickname: 'Asta' }) });
    expect(res.status).toBe(422);
    expect(expressions(res.body)).toContain('Patient.nickname');
    const nested = await t.request('POST', 'Patient', { body: patient({ name: [{ family: 'Holm', nick: 'x' }] }) });
    expect(nested.status).toBe(422);
    expect(expressions(nested.body).join()).toMatch(/Patient\.name(\[0\])?\.nick/);
  });

  it('refuses cardinality violations with 422: a missing required element, an array for a single one', async () => {
    const missing = await t.request('POST', 'Observation', { body: { resourceType: 'Observation', status: 'final' } });
    expect(missing.status).toBe(422);
    expect(expressions(missing.body)).toContain('Observation.code');
    const many = await t.request('POST', 'Patient', { body: patient({ gender: ['female', 'male'] }) });
    expect(many.status).toBe(422);
    expect(expressions(many.body).join()).toMatch(/Patient\.gender/);
  });

  it('refuses a wrong primitive type with 422', async () => {
    const res = await t.request('POST', 'Patient', { body: patient({ birthDate: '12 December 1946' }) });
    expect(res.status).toBe(422);
    expect(expressions(res.body)).toContain('Patient.birthDate');
    const bool = await t.request('POST', 'Patient', { body: patient({ active: 'yes' }) });
    expect(bool.status).toBe(422);
    expect(expressions(bool.body)).toContain('Patient.active');
  });

  it('refuses invariant violations with 422: Patient.contact with nothing in it (pat-1)', async () => {
    const res = await t.request('POST', 'Patient', { body: patient({ contact: [{ gender: 'male' }] }) });
    expect(res.status).toBe(422);
    const issue = res.body.issue.find((i: any) => /pat-1/.test(i.diagnostics));
    expect(issue).toBeDefined();
    expect(issue.expression).toEqual(['Patient.contact[0]']);
    const ok = await t.request('POST', 'Patient', { body: patient({ contact: [{ name: { family: 'Holm' } }] }) });
    expect(ok.status).toBe(201);
  });

  it('refuses empty strings with 422 naming the element', async () => {
    const res = await t.request('POST', 'Patient', { body: patient({ name: [{ family: '', given: ['Astrid'] }] }) });
    expect(res.status).toBe(422);
    expect(expressions(res.body)).toEqual(['Patient.name[0].family']);
  });

  it.each([
    ['a script', '<script>alert(1)</script>', /script/],
    ['an event attribute', '<p onclick="alert(1)">Klicka</p>', /onclick/],
    ['a javascript: link', '<a href="javascript:alert(1)">Länk</a>', /javascript:/],
    ['an iframe', '<iframe src="https://example.org"></iframe>', /iframe/],
  ])('refuses a narrative with %s (txt-1) with 422, also in a contained resource', async (_what, html, found) => {
    const text = { status: 'generated', div: `<div xmlns="http://www.w3.org/1999/xhtml">${html}</div>` };
    const res = await t.request('POST', 'Patient', { body: patient({ text }) });
    expect(res.status).toBe(422);
    expect(res.body.issue[0].code).toBe('invariant');
    expect(res.body.issue[0].expression).toEqual(['Patient.text.div']);
    expect(res.body.issue[0].diagnostics).toMatch(found);
    const contained = await t.request('POST', 'Observation', {
      body: { resourceType: 'Observation', status: 'final', code: { text: 'Vikt' }, contained: [patient({ id: 'p', text })], subject: { reference: '#p' } },
    });
    expect(contained.status).toBe(422);
    expect(expressions(contained.body)).toContain('Observation.contained[0].text.div');
  });

  it('accepts a narrative with ordinary formatting, tables, links and images', async () => {
    const div =
      '<div xmlns="http://www.w3.org/1999/xhtml"><h3 style="color: navy">Astrid Holm</h3><p class="x">Född <b>1946-12-12</b>; based on=records</p>' +
      '<table><tr><td>Adress</td><td><a href="https://www.1177.se">1177</a></td></tr></table><img src="#photo" alt="Foto"/></div>';
    // The image points at the photo element (an internal link must resolve, as in the HL7 validator).
    const photo = [{ id: 'photo', contentType: 'image/jpeg', url: 'https://www.1177.se/foto.jpg' }];
    const res = await t.request('POST', 'Patient', { body: patient({ text: { status: 'generated', div }, photo }) });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  });

  it('validates an update too, and keeps the stored version', async () => {
    const created = await t.request('POST', 'Patient', { body: patient() });
    const res = await t.request('PUT', `Patient/${created.body.id}`, { body: { ...created.body, telecom: [{ system: 'carrier-pigeon', value: 'x' }] } });
    expect(res.status).toBe(422);
    expect(expressions(res.body)).toContain('Patient.telecom[0].system');
    expect((await t.request('GET', `Patient/${created.body.id}`)).body).toEqual(created.body);
  });
});

describe('HL7 Sweden base profiles', () => {
  const dir = SE_BASE_EXAMPLES_DIR;
  const examples = readdirSync(dir)
    .filter((f) => /^(Patient|Organization|Practitioner)-.*\.json$/.test(f))
    .map((f) => JSON.parse(readFileSync(new URL(f, dir), 'utf8')) as any);

  it('has the examples', () => {
    expect(examples.filter((e) => e.resourceType === 'Patient').length).toBeGreaterThanOrEqual(10);
    expect(examples.some((e) => e.resourceType === 'Organization')).toBe(true);
    expect(examples.some((e) => e.resourceType === 'Practitioner')).toBe(true);
  });

  for (const example of examples) {
    it(`stores and serves ${example.resourceType}/${example.id}`, async () => {
      expect(example.meta?.profile?.[0]).toMatch(/^http:\/\/hl7\.se\/fhir\/ig\/base\/StructureDefinition\/SEBase/);
      const put = await t.request('PUT', `${example.resourceType}/${example.id}`, { body: example });
      expect(put.status, JSON.stringify(put.body)).toBe(201);
      const read = await t.request('GET', `${example.resourceType}/${example.id}`);
      expect(read.status).toBe(200);
      const { meta: readMeta, ...content } = read.body;
      const { meta, ...expected } = example;
      // A protected identity's address and contact details are withheld from system clients
      // (DOMAIN.md section 5); everything else comes back as sent.
      const protectedIdentity = (meta.security ?? []).some((c: { code: string }) => ['sekretessmarkering', 'skyddadFolkbokforing'].includes(c.code));
      if (protectedIdentity) {
        for (const key of ['address', 'telecom', 'contact', 'photo']) {
          expect(content[key]).toBeUndefined();
          delete expected[key];
        }
      }
      expect(content).toEqual(expected);
      expect(readMeta.profile).toEqual(meta.profile);
      expect(readMeta.versionId).toBe('1');
    });
  }

  const sePatient = (extra: Record<string, unknown> = {}): Record<string, unknown> =>
    patient({ meta: { profile: [SE_BASE_PATIENT] }, identifier: [{ system: PNR, value: '194612122228' }], ...extra });

  it('accepts a Patient that conforms to SEBasePatient', async () => {
    const res = await t.request('POST', 'Patient', { body: sePatient() });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  });

  it('refuses an SEBasePatient with more than one name (Patient.name max 1) with 422 naming the profile', async () => {
    const before = await writes('Patient');
    const res = await t.request('POST', 'Patient', { body: sePatient({ name: [{ family: 'Holm' }, { family: 'Berg', use: 'maiden' }] }) });
    expect(res.status).toBe(422);
    const issues = errorsOf(res.body);
    expect(issues.map((i: any) => i.diagnostics).join('\n')).toContain(SE_BASE_PATIENT);
    expect(issues.flatMap((i: any) => i.expression ?? []).join()).toMatch(/Patient\.name/);
    expect(await writes('Patient')).toBe(before);
    // The same Patient without the profile claim is fine: base R4 allows several names.
    const { meta: _meta, ...plain } = sePatient({ name: [{ family: 'Holm' }, { family: 'Berg', use: 'maiden' }] });
    expect((await t.request('POST', 'Patient', { body: plain })).status).toBe(201);
  });

  it('refuses an SEBasePatient with two personnummer (slice max 1) with 422 naming the profile', async () => {
    const res = await t.request('POST', 'Patient', {
      body: sePatient({ identifier: [{ system: PNR, value: '194612122228' }, { system: PNR, value: '191212121212' }] }),
    });
    expect(res.status).toBe(422);
    expect(errorsOf(res.body).map((i: any) => i.diagnostics).join('\n')).toContain(SE_BASE_PATIENT);
  });

  it('refuses an SEBasePatient with an invalid personnummer, naming the identifier', async () => {
    const res = await t.request('POST', 'Patient', { body: sePatient({ identifier: [{ system: PNR, value: '194612122227' }] }) });
    expect(res.status).toBe(422);
    expect(expressions(res.body)).toContain('Patient.identifier[0].value');
  });

  it('checks a personnummer inside a contained resource', async () => {
    const body = {
      resourceType: 'Observation',
      status: 'final',
      code: { text: 'Längd' },
      contained: [{ resourceType: 'Patient', id: 'p1', identifier: [{ system: PNR, value: '191212121213' }] }],
      subject: { reference: '#p1' },
    };
    const res = await t.request('POST', 'Observation', { body });
    expect(res.status).toBe(422);
    expect(expressions(res.body)).toContain('Observation.contained[0].identifier[0].value');
    const ok = await t.request('POST', 'Observation', {
      body: { ...body, contained: [{ resourceType: 'Patient', id: 'p1', identifier: [{ system: PNR, value: '191212121212' }] }] },
    });
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
  });

  it('checks a personnummer inside a Bundle entry', async () => {
    const bundle = (value: string) => ({
      resourceType: 'Bundle',
      type: 'collection',
      entry: [
        { fullUrl: 'urn:uuid:2f0c5a4e-0000-4000-8000-000000000001', resource: patient() },
        { fullUrl: 'urn:uuid:2f0c5a4e-0000-4000-8000-000000000002', resource: patient({ identifier: [{ system: PNR, value }] }) },
      ],
    });
    const res = await t.request('POST', 'Bundle', { body: bundle('191212121213') });
    expect(res.status).toBe(422);
    expect(expressions(res.body)).toContain('Bundle.entry[1].resource.identifier[0].value');
    expect((await t.request('POST', 'Bundle', { body: bundle('191212121212') })).status).toBe(201);
    const validate = await t.request('POST', 'Bundle/$validate', { body: bundle('191212121213') });
    expect(validate.status).toBe(200);
    expect(expressions(validate.body)).toContain('Bundle.entry[1].resource.identifier[0].value');
  });
});
