import type { Questionnaire, QuestionnaireResponse } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { checkAnswers } from './answers.js';

const form: Questionnaire = {
  resourceType: 'Questionnaire',
  status: 'active',
  url: 'https://example.org/form',
  item: [
    { linkId: 'intro', type: 'display', text: 'Välkommen' },
    { linkId: 'smoker', type: 'boolean', text: 'Röker du?', required: true },
    { linkId: 'cigarettes', type: 'integer', text: 'Hur många per dag?', required: true, enableWhen: [{ question: 'smoker', operator: '=', answerBoolean: true }] },
    {
      linkId: 'contact',
      type: 'group',
      required: true,
      item: [
        { linkId: 'phone', type: 'string', text: 'Telefon', maxLength: 10 },
        { linkId: 'when', type: 'choice', text: 'När?', repeats: true, answerOption: [{ valueCoding: { system: 's', code: 'am' } }, { valueCoding: { system: 's', code: 'pm' } }] },
      ],
    },
    { linkId: 'why', type: 'text', text: 'Varför?', enableBehavior: 'any', enableWhen: [{ question: 'cigarettes', operator: '>', answerInteger: 10 }, { question: 'phone', operator: 'exists', answerBoolean: true }] },
  ],
};
const qr = (item: QuestionnaireResponse['item']): QuestionnaireResponse => ({ resourceType: 'QuestionnaireResponse', status: 'completed', item });
const contact = { linkId: 'contact', item: [{ linkId: 'when', answer: [{ valueCoding: { system: 's', code: 'am' } }, { valueCoding: { system: 's', code: 'pm' } }] }] };

describe('checkAnswers', () => {
  it('accepts a complete response, with repeated answers where the question repeats', () => {
    expect(checkAnswers(form, qr([{ linkId: 'smoker', answer: [{ valueBoolean: false }] }, contact]))).toEqual([]);
  });

  it('asks a question only when its enableWhen holds', () => {
    const smoker = { linkId: 'smoker', answer: [{ valueBoolean: true }] };
    expect(checkAnswers(form, qr([smoker, contact])).map((i) => [i.code, i.diagnostics])).toEqual([['required', '"Hur många per dag?" (cigarettes) must be answered']]);
    const notAsked = checkAnswers(form, qr([{ linkId: 'smoker', answer: [{ valueBoolean: false }] }, { linkId: 'cigarettes', answer: [{ valueInteger: 5 }] }, contact]));
    expect(notAsked[0]).toMatchObject({ code: 'invalid', expression: ['QuestionnaireResponse.item[1]'] });
    expect(notAsked[0]!.diagnostics).toMatch(/only when "Röker du\?" = true/);
    // enableBehavior any: asked when there are more than 10 cigarettes, or a phone number.
    const why = { linkId: 'why', answer: [{ valueString: 'Stress' }] };
    expect(checkAnswers(form, qr([smoker, { linkId: 'cigarettes', answer: [{ valueInteger: 20 }] }, contact, why]))).toEqual([]);
    expect(checkAnswers(form, qr([smoker, { linkId: 'cigarettes', answer: [{ valueInteger: 5 }] }, contact, why]))).toHaveLength(1);
    const withPhone = { linkId: 'contact', item: [{ linkId: 'phone', answer: [{ valueString: '0701234567' }] }] };
    expect(checkAnswers(form, qr([smoker, { linkId: 'cigarettes', answer: [{ valueInteger: 5 }] }, withPhone, why]))).toEqual([]);
  });

  it('checks nested groups: required groups, options, lengths and misplaced answers', () => {
    const issues = checkAnswers(
      form,
      qr([
        { linkId: 'smoker', answer: [{ valueBoolean: false }] },
        { linkId: 'contact', item: [{ linkId: 'phone', answer: [{ valueString: '070-123 45 67' }] }, { linkId: 'when', answer: [{ valueCoding: { system: 's', code: 'night' } }] }] },
        { linkId: 'phone', answer: [{ valueString: '1' }] },
        { linkId: 'intro', answer: [{ valueString: 'x' }] },
      ]),
    );
    expect(issues.map((i) => [i.code, i.expression?.[0]])).toEqual([
      ['too-long', 'QuestionnaireResponse.item[1].item[0].answer[0].valueString'],
      ['code-invalid', 'QuestionnaireResponse.item[1].item[1].answer[0].valueCoding'],
      ['invalid', 'QuestionnaireResponse.item[2].linkId'],
      ['invalid', 'QuestionnaireResponse.item[3].answer'],
    ]);
    expect(issues[2]!.diagnostics).toMatch(/"Telefon" \(phone\) is in the wrong place/);
    expect(checkAnswers(form, qr([{ linkId: 'smoker', answer: [{ valueBoolean: false }] }]))[0]).toMatchObject({ code: 'required', diagnostics: '"contact" must be answered' });
  });

  it('checks codes against the ValueSet when the form names one', () => {
    const withVs: Questionnaire = { resourceType: 'Questionnaire', status: 'active', item: [{ linkId: 'reason', type: 'choice', answerValueSet: 'https://example.org/vs' }] };
    const answer = (code: string) => qr([{ linkId: 'reason', answer: [{ valueCoding: { system: 'http://snomed.info/sct', code } }] }]);
    const codes = () => new Set(['http://snomed.info/sct|49727002']);
    expect(checkAnswers(withVs, answer('49727002'), codes)).toEqual([]);
    expect(checkAnswers(withVs, answer('1234'), codes)[0]).toMatchObject({ code: 'code-invalid' });
    // A ValueSet the server cannot expand is not held against the answer.
    expect(checkAnswers(withVs, answer('1234'))).toEqual([]);
  });
});
