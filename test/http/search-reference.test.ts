/**
 * Reference search (https://hl7.org/fhir/R4/search.html#reference): `id`, `Type/id`, an absolute URL on
 * this server or another, the `:Type` modifier, `:missing`, `:identifier`; chains (`subject:Patient.name`,
 * `patient.organization.name`) and reverse chains (`_has`, nested). Also the case inbox's searches:
 * R4 defines Task's `patient` as `Task.for.where(resolve() is Patient)`, so `Task?patient.name=` and
 * `Task?patient.identifier=` are plain chains.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { matchLabels, seed } from '../support/search.js';
import { BASE, createTestApp, type TestApp } from '../support/test-app.js';

const PNR = 'http://electronichealth.se/identifier/personnummer';
const SAM = 'http://electronichealth.se/identifier/samordningsnummer';
const HSA = 'urn:oid:1.2.752.29.4.19';
const LOINC = 'http://loinc.org';

let t: TestApp;
let refs: Map<string, string>;
const ref = (label: string) => refs.get(label)!;
const id = (label: string) => ref(label).split('/')[1]!;

const obs = (code: string, extra: Record<string, unknown> = {}) => ({
  resourceType: 'Observation',
  status: 'final',
  code: { coding: [{ system: LOINC, code }] },
  ...extra,
});
const task = (extra: Record<string, unknown>) => ({ resourceType: 'Task', status: 'requested', intent: 'order', ...extra });

beforeAll(async () => {
  t = await createTestApp();
  const orgs = await seed(t, {
    centrum: { resourceType: 'Organization', name: 'Vårdcentralen Centrum', identifier: [{ system: HSA, value: 'SE2321000131-E000000000001' }] },
    narhalsan: { resourceType: 'Organization', name: 'Närhälsan Lundby' },
  });
  const people = await seed(t, {
    sven: {
      resourceType: 'Patient',
      name: [{ family: 'Öberg', given: ['Sven'] }],
      identifier: [{ system: PNR, value: '191212121212' }],
      managingOrganization: { reference: orgs.get('centrum') },
    },
    lisa: {
      resourceType: 'Patient',
      name: [{ family: 'Lind', given: ['Lisa'] }],
      identifier: [{ system: SAM, value: '197010632391' }],
      managingOrganization: { reference: orgs.get('narhalsan') },
    },
    sharedPatient: { resourceType: 'Patient', id: 'shared-1', name: [{ family: 'Delad' }] },
    sharedGroup: { resourceType: 'Group', id: 'shared-1', type: 'person', actual: true, name: 'Delad grupp' },
    family: { resourceType: 'Group', type: 'person', actual: true, name: 'Lindgrens' },
    lindome: { resourceType: 'Location', name: 'Lindome vårdcentral' },
  });
  const encounters = await seed(t, {
    visit: { resourceType: 'Encounter', status: 'finished', class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' }, subject: { reference: people.get('sven') } },
  });
  const all = new Map([...orgs, ...people, ...encounters]);
  const observations = await seed(t, {
    svenPulse: obs('8867-4', { subject: { reference: all.get('sven') }, encounter: { reference: all.get('visit') } }),
    lisaTemp: obs('8310-5', { subject: { reference: all.get('lisa') } }),
    groupObs: obs('8867-4', { subject: { reference: all.get('family') } }),
    noSubject: obs('8867-4'),
    locationObs: obs('8310-5', { subject: { reference: all.get('lindome') } }),
    absoluteLocal: obs('9279-1', { subject: { reference: `${BASE}/${all.get('sven')}` } }),
    external: obs('9279-1', { subject: { reference: 'http://other.example/fhir/Patient/123' } }),
    byIdentifier: obs('9279-1', { subject: { identifier: { system: PNR, value: '191212121212' }, display: 'Sven Öberg' } }),
    sharedP: obs('2708-6', { subject: { reference: 'Patient/shared-1' } }),
    sharedG: obs('2708-6', { subject: { reference: 'Group/shared-1' } }),
  });
  const tasks = await seed(t, {
    svenTask: task({ for: { reference: all.get('sven') }, owner: { reference: all.get('centrum') } }),
    lisaTask: task({ for: { reference: all.get('lisa') } }),
    groupTask: task({ for: { reference: all.get('family') } }),
  });
  refs = new Map([...all, ...observations, ...tasks]);
});
afterAll(() => t.close());

describe('reference values', () => {
  it.each([
    ['id alone', () => `Observation?subject=${id('sven')}`, ['absoluteLocal', 'svenPulse']],
    ['Type/id', () => `Observation?subject=${ref('sven')}`, ['absoluteLocal', 'svenPulse']],
    ['absolute URL on this server', () => `Observation?subject=${BASE}/${ref('sven')}`, ['absoluteLocal', 'svenPulse']],
    ['versioned reference', () => `Observation?subject=${ref('sven')}/_history/1`, ['absoluteLocal', 'svenPulse']],
    ['absolute URL elsewhere', () => 'Observation?subject=http://other.example/fhir/Patient/123', ['external']],
    ['another server, same path', () => 'Observation?subject=Patient/123', []],
    ['id shared by two types', () => 'Observation?subject=shared-1', ['sharedG', 'sharedP']],
    ['Type/id of one of them', () => 'Observation?subject=Group/shared-1', ['sharedG']],
    [':Patient', () => 'Observation?subject:Patient=shared-1', ['sharedP']],
    [':Group', () => 'Observation?subject:Group=shared-1', ['sharedG']],
    [':Patient with a group id', () => `Observation?subject:Patient=${id('family')}`, []],
    ['patient param (subject as Patient)', () => `Observation?patient=${id('lisa')}`, ['lisaTemp']],
    ['patient param does not match a group', () => `Observation?patient=${id('family')}`, []],
    [':Location', () => `Observation?subject:Location=${id('lindome')}`, ['locationObs']],
    ['OR of references', () => `Observation?subject=${ref('lisa')},${ref('family')}`, ['groupObs', 'lisaTemp']],
    ['encounter', () => `Observation?encounter=${ref('visit')}`, ['svenPulse']],
    ['Patient.organization', () => `Patient?organization=${ref('centrum')}`, ['sven']],
  ])('%s', async (_what, query, expected) => {
    expect(await matchLabels(t, refs, query())).toEqual(expected);
  });

  it('answers 400 under strict handling for a chained parameter the target type does not have', async () => {
    const res = await t.request('GET', 'Observation?subject:Group.name=lind', { headers: { prefer: 'handling=strict' } });
    expect(res.status).toBe(400);
    expect(res.body.issue[0].diagnostics).toMatch(/name/);
  });

  it('answers 400 for a type the parameter cannot refer to', async () => {
    const res = await t.request('GET', 'Observation?subject:Practitioner=abc');
    expect(res.status).toBe(400);
    expect(res.body.issue[0].diagnostics).toMatch(/Practitioner/);
  });
});

describe(':identifier and :missing', () => {
  it.each([
    [':identifier system|value', `Observation?subject:identifier=${PNR}|191212121212`, ['byIdentifier']],
    [':identifier value', 'Observation?subject:identifier=191212121212', ['byIdentifier']],
    [':identifier wrong system', `Observation?subject:identifier=${SAM}|191212121212`, []],
    [':missing=true', 'Observation?subject:missing=true', ['noSubject']],
    [':missing=false', 'Observation?encounter:missing=false', ['svenPulse']],
  ])('%s: %s', async (_what, query, expected) => {
    expect(await matchLabels(t, refs, query)).toEqual(expected);
  });
});

describe('chains', () => {
  it.each([
    ['subject:Patient.name', 'Observation?subject:Patient.name=oberg', ['absoluteLocal', 'svenPulse']],
    ['subject.name across target types', 'Observation?subject.name=lind', ['lisaTemp', 'locationObs']],
    ['subject:Location.name', 'Observation?subject:Location.name=lind', ['locationObs']],
    ['chained token', `Observation?subject.identifier=${PNR}|191212121212`, ['absoluteLocal', 'svenPulse']],
    ['chained _id', () => `Observation?subject:Patient._id=${id('lisa')}`, ['lisaTemp']],
    ['depth 3: patient.organization.name', 'Observation?patient.organization.name=vardcentralen', ['absoluteLocal', 'svenPulse']],
    ['depth 3 with a token at the end', `Observation?subject:Patient.organization.identifier=${HSA}|SE2321000131-E000000000001`, ['absoluteLocal', 'svenPulse']],
    ['depth 3 from Encounter', 'Observation?encounter.subject:Patient.name=sven', ['svenPulse']],
    ['no match', 'Observation?subject:Patient.name=nobody', []],
    ['two chains ANDed', `Observation?subject:Patient.name=oberg&subject:Patient.identifier=${SAM}|`, []],
  ])('%s', async (_what, query, expected) => {
    expect(await matchLabels(t, refs, typeof query === 'function' ? query() : query)).toEqual(expected);
  });
});

describe('the case inbox: Task by patient', () => {
  it.each([
    ['Task?patient.name', 'Task?patient.name=oberg', ['svenTask']],
    ['Task?patient.name with accents', 'Task?patient.name=Öberg', ['svenTask']],
    ['Task?patient.identifier (personnummer)', `Task?patient.identifier=${PNR}|191212121212`, ['svenTask']],
    ['Task?patient.identifier (samordningsnummer)', `Task?patient.identifier=${SAM}|197010632391`, ['lisaTask']],
    ['Task?patient= ignores tasks for a group', () => `Task?patient=${id('family')}`, []],
    ['Task?subject= finds tasks for a group', () => `Task?subject=${ref('family')}`, ['groupTask']],
    ['Task?patient=', () => `Task?patient=${ref('lisa')}`, ['lisaTask']],
    ['Task?owner.name', 'Task?owner:Organization.name=vardcentralen', ['svenTask']],
  ])('%s', async (_what, query, expected) => {
    expect(await matchLabels(t, refs, typeof query === 'function' ? query() : query)).toEqual(expected);
  });
});

describe('canonical references', () => {
  it('are searched by URL, with or without a version', async () => {
    const more = await seed(t, {
      answers: {
        resourceType: 'QuestionnaireResponse',
        status: 'completed',
        questionnaire: 'http://lots.example/fhir/Questionnaire/triage|2.0',
        subject: { reference: ref('sven') },
      },
    });
    expect(await matchLabels(t, more, 'QuestionnaireResponse?questionnaire=http://lots.example/fhir/Questionnaire/triage')).toEqual(['answers']);
    expect(await matchLabels(t, more, 'QuestionnaireResponse?questionnaire=http://lots.example/fhir/Questionnaire/triage|2.0')).toEqual(['answers']);
    expect(await matchLabels(t, more, 'QuestionnaireResponse?questionnaire=http://lots.example/fhir/Questionnaire/other')).toEqual([]);
    expect(await matchLabels(t, more, `QuestionnaireResponse?subject=${ref('sven')}`)).toEqual(['answers']);
  });
});

describe('reverse chains (_has)', () => {
  it.each([
    ['_has:Observation:subject:code', 'Patient?_has:Observation:subject:code=8867-4', ['sven']],
    ['_has:Observation:patient:code', 'Patient?_has:Observation:patient:code=8310-5', ['lisa']],
    ['_has on a Group', 'Group?_has:Observation:subject:code=8867-4', ['family']],
    ['_has with system|code', `Patient?_has:Observation:subject:code=${LOINC}|8310-5`, ['lisa']],
    ['_has with OR', 'Patient?_has:Observation:subject:code=8867-4,8310-5', ['lisa', 'sven']],
    ['_has no match', 'Patient?_has:Observation:subject:code=0000-0', []],
    ['_has on Organization', 'Organization?_has:Patient:organization:name=lind', ['narhalsan']],
    ['nested _has', 'Organization?_has:Patient:organization:_has:Observation:subject:code=8310-5', ['narhalsan']],
    ['nested _has through Encounter', 'Patient?_has:Encounter:subject:_has:Observation:encounter:code=8867-4', ['sven']],
    ['_has with a chain inside', 'Organization?_has:Task:owner:patient.name=sven', ['centrum']],
    ['_has and a normal param', 'Patient?_has:Observation:subject:code=8867-4&name=lind', []],
  ])('%s: %s', async (_what, query, expected) => {
    expect(await matchLabels(t, refs, query)).toEqual(expected);
  });

  it('answers 400 when the referring parameter cannot point at the type', async () => {
    const res = await t.request('GET', 'Organization?_has:Observation:encounter:code=8867-4');
    expect(res.status).toBe(400);
  });
});

describe('deleted resources take no part', () => {
  it('a deleted referrer no longer satisfies _has, a deleted target no longer satisfies a chain', async () => {
    const more = await seed(t, { ghost: { resourceType: 'Patient', name: [{ family: 'Spöke' }] } });
    const ghost = more.get('ghost')!;
    const obsRefs = await seed(t, { ghostObs: obs('1234-5', { subject: { reference: ghost } }) });
    const all = new Map([...more, ...obsRefs]);
    expect(await matchLabels(t, all, 'Patient?_has:Observation:subject:code=1234-5')).toEqual(['ghost']);
    expect(await matchLabels(t, all, 'Observation?subject:Patient.name=spoke')).toEqual(['ghostObs']);

    expect((await t.request('DELETE', obsRefs.get('ghostObs')!)).status).toBe(200);
    expect(await matchLabels(t, all, 'Patient?_has:Observation:subject:code=1234-5')).toEqual([]);

    const again = await seed(t, { ghostObs2: obs('1234-5', { subject: { reference: ghost } }) });
    expect((await t.request('DELETE', ghost)).status).toBe(200);
    expect(await matchLabels(t, again, 'Observation?subject:Patient.name=spoke')).toEqual([]);
    // The reference itself still matches: the Observation still says what it says.
    expect(await matchLabels(t, again, `Observation?subject=${ghost}`)).toEqual(['ghostObs2']);
  });
});
