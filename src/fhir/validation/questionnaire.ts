/**
 * @module fhir/validation/questionnaire
 * A Questionnaire's own consistency (https://hl7.org/fhir/R4/questionnaire.html): every `linkId`
 * unique, and every `enableWhen` pointing at a question of the form that can be answered, with an
 * answer of that question's type (`exists` takes a boolean). Pure.
 */
import type { Questionnaire, QuestionnaireItem, QuestionnaireItemEnableWhen } from '@medplum/fhirtypes';
import type { Issue } from '../error.js';

/** The answer[x] of enableWhen that fits each item type. */
const ANSWER_FOR: Partial<Record<QuestionnaireItem['type'], string[]>> = {
  boolean: ['answerBoolean'],
  decimal: ['answerDecimal'],
  integer: ['answerInteger'],
  date: ['answerDate'],
  dateTime: ['answerDateTime'],
  time: ['answerTime'],
  string: ['answerString'],
  text: ['answerString'],
  url: ['answerString'],
  choice: ['answerCoding'],
  'open-choice': ['answerCoding', 'answerString'],
  quantity: ['answerQuantity'],
  reference: ['answerReference'],
  attachment: [],
};

interface Located {
  item: QuestionnaireItem;
  expression: string;
}

export function checkQuestionnaire(q: Questionnaire): Issue[] {
  if (q.resourceType !== 'Questionnaire') return [];
  const items: Located[] = [];
  // The structural validation reports items of the wrong shape; these rules read only well-formed ones.
  const collect = (list: unknown, at: string) => {
    if (!Array.isArray(list)) return;
    list.forEach((item: unknown, i) => {
      if (!item || typeof item !== 'object') return;
      items.push({ item: item as QuestionnaireItem, expression: `${at}.item[${i}]` });
      collect((item as QuestionnaireItem).item, `${at}.item[${i}]`);
    });
  };
  collect(q.item, 'Questionnaire');
  const issues: Issue[] = [];
  const byLinkId = new Map<string, QuestionnaireItem>();
  for (const { item, expression } of items) {
    if (typeof item.linkId !== 'string') continue;
    if (byLinkId.has(item.linkId)) {
      issues.push({ severity: 'error', code: 'duplicate', diagnostics: `The linkId "${item.linkId}" is used by more than one item; each must be unique`, expression: [`${expression}.linkId`] });
    } else byLinkId.set(item.linkId, item);
  }
  for (const { item, expression } of items) {
    if (!Array.isArray(item.enableWhen)) continue;
    item.enableWhen.forEach((when, i) => {
      if (when && typeof when === 'object') issues.push(...checkEnableWhen(when, `${expression}.enableWhen[${i}]`, byLinkId));
    });
  }
  return issues;
}

function checkEnableWhen(when: QuestionnaireItemEnableWhen, expression: string, byLinkId: ReadonlyMap<string, QuestionnaireItem>): Issue[] {
  const target = byLinkId.get(when.question);
  if (!target) {
    return [{ severity: 'error', code: 'value', diagnostics: `enableWhen refers to the question "${when.question}", which the questionnaire does not have`, expression: [`${expression}.question`] }];
  }
  if (target.type === 'group' || target.type === 'display') {
    return [{ severity: 'error', code: 'value', diagnostics: `enableWhen refers to "${when.question}", a ${target.type} item that has no answers`, expression: [`${expression}.question`] }];
  }
  const answerKey = Object.keys(when).find((k) => k.startsWith('answer'));
  if (!answerKey) return [];
  const expected = when.operator === 'exists' ? ['answerBoolean'] : ANSWER_FOR[target.type];
  if (!expected || expected.includes(answerKey)) return [];
  const wanted = expected.length ? expected.join(' or ') : 'no answer to compare with';
  return [
    {
      severity: 'error',
      code: 'value',
      diagnostics: `enableWhen compares the ${target.type} question "${when.question}" with ${answerKey}; it needs ${wanted}`,
      expression: [`${expression}.${answerKey}`],
    },
  ];
}
