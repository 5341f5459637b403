import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { responseFor, SCENARIOS, scenarioPatient, type Answers } from '../support/triage-scenarios.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

/**
 * 1177 direkt triage (issue 7) over HTTP: the scenario table through `$triage` with its follow-ups,
 * answers that are missing or malformed, rule sets refused at write time, and a rule edited at run time.
 */
const region = JSON.parse(readFileSync(new URL('../../seed/10-region.json', import.meta.url), 'utf8'));
const triageSeed = JSON.parse(readFileSync(new URL('../../seed/40-triage.json', import.meta.url), 'utf8'));
const operationsSeed = JSON.parse(readFileSync(new URL('../../seed/41-triage-operations.json', import.meta.url), 'utf8'));
const shippedRules = triageSeed.entry.find((e: any) => e.resource.resourceType === 'PlanDefinition').resource;
const shippedForm = triageSeed.entry.find((e: any) => e.resource.resourceType === 'Questionnaire').resource;
const LEVELS = 'https://lots.example/fhir/CodeSystem/triage-level';
const RULES_URL = 'https://lots.example/fhir/PlanDefinition/triage-rules';

let t: TestApp;

const params = (response: unknown, planDefinition?: string) => ({
  resourceType: 'Parameters',
  parameter: [{ name: 'response', resource: response }, ...(planDefinition ? [{ name: 'planDefinition', valueCanonical: planDefinition }] : [])],
});
const parts = (body: any, name: string): any[] => (body.parameter ?? []).filter((p: any) => p.name === name);
const levelOf = (body: any): string | undefined => parts(body, 'level')[0]?.valueCoding?.code;
const ruleOf = (body: any): string | undefined => {
  const output = parts(body, 'guidance')[0]?.resource?.contained?.[0];
  return output?.parameter?.find((p: any) => p.name === 'rule')?.part?.find((p: any) => p.name === 'id')?.valueString;
};
const count = async (type: string) => (await t.request('GET', `${type}?_summary=count`)).body.total as number;

const cough: Answers = { reason: 'cough', days: 7, fever: false, pain: 1, breathing: false, chestPain: false, bleeding: false, health: 'good' };

beforeAll(async () => {
  t = await createTestApp();
  expect((await t.request('POST', '', { body: region })).status).toBe(200);
  expect((await t.request('POST', '', { body: triageSeed })).status).toBe(200);
  const ops = await t.request('POST', '', { body: operationsSeed });
  expect(ops.status, ops.text).toBe(200);
});

afterAll(async () => {
  await t?.close();
});

describe('the seeded form and rules', () => {
  it('are served as resources and $triage is in the CapabilityStatement', async () => {
    const form = await t.request('GET', 'Questionnaire?url=https://lots.example/fhir/Questionnaire/symptom-form');
    expect(form.body.entry[0].resource.item.map((i: any) => i.linkId)).toEqual([
      'reason',
      'duration-days',
      'fever',
      'temperature',
      'pain',
      'breathing-difficulty',
      'chest-pain',
      'bleeding',
      'pregnant',
      'self-rated-health',
      'description',
      'photo',
    ]);
    const rules = await t.request('GET', `PlanDefinition?url=${RULES_URL}`);
    expect(rules.body.entry[0].resource.relatedArtifact[0]).toMatchObject({ type: 'depends-on', resource: 'https://lots.example/fhir/Questionnaire/symptom-form' });
    const meta = await t.request('GET', 'metadata');
    const declared = meta.body.rest[0].resource.flatMap((r: any) => (r.operation ?? []).map((o: any) => o.definition)).filter((d: string) => d.startsWith('https://lots.example/'));
    expect(declared.length).toBeGreaterThanOrEqual(6);
    // Each $operation's definition is served.
    for (const url of new Set<string>(declared.filter((d: string) => /QuestionnaireResponse-(triage|chat-start)|Task-chat-/.test(d)))) {
      const found = await t.request('GET', `OperationDefinition?url=${url}`);
      expect(found.body.total ?? found.body.entry?.length, url).toBe(1);
    }
  });
});

