import type { Patient, PlanDefinition, PlanDefinitionAction, QuestionnaireResponse } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { FhirError } from '../../fhir/error.js';
import { LEVEL_SYSTEM, type Level } from './codes.js';
import { ageOf, birthDateOf, evaluateRules, linkIdsOf, parseRule, rulesOf } from './rules.js';

const action = (id: string, level: Level, expression: string, priority?: PlanDefinitionAction['priority']): PlanDefinitionAction => ({
  id,
  textEquivalent: `text of ${id}`,
  ...(priority ? { priority } : {}),
  code: [{ coding: [{ system: LEVEL_SYSTEM, code: level }] }],
  condition: [{ kind: 'applicability', expression: { language: 'text/fhirpath', expression } }],
  ...(level === 'book' ? { timingDuration: { value: 3, unit: 'dagar', system: 'http://unitsofmeasure.org', code: 'd' } } : {}),
});
const plan = (...actions: PlanDefinitionAction[]): PlanDefinition => ({ resourceType: 'PlanDefinition', status: 'active', url: 'https://example.org/rules', action: actions });
const response = (pain?: number, fever?: boolean): QuestionnaireResponse => ({
  resourceType: 'QuestionnaireResponse',
  status: 'completed',
  item: [...(pain === undefined ? [] : [{ linkId: 'pain', answer: [{ valueInteger: pain }] }]), ...(fever === undefined ? [] : [{ linkId: 'fever', answer: [{ valueBoolean: fever }] }])],
});
const adult: Patient = { resourceType: 'Patient', id: 'a', gender: 'female', birthDate: '1980-05-20' };
const now = new Date('2025-06-01T10:00:00Z');
const PAIN = "item.where(linkId='pain').answer.value";

describe('decision order', () => {
  it('tries rules by priority, stat first, whatever the order they are written in', () => {
    const p = plan(action('advice', 'self-care', `${PAIN} < 5`), action('red-flag', 'emergency', `${PAIN} >= 0`, 'stat'));
    expect(evaluateRules(p, response(2), adult, now)).toMatchObject({ level: 'emergency', rule: { id: 'red-flag' }, evaluated: 1, total: 2 });
  });

  it('breaks ties within a priority by the order the rules are written in; no priority counts as routine', () => {
    const p = plan(action('first', 'book', 'true'), action('second', 'chat', 'true', 'routine'), action('urgent', 'self-care', `${PAIN} > 8`, 'urgent'));
    expect(evaluateRules(p, response(2), adult, now).rule?.id).toBe('first');
    expect(rulesOf(p).map((r) => r.id)).toEqual(['urgent', 'first', 'second']);
  });

  it('stops at the first rule that holds and reports the answers it read', () => {
    const p = plan(action('fever', 'chat', "item.where(linkId='fever').answer.value = true and " + `${PAIN} >= 3`, 'asap'), action('rest', 'self-care', 'true'));
    const d = evaluateRules(p, response(4, true), adult, now);
    expect(d.rule?.answers).toEqual([
      { linkId: 'fever', answer: [{ valueBoolean: true }] },
      { linkId: 'pain', answer: [{ valueInteger: 4 }] },
    ]);
    expect(d.evaluated).toBe(1);
  });

  it('gives chat, with no rule, when no rule holds', () => {
    const d = evaluateRules(plan(action('severe', 'emergency', `${PAIN} >= 9`, 'stat')), response(2), adult, now);
    expect(d).toMatchObject({ level: 'chat', evaluated: 1, total: 1 });
    expect(d.rule).toBeUndefined();
  });

  it('counts a condition about a question left unanswered as false', () => {
    expect(evaluateRules(plan(action('pain', 'chat', `${PAIN} >= 0`), action('rest', 'self-care', 'true')), response(undefined, false), adult, now).rule?.id).toBe('rest');
  });

  it('reads the patient and the age in years and months', () => {
    const p = plan(action('woman', 'book', "%patient.gender = 'female' and %age = 45", 'asap'), action('infant', 'emergency', '%ageInMonths < 3', 'stat'), action('rest', 'self-care', 'true'));
    expect(evaluateRules(p, response(1), adult, now).rule?.id).toBe('woman');
    expect(evaluateRules(p, response(1), { resourceType: 'Patient', id: 'b', birthDate: '2025-03-15' }, now).rule?.id).toBe('infant');
    expect(evaluateRules(p, response(1), { ...adult, gender: 'male' }, now).rule?.id).toBe('rest');
  });

  it('refuses to give a level when a rule gives something other than true or false, naming the rule', () => {
    const p = plan(action('ok', 'chat', 'false'), action('broken', 'emergency', PAIN, 'stat'));
    try {
      evaluateRules(p, response(4), adult, now);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(FhirError);
      const e = err as FhirError;
      expect(e.status).toBe(500);
      expect(e.issues[0]).toMatchObject({ code: 'processing', expression: ['PlanDefinition.action[1].condition[0].expression.expression'] });
      expect(e.issues[0]!.diagnostics).toMatch(/Rule "broken".* gave \[4\], not true or false/);
    }
  });

  it('refuses a patient whose age is unknown', () => {
    expect(() => evaluateRules(plan(action('rest', 'self-care', 'true')), response(1), { resourceType: 'Patient', id: 'x' }, now)).toThrow(/no birth date/);
  });
});

