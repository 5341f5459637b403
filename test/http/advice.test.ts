import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { responseFor, type Answers } from '../support/triage-scenarios.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { today, weekTemplate } from './booking-fixtures.js';

/**
 * Rådgivningsstöd (issue 23): the 1177 nurse's contact on the phone and from a 1177 direkt chat, the
 * assessment with the rules' suggestion and the nurse's final level, and the overrule report.
 */
const region = JSON.parse(readFileSync(new URL('../../seed/10-region.json', import.meta.url), 'utf8'));
const triageSeed = JSON.parse(readFileSync(new URL('../../seed/40-triage.json', import.meta.url), 'utf8'));
const casesSeed = JSON.parse(readFileSync(new URL('../../seed/20-cases.json', import.meta.url), 'utf8'));
const casesDemo = JSON.parse(readFileSync(new URL('../../seed/22-cases-demo.json', import.meta.url), 'utf8'));
const library = JSON.parse(readFileSync(new URL('../../seed/91-advice-library.json', import.meta.url), 'utf8'));
const booking = JSON.parse(readFileSync(new URL('../../seed/30-booking.json', import.meta.url), 'utf8'));
const bookingOperations = JSON.parse(readFileSync(new URL('../../seed/31-booking-operations.json', import.meta.url), 'utf8'));
const catalogue = JSON.parse(readFileSync(new URL('../../seed/80-catalogue.json', import.meta.url), 'utf8'));
const adviceCatalogue = JSON.parse(readFileSync(new URL('../../seed/92-advice-catalogue.json', import.meta.url), 'utf8'));
const adviceOperations = JSON.parse(readFileSync(new URL('../../seed/90-advice-operations.json', import.meta.url), 'utf8'));

let t: TestApp;
const tokens = {} as Record<'sven' | 'tolvan' | 'sara' | 'receptionist' | 'karin', string>;

const parts = (body: any, name: string): any[] => (body.parameter ?? []).filter((p: any) => p.name === name);
const part = (p: any, name: string): any => (p.part ?? []).find((x: any) => x.name === name);
const params = (...parameter: unknown[]) => ({ resourceType: 'Parameters', parameter });
const codes = (res: any): string[] => (res.body.issue ?? []).map((i: any) => i.code);
const count = async (type: string) => (await t.request('GET', `${type}?_summary=count`)).body.total as number;

const cough: Answers = { reason: 'cough', days: 7, fever: false, pain: 1, breathing: false, chestPain: false, bleeding: false, health: 'good' };
const breathing: Answers = { reason: 'dyspnea', days: 1, fever: false, pain: 2, breathing: true, chestPain: false, bleeding: false, health: 'fair' };

async function openPhone(patient: string, token = tokens.sara) {
  return t.request('POST', 'Encounter/$open-contact', { body: params({ name: 'channel', valueCode: 'phone' }, { name: 'patient', valueReference: { reference: patient } }), token });
}

beforeAll(async () => {
  t = await createTestApp();
  expect((await t.request('POST', '', { body: region })).status).toBe(200);
  expect((await t.request('POST', '', { body: triageSeed })).status).toBe(200);
  for (const bundle of [casesSeed, casesDemo, booking, bookingOperations, catalogue, adviceCatalogue, library, adviceOperations]) {
    const res = await t.request('POST', '', { body: bundle });
    expect(res.status, res.text).toBe(200);
  }
  tokens.sven = await t.citizenToken('195009072553');
  tokens.tolvan = await t.citizenToken('191212121212');
  tokens.sara = await t.staffToken('SE2321000065-P000000000204', ['rad-1177'], ['nurse']);
  tokens.receptionist = await t.staffToken('SE2321000065-P000000000299', ['rad-1177'], ['arendemottagare']);
  tokens.karin = await t.staffToken('SE2321000065-P000000000203', ['vc-teleborg'], ['arendehanterare']);
});

afterAll(async () => {
  await t?.close();
});

