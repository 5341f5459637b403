/**
 * Token search (https://hl7.org/fhir/R4/search.html#token): `code`, `system|code`, `|code`, `system|`,
 * `:not` (which also matches resources without the element), `:in`/`:not-in` a ValueSet, `:text`,
 * `:of-type`, `:missing`, booleans,
 * and the resource-level `_id`, `_tag`, `_security` and `_profile` (a uri).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allBut, matchLabels, seed } from '../support/search.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

const PNR = 'http://electronichealth.se/identifier/personnummer';
const SAM = 'http://electronichealth.se/identifier/samordningsnummer';
const V2 = 'http://terminology.hl7.org/CodeSystem/v2-0203';
const LOINC = 'http://loinc.org';
const SCT = 'http://snomed.info/sct';
const CAT = 'http://terminology.hl7.org/CodeSystem/observation-category';
const TAGS = 'http://lots.example/tags';
const CONF = 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality';
const SE_PATIENT = 'http://hl7.se/fhir/ig/base/StructureDefinition/SEBasePatient';

let t: TestApp;
let refs: Map<string, string>;

const obs = (code: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ resourceType: 'Observation', status: 'final', code, ...extra });

beforeAll(async () => {
  t = await createTestApp();
  refs = await seed(t, {
    anna: {
      resourceType: 'Patient',
      meta: { tag: [{ system: TAGS, code: 'demo' }], security: [{ system: CONF, code: 'R' }], profile: [SE_PATIENT] },
      identifier: [
        { system: PNR, value: '191212121212' },
        { type: { coding: [{ system: V2, code: 'MR' }], text: 'Journalnummer' }, system: 'http://sahlgrenska.example/mrn', value: 'MRN-1' },
      ],
      active: true,
      gender: 'female',
      telecom: [{ system: 'phone', value: '070-1234567' }, { system: 'email', value: 'anna@example.se' }],
    },
    bo: {
      resourceType: 'Patient',
      meta: { tag: [{ system: 'http://other.example/tags', code: 'demo' }, { system: TAGS, code: 'test' }] },
      identifier: [{ system: SAM, value: '197010632391' }, { type: { coding: [{ system: V2, code: 'PPN' }] }, system: 'urn:passport', value: 'MRN-1' }],
      active: false,
      gender: 'male',
    },
    cecilia: { resourceType: 'Patient', meta: { profile: [`${SE_PATIENT}-child`] }, gender: 'female' },
    nobody: { resourceType: 'Patient' },
    pulse: obs(
      { coding: [{ system: LOINC, code: '8867-4', display: 'Heart rate' }], text: 'Puls i vila' },
      { category: [{ coding: [{ system: CAT, code: 'vital-signs' }] }] },
    ),
    temp: obs(
      { coding: [{ system: LOINC, code: '8310-5', display: 'Body temperature' }, { system: SCT, code: '386725007', display: 'Kroppstemperatur' }] },
      { category: [{ coding: [{ system: CAT, code: 'vital-signs' }] }], status: 'preliminary' },
    ),
    bare: obs({ coding: [{ code: '8867-4' }] }, { status: 'amended' }),
    snomedPulse: obs({ coding: [{ system: SCT, code: '364075005', display: 'Hjärtfrekvens' }] }, { category: [{ coding: [{ system: CAT, code: 'survey' }] }] }),
    textOnly: obs({ text: 'Blodtryck uppmätt hemma' }),
  });
});
afterAll(() => t.close());

const but = (type: string, ...except: string[]) => allBut(refs, type, ...except);

describe('code forms on a CodeableConcept', () => {
  it.each([
    ['code alone, any system', 'Observation?code=8867-4', ['bare', 'pulse']],
    ['system|code', `Observation?code=${LOINC}|8867-4`, ['pulse']],
    ['system|code with another system', `Observation?code=${SCT}|8867-4`, []],
    ['|code: no system', 'Observation?code=|8867-4', ['bare']],
    ['system|: any code in the system', `Observation?code=${LOINC}|`, ['pulse', 'temp']],
    ['second coding', `Observation?code=${SCT}|386725007`, ['temp']],
    ['codes are case-sensitive', 'Observation?code=8867-4X', []],
    ['OR of codes', `Observation?code=${LOINC}|8310-5,${SCT}|364075005`, ['snomedPulse', 'temp']],
    ['URL-encoded bar', `Observation?code=${encodeURIComponent(`${LOINC}|8867-4`)}`, ['pulse']],
    ['status (a code)', 'Observation?status=final', ['pulse', 'snomedPulse', 'textOnly']],
    ['status OR', 'Observation?status=preliminary,amended', ['bare', 'temp']],
    ['category and code together', `Observation?category=vital-signs&code=${LOINC}|`, ['pulse', 'temp']],
  ])('%s: %s', async (_what, query, expected) => {
    expect(await matchLabels(t, refs, query)).toEqual(expected);
  });
});

describe(':not matches everything else, including resources without the element', () => {
  it.each([
    ['code:not', 'Observation?code:not=8867-4', () => but('Observation', 'pulse', 'bare')],
    ['code:not with system', `Observation?code:not=${LOINC}|8867-4`, () => but('Observation', 'pulse')],
    ['code:not, two values = neither', `Observation?code:not=8867-4,8310-5`, () => but('Observation', 'pulse', 'bare', 'temp')],
    ['category:not includes those without a category', 'Observation?category:not=vital-signs', () => ['bare', 'snomedPulse', 'textOnly']],
    ['gender:not includes those without a gender', 'Patient?gender:not=male', () => ['anna', 'cecilia', 'nobody']],
    ['active:not=true', 'Patient?active:not=true', () => ['bo', 'cecilia', 'nobody']],
    ['_tag:not', `Patient?_tag:not=${TAGS}|demo`, () => ['bo', 'cecilia', 'nobody']],
  ])('%s: %s', async (_what, query, expected) => {
    expect(await matchLabels(t, refs, query)).toEqual(expected());
  });
});

describe(':in and :not-in a ValueSet, :below and :above a code', () => {
  const LOTS_VS = 'https://lots.example/fhir/ValueSet/heart-rate-codes';
  const LOTS_CS = 'https://lots.example/fhir/CodeSystem/test-measures';
  beforeAll(async () => {
    const put = async (path: string, body: unknown) => {
      const res = await t.request('PUT', path, { body: { ...(body as object), id: path.split('/')[1] } });
      expect(res.status, res.text).toBe(201);
    };
    await put('ValueSet/heart-rate-codes', {
      resourceType: 'ValueSet',
      url: LOTS_VS,
      version: '1.0',
      status: 'active',
      compose: { include: [{ system: LOINC, concept: [{ code: '8867-4' }] }, { system: SCT, concept: [{ code: '364075005' }] }] },
    });
    await put('CodeSystem/test-measures', {
      resourceType: 'CodeSystem',
      url: LOTS_CS,
      status: 'active',
      content: 'complete',
      concept: [{ code: 'weight', concept: [{ code: 'weight-child' }] }, { code: 'length' }],
    });
    await put('ValueSet/all-test-measures', { resourceType: 'ValueSet', url: `${LOTS_CS}-all`, status: 'active', compose: { include: [{ system: LOTS_CS }] } });
    const childWeight = await t.request('POST', 'Observation', { body: obs({ coding: [{ system: LOTS_CS, code: 'weight-child' }] }) });
    refs.set('childWeight', `Observation/${childWeight.body.id}`);
  });

  it.each([
    ['a stored ValueSet of listed codes (a code without a system matches by its code)', `Observation?code:in=${LOTS_VS}`, () => ['bare', 'pulse', 'snomedPulse']],
    ['a stored ValueSet by url|version', `Observation?code:in=${LOTS_VS}|1.0`, () => ['bare', 'pulse', 'snomedPulse']],
    ['a stored ValueSet that includes a whole stored CodeSystem, nested codes too', `Observation?code:in=${LOTS_CS}-all`, () => ['childWeight']],
    ['one of R4\'s ValueSets', 'Observation?category:in=http://hl7.org/fhir/ValueSet/observation-category', () => ['pulse', 'snomedPulse', 'temp']],
    ['R4\'s ValueSet for a code element', 'Patient?gender:in=http://hl7.org/fhir/ValueSet/administrative-gender', () => ['anna', 'bo', 'cecilia']],
    [':not-in is everything else, those without the element too', `Observation?code:not-in=${LOTS_VS}`, () => but('Observation', 'bare', 'pulse', 'snomedPulse')],
    [':below a code: itself and what it subsumes', `Observation?code:below=${LOTS_CS}|weight`, () => ['childWeight']],
    [':below a leaf: itself', `Observation?code:below=${LOTS_CS}|weight-child`, () => ['childWeight']],
    [':below another branch', `Observation?code:below=${LOTS_CS}|length`, () => []],
    [':above a code: itself and what subsumes it', `Observation?code:above=${LOTS_CS}|weight-child`, () => ['childWeight']],
    [':above is not :below', `Observation?code:above=${LOTS_CS}|weight`, () => []],
    [':below in one of R4\'s code systems', 'Observation?category:below=http://terminology.hl7.org/CodeSystem/observation-category|vital-signs', () => ['pulse', 'temp']],
  ])('%s: %s', async (_what, query, expected) => {
    expect(await matchLabels(t, refs, query)).toEqual(expected());
  });

  it.each([
    ['an unknown ValueSet', 'Observation?code:in=https://nowhere.example/ValueSet/x', /ValueSet https:\/\/nowhere.example\/ValueSet\/x is not known/],
    ['an unknown version', `Observation?code:in=${LOTS_VS}|9.9`, /is not known/],
    ['a ValueSet that needs a terminology server', 'Observation?code:in=http://hl7.org/fhir/ValueSet/observation-codes', /http:\/\/loinc.org .* without a terminology server/],
    [':below a code system Lots does not have', `Observation?code:below=${SCT}|38341003`, /does not have the code system http:\/\/snomed.info\/sct/],
    [':below a code the system lacks', `Observation?code:below=${LOTS_CS}|nope`, /has no code nope/],
    [':below without a system', 'Observation?code:below=8867-4', /needs system\|code/],
  ])('answers 400 for %s', async (_what, query, message) => {
    const res = await t.request('GET', query);
    expect(res.status).toBe(400);
    expect(res.body.issue[0].diagnostics).toMatch(message);
  });
});

describe(':text searches the display text and CodeableConcept.text', () => {
  it.each([
    ['Coding.display', 'Observation?code:text=heart', ['pulse']],
    ['CodeableConcept.text', 'Observation?code:text=puls', ['pulse']],
    ['case-insensitive', 'Observation?code:text=BODY', ['temp']],
    ['accent-insensitive', 'Observation?code:text=hjartfrekvens', ['snomedPulse']],
    ['a text-only concept', 'Observation?code:text=blodtryck', ['textOnly']],
    ['starts with, like string search', 'Observation?code:text=rate', []],
    ['Identifier.type.text', 'Patient?identifier:text=journal', ['anna']],
    ['values are not patterns', 'Observation?code:text=h_art', []],
  ])('%s: %s', async (_what, query, expected) => {
    expect(await matchLabels(t, refs, query)).toEqual(expected);
  });
});

describe('identifiers', () => {
  it.each([
    ['value alone', 'Patient?identifier=191212121212', ['anna']],
    ['system|value (personnummer)', `Patient?identifier=${PNR}|191212121212`, ['anna']],
    ['system|value, wrong system', `Patient?identifier=${SAM}|191212121212`, []],
    ['system|', `Patient?identifier=${PNR}|`, ['anna']],
    ['value shared by two systems', 'Patient?identifier=MRN-1', ['anna', 'bo']],
    ['of-type MR', `Patient?identifier:of-type=${V2}|MR|MRN-1`, ['anna']],
    ['of-type PPN', `Patient?identifier:of-type=${V2}|PPN|MRN-1`, ['bo']],
    ['of-type, wrong value', `Patient?identifier:of-type=${V2}|MR|191212121212`, []],
    ['identifier:missing=true', 'Patient?identifier:missing=true', ['cecilia', 'nobody']],
    ['identifier:missing=false', 'Patient?identifier:missing=false', ['anna', 'bo']],
  ])('%s: %s', async (_what, query, expected) => {
    expect(await matchLabels(t, refs, query)).toEqual(expected);
  });
});

describe('booleans, codes and contact points', () => {
  it.each([
    ['active=true', 'Patient?active=true', ['anna']],
    ['active=false', 'Patient?active=false', ['bo']],
    ['active:missing=true', 'Patient?active:missing=true', ['cecilia', 'nobody']],
    ['gender', 'Patient?gender=female', ['anna', 'cecilia']],
    ['gender:missing=true', 'Patient?gender:missing=true', ['nobody']],
    ['telecom value', 'Patient?telecom=070-1234567', ['anna']],
    ['phone', 'Patient?phone=070-1234567', ['anna']],
    ['email', 'Patient?email=anna@example.se', ['anna']],
    ['email does not find a phone number', 'Patient?email=070-1234567', []],
  ])('%s: %s', async (_what, query, expected) => {
    expect(await matchLabels(t, refs, query)).toEqual(expected);
  });
});

describe('_id, _tag, _security, _profile', () => {
  it('_id finds one or several resources', async () => {
    const id = (label: string) => refs.get(label)!.split('/')[1]!;
    expect(await matchLabels(t, refs, `Patient?_id=${id('anna')}`)).toEqual(['anna']);
    expect(await matchLabels(t, refs, `Patient?_id=${id('anna')},${id('bo')}`)).toEqual(['anna', 'bo']);
    expect(await matchLabels(t, refs, `Patient?_id:not=${id('anna')}`)).toEqual(but('Patient', 'anna'));
    expect(await matchLabels(t, refs, `Observation?_id=${id('anna')}`)).toEqual([]);
    expect(await matchLabels(t, refs, 'Patient?_id=no-such-id')).toEqual([]);
  });

  it.each([
    ['_tag system|code', `Patient?_tag=${TAGS}|demo`, ['anna']],
    ['_tag code', 'Patient?_tag=demo', ['anna', 'bo']],
    ['_tag system|', `Patient?_tag=${TAGS}|`, ['anna', 'bo']],
    ['_tag:missing', 'Patient?_tag:missing=true', ['cecilia', 'nobody']],
    ['_security', `Patient?_security=${CONF}|R`, ['anna']],
    ['_security code', 'Patient?_security=R', ['anna']],
    ['_security other code', 'Patient?_security=N', []],
    ['_profile is exact', `Patient?_profile=${SE_PATIENT}`, ['anna']],
    ['_profile:below', `Patient?_profile:below=${SE_PATIENT}`, ['anna', 'cecilia']],
    ['_profile:missing', 'Patient?_profile:missing=true', ['bo', 'nobody']],
  ])('%s: %s', async (_what, query, expected) => {
    expect(await matchLabels(t, refs, query)).toEqual(expected);
  });
});

describe('writes keep the index current', () => {
  it('an update moves a resource from one token to another, a delete removes it', async () => {
    const created = await t.request('POST', 'Patient', { body: { resourceType: 'Patient', identifier: [{ system: 'urn:x', value: 'moving-1' }], active: true } });
    const id = created.body.id as string;
    const more = new Map([['mover', `Patient/${id}`]]);
    expect(await matchLabels(t, more, 'Patient?identifier=urn:x|moving-1')).toEqual(['mover']);
    await t.request('PUT', `Patient/${id}`, { body: { ...created.body, identifier: [{ system: 'urn:x', value: 'moving-2' }] } });
    expect(await matchLabels(t, more, 'Patient?identifier=urn:x|moving-1')).toEqual([]);
    expect(await matchLabels(t, more, 'Patient?identifier=urn:x|moving-2')).toEqual(['mover']);
    await t.request('DELETE', `Patient/${id}`);
    expect(await matchLabels(t, more, 'Patient?identifier=urn:x|moving-2')).toEqual([]);
  });
});
