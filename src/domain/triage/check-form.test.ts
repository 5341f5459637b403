import type { PlanDefinition, Questionnaire } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { questionsOf, unknownQuestions } from './check-form.js';

const form: Questionnaire = {
  resourceType: 'Questionnaire',
  status: 'active',
  item: [
    { linkId: 'fever', type: 'boolean' },
    { linkId: 'details', type: 'group', item: [{ linkId: 'temperature', type: 'decimal' }] },
  ],
};

const rules = (...expressions: string[]): PlanDefinition => ({
  resourceType: 'PlanDefinition',
  status: 'active',
  action: expressions.map((expression, i) => ({ id: `r${i}`, condition: [{ kind: 'applicability', expression: { language: 'text/fhirpath', expression } }] })),
});

describe('questionsOf', () => {
  it('finds questions at any depth', () => {
    expect([...questionsOf(form)]).toEqual(['fever', 'details', 'temperature']);
  });
});

describe('unknownQuestions', () => {
  it('accepts rules that read only questions of the form, nested ones included', () => {
    expect(unknownQuestions(rules("item.where(linkId='fever').answer.value = true", "item.item.where(linkId='temperature').answer.value >= 41 and %age < 1"), form)).toEqual([]);
  });

  it('names each rule and question the form lacks, pointing at the condition', () => {
    const found = unknownQuestions(rules("item.where(linkId='fever').answer.value = true", "item.where(linkId='temprature').answer.value >= 41 or item.where(linkId = 'pain').exists()"), form);
    expect(found).toEqual([
      { rule: 'r1', linkId: 'temprature', expression: 'PlanDefinition.action[1].condition[0].expression.expression' },
      { rule: 'r1', linkId: 'pain', expression: 'PlanDefinition.action[1].condition[0].expression.expression' },
    ]);
  });

  it('leaves conditions in other languages alone', () => {
    const plan = rules('x');
    plan.action![0]!.condition![0]!.expression = { language: 'text/cql', expression: "linkId='nope'" };
    expect(unknownQuestions(plan, form)).toEqual([]);
  });
});