describe('the operations', () => {
  it('are declared in the CapabilityStatement, each with its OperationDefinition served', async () => {
    const meta = await t.request('GET', 'metadata');
    const encounter = meta.body.rest[0].resource.find((r: any) => r.type === 'Encounter');
    const declared: string[] = (encounter.operation ?? []).map((o: any) => o.definition);
    expect(declared.map((d) => d.split('/').pop())).toEqual(expect.arrayContaining(['Encounter-open-contact', 'Encounter-assess', 'Encounter-close-contact', 'Encounter-advice-report']));
    for (const url of declared.filter((d) => d.startsWith('https://lots.example/'))) expect((await t.request('GET', `OperationDefinition?url=${url}`)).body.entry, url).toHaveLength(1);
  });
});

describe('a phone contact', () => {
  let encounter: any;
  let note: any;

  it('a nurse of the advice unit opens it: an in-progress virtual Encounter with her PractitionerRole, held by a Task of the unit', async () => {
    const res = await openPhone('Patient/sven-oberg');
    expect(res.status, res.text).toBe(201);
    encounter = parts(res.body, 'contact')[0].resource;
    expect(encounter).toMatchObject({
      status: 'in-progress',
      class: { code: 'VR' },
      type: [{ coding: [{ code: 'phone' }] }],
      subject: { reference: 'Patient/sven-oberg' },
      serviceProvider: { reference: 'Organization/rad-1177' },
      participant: [{ individual: { reference: 'PractitionerRole/sara-ek-rad-1177' } }],
    });
    expect(encounter.period.start).toBeTruthy();
    const task = parts(res.body, 'task')[0].resource;
    expect(task).toMatchObject({ status: 'in-progress', owner: { reference: 'Organization/rad-1177' }, encounter: { reference: `Encounter/${encounter.id}` } });
    expect((await t.request('GET', `Encounter/${encounter.id}`, { token: tokens.sara })).status).toBe(200);
  });

  it('only a nurse of the advice unit opens a contact, and a refused one writes nothing', async () => {
    const before = [await count('Encounter'), await count('Task')];
    for (const token of [tokens.receptionist, tokens.karin, tokens.sven]) expect((await openPhone('Patient/sven-oberg', token)).status).toBe(403);
    expect([await count('Encounter'), await count('Task')]).toEqual(before);
  });

  it('rejects a contact without exactly one of patient, chat or anonymous', async () => {
    const res = await t.request('POST', 'Encounter/$open-contact', { body: params({ name: 'channel', valueCode: 'phone' }), token: tokens.sara });
    expect(res.status).toBe(400);
    expect(codes(res)).toContain('invalid');
    expect((await t.request('POST', 'Encounter/$open-contact', { body: params({ name: 'channel', valueCode: 'fax' }, { name: 'anonymous', valueBoolean: true }), token: tokens.sara })).status).toBe(400);
  });

  it('$assess gives the rules\' suggestion with the deciding rule; the nurse\'s level is final', async () => {
    const res = await t.request('POST', `Encounter/${encounter.id}/$assess`, { body: params({ name: 'response', resource: responseFor(cough, 'Patient/sven-oberg') }), token: tokens.sara });
    expect(res.status, res.text).toBe(200);
    const suggestion = parts(res.body, 'suggestion')[0];
    expect(part(suggestion, 'level').valueCoding.code).toBe('self-care');
    expect(part(part(suggestion, 'rule'), 'id').valueString).toBe('self-care-cough');
    expect(parts(res.body, 'overruled')[0].valueBoolean).toBe(false);
    const assessment = parts(res.body, 'assessment')[0].resource;
    expect(assessment).toMatchObject({ resourceType: 'RiskAssessment', encounter: { reference: `Encounter/${encounter.id}` }, prediction: [{ outcome: { coding: [{ code: 'self-care' }] } }] });
  });

  it('overruling the rules without a reason is refused; with a reason it is stored, as a new version of the assessment', async () => {
    const body = (extra: unknown[]) => params({ name: 'response', resource: responseFor(cough, 'Patient/sven-oberg') }, { name: 'level', valueCode: 'book' }, ...extra);
    const refused = await t.request('POST', `Encounter/${encounter.id}/$assess`, { body: body([]), token: tokens.sara });
    expect(refused.status).toBe(422);
    expect(codes(refused)).toContain('required');
    const res = await t.request('POST', `Encounter/${encounter.id}/$assess`, { body: body([{ name: 'reason', valueString: 'Hostat i en vecka och röker: bör lyssnas på.' }]), token: tokens.sara });
    expect(res.status, res.text).toBe(200);
    expect(parts(res.body, 'overruled')[0].valueBoolean).toBe(true);
    const assessment = parts(res.body, 'assessment')[0].resource;
    expect(assessment.meta.versionId).toBe('2');
    expect(assessment.prediction[0]).toMatchObject({ outcome: { coding: [{ code: 'book' }] }, rationale: 'Hostat i en vecka och röker: bör lyssnas på.' });
    const stored = await t.request('GET', `RiskAssessment?encounter=Encounter/${encounter.id}`, { token: tokens.sara });
    expect(stored.body.entry).toHaveLength(1);
  });

  it('the nurse finds advice in the library by reason and level, and sends it: a Communication of the contact', async () => {
    const found = await t.request('GET', 'ActivityDefinition?context=http://snomed.info/sct|49727002&context=https://lots.example/fhir/CodeSystem/triage-level|self-care', { token: tokens.sara });
    expect(found.status, found.text).toBe(200);
    expect(found.body.entry.map((e: any) => e.resource.id)).toEqual(['egenvardsrad-hosta-egenvard']);
    const advice = found.body.entry[0].resource;
    const words = await t.request('GET', 'ActivityDefinition?description:contains=sängen', { token: tokens.sara });
    expect(words.body.entry.map((e: any) => e.resource.id)).toContain('egenvardsrad-hosta-egenvard');
    const res = await t.request('POST', `Encounter/${encounter.id}/$send-advice`, { body: params({ name: 'advice', valueCanonical: `${advice.url}|${advice.version}` }, { name: 'text', valueString: 'Ring igen om du får feber.' }), token: tokens.sara });
    expect(res.status, res.text).toBe(201);
    const message = parts(res.body, 'message')[0].resource;
    expect(message).toMatchObject({ encounter: { reference: `Encounter/${encounter.id}` }, recipient: [{ reference: 'Patient/sven-oberg' }], instantiatesCanonical: [`${advice.url}|1.0.0`] });
    expect(message.payload.map((p: any) => p.contentString)).toEqual([advice.description, 'Ring igen om du får feber.']);
    expect((await t.request('GET', `Communication/${message.id}`, { token: tokens.sven })).status).toBe(200);
    const unknown = await t.request('POST', `Encounter/${encounter.id}/$send-advice`, { body: params({ name: 'advice', valueCanonical: 'https://lots.example/fhir/ActivityDefinition/finns-inte' }), token: tokens.sara });
    expect(unknown.status).toBe(400);
  });

  it('the nurse books a free slot at the citizen\'s vårdcentral in the contact; without the contact she may not', async () => {
    const admin = await t.staffToken('SE2321000065-ADM1', ['vc-centrum'], ['administrator']);
    expect((await t.request('POST', 'Schedule/anna-lind-vc-centrum/$generate-slots', { body: weekTemplate(today(1), today(14)), token: admin })).status).toBe(200);
    const found = await t.request('GET', `Appointment/$find?unit=Organization/vc-centrum&start=${today(1)}&end=${today(14)}`, { token: tokens.sara });
    expect(found.status, found.text).toBe(200);
    const slot = found.body.entry.find((e: any) => e.resource.resourceType === 'Slot').resource;
    const bookBody = (extra: unknown[]) => params({ name: 'slot', valueReference: { reference: `Slot/${slot.id}` } }, { name: 'patient', valueReference: { reference: 'Patient/sven-oberg' } }, ...extra);
    const refused = await t.request('POST', 'Appointment/$book', { body: bookBody([]), token: tokens.sara });
    expect(refused.status).toBe(403);
    const res = await t.request('POST', 'Appointment/$book', { body: bookBody([{ name: 'contact', valueReference: { reference: `Encounter/${encounter.id}` } }]), token: tokens.sara });
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({ status: 'booked', supportingInformation: [{ reference: `Encounter/${encounter.id}` }] });
    expect((await t.request('GET', `Appointment/${res.body.id}`, { token: tokens.sven })).status).toBe(200);
    // Another patient's booking is not covered by this contact.
    const other = await t.request('POST', 'Appointment/$book', { body: params({ name: 'slot', valueReference: { reference: `Slot/${slot.id}` } }, { name: 'patient', valueReference: { reference: 'Patient/tolvan' } }, { name: 'contact', valueReference: { reference: `Encounter/${encounter.id}` } }), token: tokens.sara });
    expect(other.status).toBe(403);
  });

  it('signing writes the rådgivningsanteckning from the contact, attested by the nurse\'s PractitionerRole; the citizen reads it', async () => {
    const res = await t.request('POST', `Encounter/${encounter.id}/$sign-note`, { body: params(), token: tokens.sara });
    expect(res.status, res.text).toBe(201);
    note = res.body;
    expect(note).toMatchObject({ status: 'final', type: { coding: [{ code: 'radgivningsanteckning' }] }, subject: { reference: 'Patient/sven-oberg' }, attester: [{ mode: 'legal', party: { reference: 'PractitionerRole/sara-ek-rad-1177' } }] });
    const sections = Object.fromEntries(note.section.map((s: any) => [s.code.coding[0].code, s.text.div]));
    expect(Object.keys(sections)).toEqual(['reason', 'assessment', 'advice', 'referral']);
    expect(sections.advice).toContain('Ring igen om du får feber.');
    expect(sections.referral).toContain('Bokad tid');
    expect(note.section.find((s: any) => s.code.coding[0].code === 'referral').entry[0].reference).toMatch(/^Appointment\//);
    expect(sections.reason).toContain('Hosta');
    expect(sections.assessment).toContain('self-care-cough');
    expect(sections.assessment).toContain('röker');
    expect((await t.request('GET', `Composition/${note.id}`, { token: tokens.sven })).status).toBe(200);
    expect((await t.request('GET', `Composition/${note.id}`, { token: tokens.tolvan })).status).toBe(404);
    const twice = await t.request('POST', `Encounter/${encounter.id}/$sign-note`, { body: params(), token: tokens.sara });
    expect(twice.status).toBe(409);
  });

  it('a signed note is read-only: a PUT is refused and nothing changes; an amendment is a new signed version with the reason', async () => {
    const put = await t.request('PUT', `Composition/${note.id}`, { body: { ...note, section: note.section.slice(0, 1) }, token: tokens.sara });
    expect(put.status).toBe(422);
    expect(codes(put)).toContain('business-rule');
    expect((await t.request('GET', `Composition/${note.id}`, { token: tokens.sara })).body.meta.versionId).toBe('1');
    const amend = await t.request('POST', `Composition/${note.id}/$amend-note`, { body: params({ name: 'referral', valueString: 'Besök inom tre dagar.' }, { name: 'amendment', valueString: 'Fel tidsram' }), token: tokens.sara });
    expect(amend.status, amend.text).toBe(200);
    expect(amend.body).toMatchObject({ status: 'amended', meta: { versionId: '2' } });
    expect(amend.body.section.map((s: any) => s.code.coding[0].code)).toEqual(['reason', 'assessment', 'advice', 'referral', 'amendment']);
    const noReason = await t.request('POST', `Composition/${note.id}/$amend-note`, { body: params({ name: 'referral', valueString: 'x' }), token: tokens.sara });
    expect(noReason.status).toBe(400);
    expect((await t.request('GET', `Composition/${note.id}/_history`, { token: tokens.sara })).body.entry).toHaveLength(2);
  });

  it('closing finishes the contact with its end time and completes its Task; a closed contact is not assessed again', async () => {
    const res = await t.request('POST', `Encounter/${encounter.id}/$close-contact`, { body: params(), token: tokens.sara });
    expect(res.status, res.text).toBe(200);
    expect(res.body.status).toBe('finished');
    expect(res.body.period.end).toBeTruthy();
    const tasks = await t.request('GET', `Task?encounter=Encounter/${encounter.id}`);
    expect(tasks.body.entry[0].resource.status).toBe('completed');
    const again = await t.request('POST', `Encounter/${encounter.id}/$assess`, { body: params({ name: 'response', resource: responseFor(cough, 'Patient/sven-oberg') }), token: tokens.sara });
    expect([404, 409]).toContain(again.status);
  });
});

describe('a contact from a 1177 direkt chat', () => {
  it('answers the chat, carries the citizen\'s answers over, and links the chat Task', async () => {
    const triage = await t.request('POST', 'QuestionnaireResponse/$triage', { body: params({ name: 'response', resource: responseFor(breathing, 'Patient/tolvan') }), token: tokens.tolvan });
    expect(triage.status, triage.text).toBe(200);
    const chatTask = parts(triage.body, 'followUp').map((p) => p.resource).find((r) => r.resourceType === 'Task');
    const citizenResponse = parts(triage.body, 'response')[0].valueReference.reference;

    const opened = await t.request('POST', 'Encounter/$open-contact', { body: params({ name: 'channel', valueCode: 'chat' }, { name: 'chat', valueReference: { reference: `Task/${chatTask.id}` } }), token: tokens.sara });
    expect(opened.status, opened.text).toBe(201);
    const encounter = parts(opened.body, 'contact')[0].resource;
    expect(encounter).toMatchObject({ subject: { reference: 'Patient/tolvan' }, type: [{ coding: [{ code: 'chat' }] }] });
    expect(parts(opened.body, 'task')[0].resource).toMatchObject({ id: chatTask.id, encounter: { reference: `Encounter/${encounter.id}` } });

    // The same chat is answered in one contact only.
    const twice = await t.request('POST', 'Encounter/$open-contact', { body: params({ name: 'channel', valueCode: 'chat' }, { name: 'chat', valueReference: { reference: `Task/${chatTask.id}` } }), token: tokens.sara });
    expect(twice.status).toBe(409);

    // The nurse asks about pain only; everything else comes from the citizen's response.
    const pain = { resourceType: 'QuestionnaireResponse', status: 'completed', subject: { reference: 'Patient/tolvan' }, item: responseFor({ ...breathing, pain: 3 }, 'Patient/tolvan').item!.filter((i) => i.linkId === 'pain') };
    const res = await t.request('POST', `Encounter/${encounter.id}/$assess`, { body: params({ name: 'response', resource: pain }, { name: 'level', valueCode: 'emergency' }, { name: 'reason', valueString: 'Andas med tydlig ansträngning i telefon.' }), token: tokens.sara });
    expect(res.status, res.text).toBe(200);
    expect(parts(res.body, 'carriedFrom')[0].valueReference.reference).toBe(citizenResponse);
    const suggestion = parts(res.body, 'suggestion')[0];
    expect(part(suggestion, 'level').valueCoding.code).toBe('chat');
    expect(part(part(suggestion, 'rule'), 'id').valueString).toBe('chat-breathing');
    const response = parts(res.body, 'response')[0].resource;
    expect(response.item.find((i: any) => i.linkId === 'breathing-difficulty').answer[0].valueBoolean).toBe(true);
    expect(response.item.find((i: any) => i.linkId === 'pain').answer[0].valueInteger).toBe(3);
    expect(parts(res.body, 'level')[0].valueCoding.code).toBe('emergency');

    // Tolvan shares contact details: the advice is announced through the outbox too.
    const sent = await t.request('POST', `Encounter/${encounter.id}/$send-advice`, { body: params({ name: 'advice', valueCanonical: 'https://lots.example/fhir/ActivityDefinition/egenvardsrad-andnod-akut' }), token: tokens.sara });
    expect(sent.status, sent.text).toBe(201);
    expect(parts(sent.body, 'notified')[0].valueInteger).toBeGreaterThan(0);
    const message = parts(sent.body, 'message')[0].resource;
    const outbox = await t.request('GET', `CommunicationRequest?about=Communication/${message.id}`);
    expect(outbox.body.entry.filter((e: any) => e.search.mode === 'match').length).toBe(parts(sent.body, 'notified')[0].valueInteger);
  });
});

describe('an anonymous caller', () => {
  it('is a tagged Patient with the estimated birth date, so the rules can run', async () => {
    const res = await t.request('POST', 'Encounter/$open-contact', { body: params({ name: 'channel', valueCode: 'phone' }, { name: 'anonymous', valueBoolean: true }, { name: 'birthDate', valueDate: '1980-01-01' }), token: tokens.sara });
    expect(res.status, res.text).toBe(201);
    const patient = parts(res.body, 'patient')[0].resource;
    expect(patient).toMatchObject({ birthDate: '1980-01-01', meta: { tag: [{ code: 'anonymous-caller' }] } });
    const encounter = parts(res.body, 'contact')[0].resource;
    const assessed = await t.request('POST', `Encounter/${encounter.id}/$assess`, { body: params({ name: 'response', resource: responseFor(cough, `Patient/${patient.id}`) }), token: tokens.sara });
    expect(assessed.status, assessed.text).toBe(200);
  });
});

describe('$refer-to', () => {
  const VAXJO = '56.8777|14.8091';
  const units = (body: any) =>
    parts(body, 'unit').map((u: any) => ({ id: part(u, 'service').resource.id, open: part(u, 'openNow').valueBoolean, km: part(u, 'distance')?.valueQuantity.value }));

  it('on a holiday evening lists only the open units first: the närakut, then the closed vårdcentraler by distance', async () => {
    const res = await t.request('GET', `HealthcareService/$refer-to?level=book&near=${VAXJO}&at=${encodeURIComponent('2026-12-24T19:00:00+01:00')}`, { token: tokens.sara });
    expect(res.status, res.text).toBe(200);
    const list = units(res.body);
    expect(list[0]).toMatchObject({ id: 'narakut-vaxjo', open: true });
    expect(list.slice(1).every((u: any) => !u.open)).toBe(true);
    expect(list.map((u: any) => u.id)).not.toContain('akut-vaxjo');
    const closed = list.slice(1).map((u: any) => u.km);
    expect(closed).toEqual([...closed].sort((a, b) => a - b));
  });

  it('on a weekday morning the open vårdcentraler come first, nearest first; the närakut is closed', async () => {
    const res = await t.request('GET', `HealthcareService/$refer-to?level=book&near=${VAXJO}&at=${encodeURIComponent('2026-12-03T10:00:00+01:00')}`, { token: tokens.sara });
    const list = units(res.body);
    expect(list.slice(0, 4).map((u: any) => u.id)).toEqual(['listning-vc-centrum', 'listning-vc-teleborg', 'listning-vc-ljungby', 'listning-vc-varnamo']);
    expect(list.slice(0, 4).every((u: any) => u.open)).toBe(true);
    expect(list[4]).toMatchObject({ id: 'narakut-vaxjo', open: false });
  });

  it('sends emergencies to the emergency department; asks for a level; is for the advice nurses', async () => {
    const res = await t.request('GET', `HealthcareService/$refer-to?level=emergency&near=${VAXJO}`, { token: tokens.sara });
    expect(units(res.body).map((u: any) => u.id)).toEqual(['akut-vaxjo']);
    const bad = await t.request('GET', 'HealthcareService/$refer-to?level=soon', { token: tokens.sara });
    expect(bad.status).toBe(400);
    expect(codes(bad)).toContain('invalid');
    expect((await t.request('GET', 'HealthcareService/$refer-to?level=book&near=99|14', { token: tokens.sara })).status).toBe(400);
    expect((await t.request('GET', 'HealthcareService/$refer-to?level=book', { token: tokens.karin })).status).toBe(403);
  });
});

describe('the overrule report', () => {
  it('counts assessments and overrules per rule and month, to which level', async () => {
    const month = new Date().toLocaleDateString('sv-SE', { timeZone: 'Europe/Stockholm' }).slice(0, 7);
    const res = await t.request('GET', `Encounter/$advice-report?from=${month}&to=${month}`, { token: tokens.receptionist });
    expect(res.status, res.text).toBe(200);
    const rows = parts(res.body, 'row').map((r: any) => ({ month: part(r, 'month').valueString, rule: part(r, 'rule').valueString, assessed: part(r, 'assessed').valueInteger, overruled: part(r, 'overruled').valueInteger }));
    expect(rows).toContainEqual({ month, rule: 'self-care-cough', assessed: 2, overruled: 1 });
    expect(rows).toContainEqual({ month, rule: 'chat-breathing', assessed: 1, overruled: 1 });
  });

  it('is for the advice unit, and takes months', async () => {
    expect((await t.request('GET', 'Encounter/$advice-report?from=2026-01&to=2026-02', { token: tokens.karin })).status).toBe(403);
    expect((await t.request('GET', 'Encounter/$advice-report?from=2026-01&to=2026-02', { token: tokens.sven })).status).toBe(403);
    const bad = await t.request('GET', 'Encounter/$advice-report?from=2026-13&to=2026-02', { token: tokens.sara });
    expect(bad.status).toBe(400);
    expect(codes(bad)).toContain('invalid');
  });
});
