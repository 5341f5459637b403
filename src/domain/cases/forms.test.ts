import type { Questionnaire, QuestionnaireResponse } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { unansweredRequired } from './forms.js';

const q: Questionnaire = {
  resourceType: 'Questionnaire',
  status: 'active',
  item: [
    { linkId: 'intro', type: 'display', text: 'Hej' },
    { linkId: 'a', type: 'string', text: 'Fråga A', required: true },
    { linkId: 'b', type: 'string', text: 'Fråga B' },
    { linkId: 'g', type: 'group', item: [{ linkId: 'c', type: 'boolean', text: 'Fråga C', required: true }] },
  ],
};
const answer = (items: QuestionnaireResponse['item']): QuestionnaireResponse => ({ resourceType: 'QuestionnaireResponse', status: 'completed', item: items ?? [] });

describe('required questions', () => {
  it('lists those unanswered, in nested groups too', () => {
    expect(unansweredRequired(q, answer([]))).toEqual(['Fråga A', 'Fråga C']);
  });

  it('counts a blank string as unanswered, false as answered', () => {
    expect(unansweredRequired(q, answer([{ linkId: 'a', answer: [{ valueString: '  ' }] }, { linkId: 'g', item: [{ linkId: 'c', answer: [{ valueBoolean: false }] }] }]))).toEqual(['Fråga A']);
    expect(unansweredRequired(q, answer([{ linkId: 'a', answer: [{ valueString: 'Ja' }] }, { linkId: 'c', answer: [{ valueBoolean: true }] }]))).toEqual([]);
  });
});