describe('the scenario table through $triage', () => {
  const now = new Date();
  it.each(SCENARIOS.map((s, i) => [i + 1, s.name, s] as const))('%i. %s', async (n, _name, scenario) => {
    const id = `scenario-${n}`;
    expect((await t.request('PUT', `Patient/${id}`, { body: scenarioPatient(scenario, id, now) })).status).toBeLessThan(300);
    const res = await t.request('POST', 'QuestionnaireResponse/$triage', { body: params(responseFor(scenario.answers, `Patient/${id}`)) });
    expect(res.status, res.text).toBe(200);
    expect({ level: levelOf(res.body), rule: ruleOf(res.body) }).toEqual({ level: scenario.level, rule: scenario.rule });

    const rule = shippedRules.action.find((a: any) => a.id === scenario.rule);
    expect(parts(res.body, 'instruction')[0].valueString).toBe(rule.textEquivalent);
    const followUps = parts(res.body, 'followUp').map((p) => p.resource);
    const guidance = parts(res.body, 'guidance')[0].resource;
    expect(guidance).toMatchObject({ resourceType: 'GuidanceResponse', status: 'success', subject: { reference: `Patient/${id}` }, moduleCanonical: `${RULES_URL}|1.0.0` });
    const response = parts(res.body, 'response')[0].valueReference.reference;
    expect((await t.request('GET', response)).body.subject.reference).toBe(`Patient/${id}`);

    switch (scenario.level) {
      case 'emergency':
        expect(followUps).toEqual([]);
        expect(parts(res.body, 'chatOffer')).toEqual([]);
        break;
      case 'chat': {
        expect(followUps.map((r) => r.resourceType)).toEqual(['Task', 'Communication']);
        const [task, thread] = followUps;
        expect(task).toMatchObject({ status: 'requested', owner: { reference: 'Organization/rad-1177' }, for: { reference: `Patient/${id}` }, focus: { reference: response } });
        expect(thread.partOf[0].reference).toBe(`Task/${task.id}`);
        expect(parts(res.body, 'chatOffer')).toEqual([]);
        break;
      }
      case 'book': {
        // Not listed anywhere: the nurses' unit arranges the visit.
        expect(followUps.map((r) => r.resourceType)).toEqual(['Task']);
        expect(followUps[0]).toMatchObject({ owner: { reference: 'Organization/rad-1177' }, for: { reference: `Patient/${id}` }, code: { coding: [{ system: LEVELS, code: 'book' }] } });
        const days = (Date.parse(followUps[0].restriction.period.end) - Date.parse(followUps[0].restriction.period.start)) / 86_400_000;
        expect(days).toBe(rule.timingDuration.value);
        expect(parts(res.body, 'bookWithin')[0].valueDuration.value).toBe(rule.timingDuration.value);
        expect(parts(res.body, 'chatOffer')).toHaveLength(1);
        break;
      }
      case 'self-care':
        expect(followUps.map((r) => r.resourceType)).toEqual(['Communication']);
        expect(followUps[0].payload[0].contentString).toBe(rule.textEquivalent);
        expect(parts(res.body, 'chatOffer')[0].part.find((p: any) => p.name === 'operation').valueUri).toMatch(/\/QuestionnaireResponse\/[^/]+\/\$chat-start$/);
        break;
    }
  });

  it('records in the GuidanceResponse the rule that decided, its expression and the answers it read', async () => {
    const res = await t.request('POST', 'QuestionnaireResponse/$triage', {
      body: params(responseFor({ ...cough, reason: 'chestPain', chestPain: true, breathing: true, pain: 5 }, 'Patient/sven-oberg')),
    });
    const guidance = parts(res.body, 'guidance')[0].resource;
    const stored = await t.request('GET', `GuidanceResponse/${guidance.id}`);
    expect(stored.status).toBe(200);
    const output = stored.body.contained[0];
    expect(stored.body.outputParameters.reference).toBe('#rules');
    const rule = output.parameter.find((p: any) => p.name === 'rule').part;
    const get = (name: string) => rule.filter((p: any) => p.name === name);
    expect(get('id')[0].valueString).toBe('em-chest-pain-breathing');
    expect(get('priority')[0].valueCode).toBe('stat');
    expect(get('expression')[0].valueExpression).toEqual({ language: 'text/fhirpath', expression: shippedRules.action[0].condition[0].expression.expression });
    expect(get('answer').map((a: any) => [a.part[0].valueString, a.part[1].valueBoolean])).toEqual([
      ['chest-pain', true],
      ['breathing-difficulty', true],
    ]);
    expect(output.parameter.find((p: any) => p.name === 'age').valueInteger).toBeGreaterThanOrEqual(75);
    expect(output.parameter.find((p: any) => p.name === 'ruleSet').valueReference.reference).toMatch(/^PlanDefinition\/triage-rules\/_history\/\d+$/);
  });

  it('triages a stored response (instance level) and accepts a bare QuestionnaireResponse body', async () => {
    const created = await t.request('POST', 'QuestionnaireResponse', { body: responseFor(cough, 'Patient/tolvan') });
    expect(created.status).toBe(201);
    const res = await t.request('POST', `QuestionnaireResponse/${created.body.id}/$triage`, { body: { resourceType: 'Parameters' } });
    expect(res.status, res.text).toBe(200);
    expect(levelOf(res.body)).toBe('self-care');
    expect(parts(res.body, 'response')[0].valueReference.reference).toBe(`QuestionnaireResponse/${created.body.id}`);
    const bare = await t.request('POST', 'QuestionnaireResponse/$triage', { body: responseFor(cough, 'Patient/tolvan') });
    expect(bare.status).toBe(200);
    expect(levelOf(bare.body)).toBe('self-care');
  });

  it('keeps the open chat when a stored response is triaged again', async () => {
    const created = await t.request('POST', 'QuestionnaireResponse', { body: responseFor({ ...cough, breathing: true, health: 'fair' }, 'Patient/tolvan') });
    const first = await t.request('POST', `QuestionnaireResponse/${created.body.id}/$triage`);
    expect(levelOf(first.body)).toBe('chat');
    const second = await t.request('POST', `QuestionnaireResponse/${created.body.id}/$triage`);
    expect(second.status).toBe(200);
    expect(parts(second.body, 'followUp').map((p) => p.resource.id)).toEqual(parts(first.body, 'followUp').map((p) => p.resource.id));
    expect(parts(second.body, 'guidance')[0].resource.id).not.toBe(parts(first.body, 'guidance')[0].resource.id);
  });

  it('books at the listed unit: a Task for the unit with the deadline of the rule, when no free slot is offered', async () => {
    // Lisa's unit opens no visit types for online booking, so she is offered no slot.
    const lisa = await t.citizenToken('196101182803');
    const res = await t.request('POST', 'QuestionnaireResponse/$triage', {
      body: params(responseFor({ ...cough, reason: 'fever', fever: true, temperature: 38.4, days: 6 }, 'Patient/lisa-andersson')),
      token: lisa,
    });
    expect(res.status, res.text).toBe(200);
    expect(levelOf(res.body)).toBe('book');
    expect(parts(res.body, 'slot')).toEqual([]);
    const [task] = parts(res.body, 'followUp').map((p) => p.resource);
    expect(task).toMatchObject({ resourceType: 'Task', owner: { reference: 'Organization/vc-centrum' }, for: { reference: 'Patient/lisa-andersson' }, requester: { reference: 'Patient/lisa-andersson' }, status: 'requested', priority: 'urgent' });
    expect(Date.parse(task.restriction.period.end) - Date.parse(task.restriction.period.start)).toBe(86_400_000);
  });

  it('logs the server-side writes of a citizen’s triage as made by the citizen, through lots-triage', async () => {
    const lisa = await t.citizenToken('196101182803');
    const res = await t.request('POST', 'QuestionnaireResponse/$triage', {
      body: params(responseFor({ ...cough, reason: 'fever', fever: true, temperature: 38.4, days: 6 }, 'Patient/lisa-andersson')),
      token: lisa,
    });
    expect(res.status, res.text).toBe(200);
    const written = [parts(res.body, 'guidance')[0].resource, ...parts(res.body, 'followUp').map((p) => p.resource)];
    expect(written.length).toBeGreaterThan(1);
    for (const r of written) {
      const audit = await t.request('GET', `AuditEvent?entity=${r.resourceType}/${r.id}&action=C`);
      expect(audit.body.total ?? audit.body.entry?.length, `${r.resourceType}/${r.id}`).toBe(1);
      const agents = audit.body.entry[0].resource.agent;
      expect(agents.find((a: any) => a.requestor).who.identifier).toEqual({ system: 'http://electronichealth.se/identifier/personnummer', value: '196101182803' });
      expect(agents.some((a: any) => a.who.identifier?.value === 'lots-triage' && !a.requestor)).toBe(true);
    }
  });

  it('offers the free slots of the listed unit within the rule\'s days, and then creates no Task', async () => {
    await t.request('PUT', 'Schedule/anna-lind', { body: { resourceType: 'Schedule', id: 'anna-lind', active: true, actor: [{ reference: 'PractitionerRole/anna-lind-vc-centrum' }] } });
    const slot = (id: string, hours: number) => {
      const start = new Date(Date.now() + hours * 3_600_000);
      return { resourceType: 'Slot', id, schedule: { reference: 'Schedule/anna-lind' }, status: 'free', start: start.toISOString(), end: new Date(start.getTime() + 15 * 60_000).toISOString() };
    };
    await t.request('PUT', 'Slot/soon', { body: slot('soon', 3) });
    await t.request('PUT', 'Slot/next-week', { body: slot('next-week', 24 * 7) });
    const res = await t.request('POST', 'QuestionnaireResponse/$triage', {
      body: params(responseFor({ ...cough, reason: 'fever', fever: true, temperature: 38.4, days: 6 }, 'Patient/lisa-andersson')),
    });
    expect(levelOf(res.body)).toBe('book');
    expect(parts(res.body, 'slot').map((p) => p.resource.id)).toEqual(['soon']);
    expect(parts(res.body, 'followUp')).toEqual([]);
    expect(parts(res.body, 'chatOffer')).toHaveLength(1);
  });
});