describe('age', () => {
  it('counts whole years and months on the Swedish calendar date', () => {
    expect(ageOf({ resourceType: 'Patient', birthDate: '1995-06-15' }, new Date('2025-06-14T21:59:00Z'))).toMatchObject({ years: 29, months: 359 });
    // 22:00 UTC on 14 June is midnight in Stockholm (summer time): the birthday has come.
    expect(ageOf({ resourceType: 'Patient', birthDate: '1995-06-15' }, new Date('2025-06-14T22:00:00Z'))).toMatchObject({ years: 30, months: 360 });
  });

  it('gives someone born on 29 February their birthday on 1 March in other years', () => {
    expect(ageOf({ resourceType: 'Patient', birthDate: '2012-02-29' }, new Date('2025-02-28T12:00:00Z'))?.years).toBe(12);
    expect(ageOf({ resourceType: 'Patient', birthDate: '2012-02-29' }, new Date('2025-03-01T12:00:00Z'))?.years).toBe(13);
    expect(ageOf({ resourceType: 'Patient', birthDate: '2012-02-29' }, new Date('2024-02-29T12:00:00Z'))?.years).toBe(12);
  });

  it('reads the birth date from the personnummer or samordningsnummer when Patient.birthDate is absent', () => {
    expect(birthDateOf({ resourceType: 'Patient', identifier: [{ system: 'http://electronichealth.se/identifier/personnummer', value: '201604122380' }] })).toBe('2016-04-12');
    expect(birthDateOf({ resourceType: 'Patient', identifier: [{ system: 'http://electronichealth.se/identifier/samordningsnummer', value: '199001742385' }] })).toBe('1990-01-14');
    expect(birthDateOf({ resourceType: 'Patient' })).toBeUndefined();
  });
});

it('finds the questions an expression reads', () => {
  expect(linkIdsOf("item.where(linkId='chest-pain').answer.value = true and item.where(linkId = 'pain').answer.value > 3 or item.where(linkId='chest-pain').exists()")).toEqual(['chest-pain', 'pain']);
});

describe('FHIRPath environment variables', () => {
  it('gives %resource, %rootResource and %context as the response, when a rule is written and when it runs', () => {
    for (const variable of ['%resource', '%rootResource', '%context']) {
      const rule = action('env', 'chat', `${variable}.item.where(linkId='pain').answer.value >= 5`);
      expect(parseRule(rule, 0, { trial: true }).issues, variable).toEqual([]);
      const p = plan(rule, action('rest', 'self-care', 'true'));
      expect(evaluateRules(p, response(7), adult, now).rule?.id, variable).toBe('env');
      expect(evaluateRules(p, response(2), adult, now).rule?.id, variable).toBe('rest');
    }
  });

  it('still refuses a variable that does not exist', () => {
    expect(parseRule(action('bad', 'chat', '%nonsense.exists()'), 0, { trial: true }).issues[0]?.diagnostics).toMatch(/nonsense/);
  });
});
