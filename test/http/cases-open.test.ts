import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deadline } from '../../src/domain/calendar/working-days.js';
import { casesApp, ext, openCase, p, params, status, type CasesApp } from './cases-fixtures.js';

let t: CasesApp;
beforeAll(async () => {
  t = await casesApp();
});
afterAll(() => t.close());

const receptForm = (answers: Record<string, string>) => ({
  resourceType: 'QuestionnaireResponse',
  questionnaire: 'https://lots.example/fhir/Questionnaire/case-type-fornya-recept',
  status: 'completed',
  item: Object.entries(answers).map(([linkId, v]) => ({ linkId, answer: [{ valueString: v }] })),
});

describe('a citizen opens a case', () => {
  it('creates a Task owned by the clinic, status Ny, with the deadline two working days on', async () => {
    const res = await openCase(t, t.tokens.sven, { type: 'radgivning-och-hjalp', unit: 'vc-centrum', message: 'Jag har haft ont i halsen i en vecka.' });
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toMatch(new RegExp(`/fhir/Task/${res.body.id}/_history/1$`));
    expect(res.headers.get('etag')).toBe('W/"1"');
    const task = res.body;
    expect(task.status).toBe('requested');
    expect(status(task)).toBe('ny');
    expect(task.businessStatus.text).toBe('Ny');
    expect(task.code.coding[0]).toMatchObject({ code: 'radgivning-och-hjalp', display: 'Rådgivning och hjälp' });
    expect(task.for.reference).toBe('Patient/sven-oberg');
    expect(task.requester.reference).toBe('Patient/sven-oberg');
    expect(task.owner).toEqual({ reference: 'Organization/vc-centrum', display: 'Vårdcentralen Centrum, Växjö' });
    expect(task.input[0].valueString).toBe('Jag har haft ont i halsen i en vecka.');
    expect(task.restriction.period.end).toBe(deadline(new Date(task.authoredOn), 2).toISOString());
    expect(Date.parse(task.restriction.period.end)).toBeGreaterThan(Date.parse(task.authoredOn) + 24 * 3600_000);
    expect(ext(task, 'case-move').extension[0].valueCoding.code).toBe('open');

    // The citizen sees their case; the clinic's staff find it.
    expect((await t.request('GET', `Task/${task.id}`, { token: t.tokens.sven })).status).toBe(200);
    expect((await t.request('GET', `Task/${task.id}`, { token: t.tokens.annaReceiver })).status).toBe(200);
  });

  it('stores the answers to the type\'s form and links them from the Task', async () => {
    const res = await openCase(t, t.tokens.sven, { type: 'fornya-recept', unit: 'vc-centrum', response: receptForm({ lakemedel: 'Enalapril 10 mg' }) });
    expect(res.status).toBe(201);
    const qrRef = res.body.focus.reference;
    expect(qrRef).toMatch(/^QuestionnaireResponse\//);
    expect(res.body.input.find((i: any) => i.type.coding[0].code === 'questionnaire-response').valueReference.reference).toBe(qrRef);
    const qr = await t.request('GET', qrRef, { token: t.tokens.sven });
    expect(qr.status).toBe(200);
    expect(qr.body.subject.reference).toBe('Patient/sven-oberg');
    expect(qr.body.author.reference).toBe('Patient/sven-oberg');
    expect(qr.body.item[0].answer[0].valueString).toBe('Enalapril 10 mg');
  });

  it('refuses a form type without its form, and a form with a required question unanswered', async () => {
    const none = await openCase(t, t.tokens.sven, { type: 'fornya-recept', unit: 'vc-centrum', message: 'Förnya mitt recept' });
    expect(none.status).toBe(422);
    expect(none.body.issue[0].diagnostics).toMatch(/"Förnya recept" needs its form answered/);
    const partial = await openCase(t, t.tokens.sven, { type: 'fornya-recept', unit: 'vc-centrum', response: receptForm({ meddelande: 'Tack' }) });
    expect(partial.status).toBe(422);
    expect(partial.body.issue[0].diagnostics).toContain('"Vilket läkemedel vill du förnya (namn och styrka)?"');
    const wrongForm = await openCase(t, t.tokens.sven, { type: 'fornya-recept', unit: 'vc-centrum', response: { ...receptForm({ lakemedel: 'X' }), questionnaire: 'https://lots.example/fhir/Questionnaire/case-type-boka-tid' } });
    expect(wrongForm.status).toBe(422);
    expect(wrongForm.body.issue[0].diagnostics).toMatch(/answered with the form .*case-type-fornya-recept/);
  });

  it('refuses a free-text type with neither message nor form', async () => {
    const res = await openCase(t, t.tokens.sven, { type: 'radgivning-och-hjalp', unit: 'vc-centrum' });
    expect(res.status).toBe(422);
    expect(res.body.issue[0].diagnostics).toMatch(/write what the case is about/);
  });

  it('accepts only the types the clinic offers, and says which it does', async () => {
    const res = await openCase(t, t.tokens.tolvan, { type: 'egenremiss', unit: 'vc-teleborg', response: { resourceType: 'QuestionnaireResponse', status: 'completed', item: [] } });
    expect(res.status).toBe(422);
    expect(res.body.issue[0].code).toBe('business-rule');
    expect(res.body.issue[0].diagnostics).toMatch(/Vårdcentralen Teleborg, Växjö does not take cases of the type "Egenremiss". It takes: Rådgivning och hjälp, Boka tid/);
    expect(res.body.issue[0].expression).toEqual(['unit']);
  });

  it('refuses an unknown type, listing the case types', async () => {
    const res = await openCase(t, t.tokens.sven, { type: 'teleportera', unit: 'vc-centrum', message: 'x' });
    expect(res.status).toBe(422);
    expect(res.body.issue[0].diagnostics).toMatch(/"teleportera" is not a case type. The case types are: radgivning-och-hjalp \(Rådgivning och hjälp\)/);
    expect(res.body.issue[0].diagnostics).not.toMatch(/bestall-tid/);
  });

  it('translates a retired type through the ConceptMap and says so in the Task', async () => {
    const res = await openCase(t, t.tokens.sven, { type: 'kontakta-mig', unit: 'vc-centrum', message: 'Ring mig gärna' });
    expect(res.status).toBe(201);
    expect(res.body.code.coding).toEqual([{ system: 'https://lots.example/fhir/CodeSystem/case-type', code: 'radgivning-och-hjalp', display: 'Rådgivning och hjälp' }]);
    expect(res.body.note[0].text).toMatch(/valde ärendetypen "Kontakta mig", som inte längre används.*översatts till "Rådgivning och hjälp"/);
    expect(res.body.input.find((i: any) => i.type.coding[0].code === 'requested-type').valueCoding.code).toBe('kontakta-mig');

    const renamed = await openCase(t, t.tokens.sven, { type: 'boka-tid-direkt', unit: 'vc-centrum', response: { resourceType: 'QuestionnaireResponse', status: 'completed', item: [{ linkId: 'anledning', answer: [{ valueString: 'Kontroll av blodtryck' }] }] } });
    expect(renamed.status).toBe(201);
    expect(renamed.body.code.coding[0].code).toBe('boka-tid');
  });
});

describe('who may open a case for whom', () => {
  it('lets a guardian open a case for a child under 13, as the RelatedPerson', async () => {
    const res = await openCase(t, t.tokens.lisa, { type: 'radgivning-och-hjalp', unit: 'vc-centrum', patient: 'Patient/olle-andersson', message: 'Olle har feber sedan i går.' });
    expect(res.status).toBe(201);
    expect(res.body.for.reference).toBe('Patient/olle-andersson');
    expect(res.body.requester.reference).toBe('RelatedPerson/lisa-for-olle');
  });

  it('refuses a guardian for a child of 13 or more, and for a child with protected identity', async () => {
    for (const child of ['maja-andersson', 'vera-skyddad']) {
      const res = await openCase(t, t.tokens.lisa, { type: 'radgivning-och-hjalp', unit: 'vc-centrum', patient: `Patient/${child}`, message: 'Hej' });
      expect(res.status).toBe(403);
      expect(res.body.issue[0].diagnostics).toMatch(/only for yourself and for children under 13/);
    }
  });

  it('refuses a citizen opening a case for someone else', async () => {
    const res = await openCase(t, t.tokens.tolvan, { type: 'radgivning-och-hjalp', unit: 'vc-centrum', patient: 'Patient/sven-oberg', message: 'Hej' });
    expect(res.status).toBe(403);
  });

  it('refuses staff: they send cases with $send-case', async () => {
    const res = await openCase(t, t.tokens.annaReceiver, { type: 'radgivning-och-hjalp', unit: 'vc-centrum', patient: 'Patient/sven-oberg', message: 'Hej' });
    expect(res.status).toBe(403);
    expect(res.body.issue[0].diagnostics).toMatch(/\$send-case/);
  });

  it('lets a system client open a case for a named patient', async () => {
    const res = await openCase(t, await t.systemToken(), { type: 'radgivning-och-hjalp', unit: 'vc-centrum', patient: 'Patient/sven-oberg', message: 'Från 1177:s chatt' });
    expect(res.status).toBe(201);
    const missing = await openCase(t, await t.systemToken(), { type: 'radgivning-och-hjalp', unit: 'vc-centrum', message: 'Hej' });
    expect(missing.status).toBe(400);
  });
});

describe('bad input', () => {
  it('names the missing or wrong parameter', async () => {
    const noUnit = await t.request('POST', 'Task/$open-case', { token: t.tokens.sven, body: params(p.coding('type', 'radgivning-och-hjalp'), p.str('message', 'Hej')) });
    expect(noUnit.status).toBe(400);
    expect(noUnit.body.issue[0]).toMatchObject({ diagnostics: 'unit: is required', expression: ['unit'] });
    const wrongRef = await t.request('POST', 'Task/$open-case', { token: t.tokens.sven, body: params(p.coding('type', 'radgivning-och-hjalp'), p.ref('unit', 'Patient/x'), p.str('message', 'Hej')) });
    expect(wrongRef.status).toBe(400);
    expect(wrongRef.body.issue[0].diagnostics).toBe('unit: must be a reference to an Organization (Organization/<id>)');
    const unknown = await t.request('POST', 'Task/$open-case', { token: t.tokens.sven, body: params(p.coding('type', 'radgivning-och-hjalp'), p.ref('unit', 'Organization/vc-centrum'), p.str('prio', 'hög')) });
    expect(unknown.status).toBe(400);
    expect(unknown.body.issue[0].diagnostics).toBe('Unknown parameter prio');
    const notParams = await t.request('POST', 'Task/$open-case', { token: t.tokens.sven, body: { resourceType: 'Task' } });
    expect(notParams.status).toBe(400);
    const unknownUnit = await openCase(t, t.tokens.sven, { type: 'radgivning-och-hjalp', unit: 'vc-atlantis', message: 'Hej' });
    expect(unknownUnit.status).toBe(422);
    expect(unknownUnit.body.issue[0].diagnostics).toMatch(/Organization\/vc-atlantis is not a known clinic/);
  });

  it('is called with POST only', async () => {
    const res = await t.request('GET', 'Task/$open-case', { token: t.tokens.sven });
    expect(res.status).toBe(405);
  });
});