describe('missing or malformed answers give an OperationOutcome, never a level', () => {
  const base = () => responseFor(cough, 'Patient/tolvan') as any;
  const without = (linkId: string) => {
    const r = base();
    r.item = r.item.filter((i: any) => i.linkId !== linkId);
    return r;
  };
  const withAnswer = (linkId: string, answer: unknown) => {
    const r = base();
    const item = r.item.find((i: any) => i.linkId === linkId);
    if (item) item.answer = [answer];
    else r.item.push({ linkId, answer: [answer] });
    return r;
  };
  const cases: [string, () => unknown, number, string, RegExp, string?][] = [
    ['pain not answered', () => without('pain'), 422, 'required', /"Hur ont har du.*\(pain\) must be answered/, 'QuestionnaireResponse'],
    ['reason not answered', () => without('reason'), 422, 'required', /\(reason\) must be answered/],
    ['pain 11 (the scale ends at 10)', () => withAnswer('pain', { valueInteger: 11 }), 422, 'value', /is 11, above the highest allowed, 10/, 'QuestionnaireResponse.item[3].answer[0].valueInteger'],
    ['pain as text', () => withAnswer('pain', { valueString: 'mycket' }), 422, 'value', /answered with valueInteger, not valueString/],
    ['pain as a quoted number', () => withAnswer('pain', { valueInteger: '7' }), 422, 'structure', /./],
    ['temperature given though there is no fever', () => withAnswer('temperature', { valueDecimal: 39.5 }), 422, 'invalid', /temperature.*not asked.*only when "Har du feber\?" = true/],
    ['temperature 45', () => {
      const r = withAnswer('fever', { valueBoolean: true });
      r.item.push({ linkId: 'temperature', answer: [{ valueDecimal: 45 }] });
      return r;
    }, 422, 'value', /above the highest allowed, 43/],
    ['a question the form does not have', () => withAnswer('smoker', { valueBoolean: true }), 422, 'invalid', /has no question "smoker"/],
    ['a reason for contact outside the ValueSet', () => withAnswer('reason', { valueCoding: { system: 'http://snomed.info/sct', code: '22298006' } }), 422, 'code-invalid', /22298006 is not an answer to/],
    ['self-rated health with an unknown code', () => withAnswer('self-rated-health', { valueCoding: { system: 'https://lots.example/fhir/CodeSystem/self-rated-health', code: 'excellent' } }), 422, 'code-invalid', /choose one of/],
    ['two answers to one question', () => {
      const r = base();
      r.item.find((i: any) => i.linkId === 'pain').answer.push({ valueInteger: 3 });
      return r;
    }, 422, 'invalid', /takes one answer; 2 were given/],
    ['a photo that is not an image', () => withAnswer('photo', { valueAttachment: { contentType: 'application/pdf', data: 'JVBERi0=' } }), 422, 'value', /must be image\/jpeg or image\/png or image\/heic/],
    ['an unfinished form', () => ({ ...base(), status: 'in-progress' }), 422, 'business-rule', /Only a finished form is triaged/, 'QuestionnaireResponse.status'],
    ['no patient', () => ({ ...base(), subject: undefined }), 422, 'required', /must name the patient/, 'QuestionnaireResponse.subject'],
    ['no form named', () => ({ ...base(), questionnaire: undefined }), 422, 'required', /which form it answers/, 'QuestionnaireResponse.questionnaire'],
    ['another form', () => ({ ...base(), questionnaire: 'https://lots.example/fhir/Questionnaire/other-form' }), 422, 'not-found', /No active triage rule set reads the form/],
  ];

  it.each(cases)('%s', async (_name, build, status, code, diagnostics, expression) => {
    const before = [await count('QuestionnaireResponse'), await count('GuidanceResponse'), await count('Task'), await count('Communication')];
    const res = await t.request('POST', 'QuestionnaireResponse/$triage', { body: params(build()) });
    expect(res.status, res.text).toBe(status);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(parts(res.body, 'level')).toEqual([]);
    const issue = res.body.issue.find((i: any) => i.code === code);
    expect(issue, res.text).toBeDefined();
    expect(issue.diagnostics).toMatch(diagnostics);
    if (expression) expect(issue.expression).toEqual([expression]);
    expect([await count('QuestionnaireResponse'), await count('GuidanceResponse'), await count('Task'), await count('Communication')]).toEqual(before);
  });

  it('rejects a body that is not a Parameters with a response', async () => {
    const wrong = await t.request('POST', 'QuestionnaireResponse/$triage', { body: { resourceType: 'Parameters', parameter: [{ name: 'answers', resource: base() }] } });
    expect(wrong.status).toBe(400);
    expect(wrong.body.issue[0].diagnostics).toMatch(/has no parameter "answers"/);
    const empty = await t.request('POST', 'QuestionnaireResponse/$triage', { body: { resourceType: 'Parameters' } });
    expect(empty.status).toBe(400);
    expect(empty.body.issue[0].diagnostics).toMatch(/needs the answers/);
    const get = await t.request('GET', 'QuestionnaireResponse/$triage');
    expect(get.status).toBe(405);
  });

  it('refuses a patient without a birth date', async () => {
    await t.request('PUT', 'Patient/no-birth-date', { body: { resourceType: 'Patient', id: 'no-birth-date', gender: 'female' } });
    const res = await t.request('POST', 'QuestionnaireResponse/$triage', { body: params(responseFor(cough, 'Patient/no-birth-date')) });
    expect(res.status).toBe(422);
    expect(res.body.issue[0].diagnostics).toMatch(/no birth date/);
  });
});

describe('rule sets are data', () => {
  const invalid = (change: (plan: any) => void) => {
    const plan = structuredClone(shippedRules);
    change(plan);
    return plan;
  };

  it.each([
    ['a condition that does not parse', (p: any) => (p.action[5].condition[0].expression.expression = "item.where(linkId='temperature'.answer.value >= 41"), 'PlanDefinition.action[5].condition[0].expression.expression', /Rule "em-fever-very-high": the FHIRPath condition .* is not valid/],
    ['an unknown function', (p: any) => (p.action[9].condition[0].expression.expression = "item.where(linkId='breathing-difficulty').answer.value.isTrue()"), 'PlanDefinition.action[9].condition[0].expression.expression', /Not implemented: isTrue/],
    ['an unknown variable', (p: any) => (p.action[3].condition[0].expression.expression = '%agee < 1'), 'PlanDefinition.action[3].condition[0].expression.expression', /undefined environment variable: agee/],
    ['a condition that is not true or false', (p: any) => (p.action[3].condition[0].expression.expression = '%age'), 'PlanDefinition.action[3].condition[0].expression.expression', /must give true or false/],
    ['a rule without a level', (p: any) => delete p.action[12].code, 'PlanDefinition.action[12].code', /exactly one level/],
    ['an unknown level', (p: any) => (p.action[12].code[0].coding[0].code = 'video'), 'PlanDefinition.action[12].code', /"video" is not one of/],
    ['a book rule without days', (p: any) => delete p.action[20].timingDuration, 'PlanDefinition.action[20].timingDuration', /within how many days/],
    ['a rule without the citizen\'s text', (p: any) => delete p.action[26].textEquivalent, 'PlanDefinition.action[26].textEquivalent', /textEquivalent/],
    ['two rules with one id', (p: any) => (p.action[11].id = p.action[10].id), 'PlanDefinition.action[11].id', /already used by action\[10\]/],
    ['no Questionnaire named', (p: any) => delete p.relatedArtifact, 'PlanDefinition.relatedArtifact', /depends-on/],
  ])('refuses %s with 422 pointing at it', async (_name, change, expression, diagnostics) => {
    const res = await t.request('PUT', 'PlanDefinition/triage-rules', { body: invalid(change) });
    expect(res.status, res.text).toBe(422);
    const issue = res.body.issue.find((i: any) => i.expression?.[0] === expression);
    expect(issue, res.text).toBeDefined();
    expect(issue.diagnostics).toMatch(diagnostics);
    expect((await t.request('GET', 'PlanDefinition/triage-rules')).body.meta.versionId).toBe('1');
  });

  it('refuses an invalid FHIRPath condition in any PlanDefinition', async () => {
    const res = await t.request('POST', 'PlanDefinition', {
      body: { resourceType: 'PlanDefinition', status: 'draft', action: [{ title: 'x', condition: [{ kind: 'applicability', expression: { language: 'text/fhirpath', expression: 'a.b(' } }] }] },
    });
    expect(res.status).toBe(422);
    expect(res.body.issue.find((i: any) => i.expression?.[0] === 'PlanDefinition.action[0].condition[0].expression.expression')).toBeDefined();
  });

  it('applies a rule edited at run time to the next triage, without a restart', async () => {
    const first = await t.request('POST', 'QuestionnaireResponse/$triage', { body: params(responseFor(cough, 'Patient/tolvan')) });
    expect({ level: levelOf(first.body), rule: ruleOf(first.body) }).toEqual({ level: 'self-care', rule: 'self-care-cough' });

    // A clinician decides that a cough of a week or more needs a visit within 5 days.
    const plan = structuredClone((await t.request('GET', 'PlanDefinition/triage-rules')).body);
    const at = plan.action.findIndex((a: any) => a.id === 'self-care-cough');
    plan.action.splice(at, 0, {
      id: 'book-cough-week',
      title: 'Hosta i en vecka eller mer',
      textEquivalent: 'Boka ett besök på din vårdcentral inom 5 dagar.',
      priority: 'routine',
      code: [{ coding: [{ system: LEVELS, code: 'book' }] }],
      condition: [{ kind: 'applicability', expression: { language: 'text/fhirpath', expression: "item.where(linkId='reason').answer.value.code = '49727002' and item.where(linkId='duration-days').answer.value >= 7" } }],
      timingDuration: { value: 5, unit: 'dagar', system: 'http://unitsofmeasure.org', code: 'd' },
    });
    plan.version = '1.1.0';
    const put = await t.request('PUT', 'PlanDefinition/triage-rules', { body: plan });
    expect(put.status, put.text).toBe(200);

    const second = await t.request('POST', 'QuestionnaireResponse/$triage', { body: params(responseFor(cough, 'Patient/tolvan')) });
    expect({ level: levelOf(second.body), rule: ruleOf(second.body) }).toEqual({ level: 'book', rule: 'book-cough-week' });
    expect(parts(second.body, 'guidance')[0].resource.moduleCanonical).toBe(`${RULES_URL}|1.1.0`);
    expect(parts(second.body, 'bookWithin')[0].valueDuration.value).toBe(5);

    // A shorter cough still gets the advice.
    const third = await t.request('POST', 'QuestionnaireResponse/$triage', { body: params(responseFor({ ...cough, days: 3 }, 'Patient/tolvan')) });
    expect(ruleOf(third.body)).toBe('self-care-cough');
  });

  it('uses the rule set named by planDefinition (a draft, for staff and systems) instead of the active one', async () => {
    const draft = structuredClone(shippedRules);
    draft.id = 'triage-rules-draft';
    draft.url = 'https://lots.example/fhir/PlanDefinition/triage-rules-draft';
    draft.status = 'draft';
    draft.action = [{ ...shippedRules.action.find((a: any) => a.id === 'chat-default'), id: 'everyone-books', code: [{ coding: [{ system: LEVELS, code: 'book' }] }], timingDuration: { value: 3, unit: 'dagar', system: 'http://unitsofmeasure.org', code: 'd' } }];
    expect((await t.request('PUT', 'PlanDefinition/triage-rules-draft', { body: draft })).status).toBe(201);
    const res = await t.request('POST', 'QuestionnaireResponse/$triage', { body: params(responseFor(cough, 'Patient/tolvan'), `${draft.url}|1.0.0`) });
    expect({ level: levelOf(res.body), rule: ruleOf(res.body) }).toEqual({ level: 'book', rule: 'everyone-books' });

    const sven = await t.citizenToken('195009072553');
    const citizen = await t.request('POST', 'QuestionnaireResponse/$triage', { body: params(responseFor(cough, 'Patient/sven-oberg'), draft.url), token: sven });
    expect(citizen.status).toBe(400);
    expect(citizen.body.issue[0].diagnostics).toMatch(/no active rule set/);
    const unknown = await t.request('POST', 'QuestionnaireResponse/$triage', { body: params(responseFor(cough, 'Patient/tolvan'), 'https://lots.example/fhir/PlanDefinition/nope') });
    expect(unknown.status).toBe(400);
  });

  it('gives a clear error, and no level, when a stored rule set fails at evaluation', async () => {
    // Written before the write-time check existed: stored through the store, not the API.
    const broken = structuredClone(shippedRules);
    broken.id = 'triage-rules-broken';
    broken.url = 'https://lots.example/fhir/PlanDefinition/triage-rules-broken';
    broken.status = 'draft';
    broken.action = [{ ...shippedRules.action[0], condition: [{ kind: 'applicability', expression: { language: 'text/fhirpath', expression: "item.where(linkId='pain').answer.value" } }] }];
    await t.deps.store.create(broken);
    const res = await t.request('POST', 'QuestionnaireResponse/$triage', { body: params(responseFor(cough, 'Patient/tolvan'), broken.url) });
    expect(res.status).toBe(500);
    expect(res.body.issue[0]).toMatchObject({ code: 'processing', expression: ['PlanDefinition.action[0].condition[0].expression.expression'] });
    expect(res.body.issue[0].diagnostics).toMatch(/No level was given .* gave \[1\], not true or false/);
  });
});

describe('rules and their form stay in step', () => {
  // Copies of the shipped form and rules, so that the other tests keep theirs.
  const FORM_URL = 'https://lots.example/fhir/Questionnaire/symptom-form-copy';
  const form = () => ({ ...structuredClone(shippedForm), id: 'symptom-form-copy', url: FORM_URL, status: 'draft' });
  const rules = () => ({
    ...structuredClone(shippedRules),
    id: 'triage-rules-copy',
    url: 'https://lots.example/fhir/PlanDefinition/triage-rules-copy',
    status: 'draft',
    relatedArtifact: [{ type: 'depends-on', resource: FORM_URL }],
  });
  const renamed = <T>(resource: T, from: string, to: string): T => JSON.parse(JSON.stringify(resource).replaceAll(from, to));
  const versionOf = async (path: string) => (await t.request('GET', path)).body.meta.versionId;

  beforeAll(async () => {
    expect((await t.request('PUT', 'Questionnaire/symptom-form-copy', { body: form() })).status).toBe(201);
    expect((await t.request('PUT', 'PlanDefinition/triage-rules-copy', { body: rules() })).status).toBe(201);
  });

  it('refuses a rule that reads a question the form does not have, pointing at its condition', async () => {
    const plan = rules();
    const at = plan.action.findIndex((a: any) => a.id === 'em-fever-very-high');
    const condition = plan.action[at].condition[0].expression;
    condition.expression = condition.expression.replace("linkId='temperature'", "linkId='temprature'");
    const res = await t.request('PUT', 'PlanDefinition/triage-rules-copy', { body: plan });
    expect(res.status, res.text).toBe(422);
    expect(res.body.issue).toEqual([
      expect.objectContaining({
        code: 'invalid',
        expression: [`PlanDefinition.action[${at}].condition[0].expression.expression`],
        diagnostics: `Rule "em-fever-very-high": the condition reads the question "temprature", which the form ${FORM_URL} does not have, so the rule could never apply`,
      }),
    ]);
    expect(await versionOf('PlanDefinition/triage-rules-copy')).toBe('1');
  });

  it('refuses a version of the form that drops a question a rule set reads, naming the rule set and rule', async () => {
    const res = await t.request('PUT', 'Questionnaire/symptom-form-copy', { body: renamed(form(), '"temperature"', '"body-temperature"') });
    expect(res.status, res.text).toBe(422);
    expect(res.body.issue[0].code).toBe('business-rule');
    expect(res.body.issue[0].diagnostics).toMatch(/draft triage rule set .*triage-rules-copy \(rule "em-fever-very-high"\) reads the question "temperature", which this form does not have/);
    expect(await versionOf('Questionnaire/symptom-form-copy')).toBe('1');
  });

  it('accepts a question renamed in the form and the rules in one transaction, in either order', async () => {
    const put = (resource: any) => ({ resource, request: { method: 'PUT', url: `${resource.resourceType}/${resource.id}` } });
    const rename = (from: string, to: string) => [put(renamed(rules(), `linkId='${from}'`, `linkId='${to}'`)), put(renamed(form(), `"${from}"`, `"${to}"`))];
    const transaction = (...entry: unknown[]) => t.request('POST', '', { body: { resourceType: 'Bundle', type: 'transaction', entry } });
    const [plan, newForm] = rename('temperature', 'body-temperature');
    const res = await transaction(plan, newForm);
    expect(res.status, res.text).toBe(200);
    expect(await versionOf('Questionnaire/symptom-form-copy')).toBe('2');
    expect(await versionOf('PlanDefinition/triage-rules-copy')).toBe('2');
    // Renamed again, the form's entry first this time.
    const [planTemp, formTemp] = rename('temperature', 'temp');
    const again = await transaction(formTemp, planTemp);
    expect(again.status, again.text).toBe(200);
    expect(await versionOf('Questionnaire/symptom-form-copy')).toBe('3');

    // The form alone, back to the shipped name: refused, and the entry named; nothing written.
    const alone = await transaction(put(form()));
    expect(alone.status).toBe(422);
    expect(alone.body.issue[0].diagnostics).toMatch(/^Entry 0 \(PUT Questionnaire\/symptom-form-copy\): .* reads the question "temp"/);
    expect(await versionOf('Questionnaire/symptom-form-copy')).toBe('3');
  });
});
