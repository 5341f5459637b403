import { describe, expect, it } from 'vitest';
import { findings } from './test-support.js';

const form = (item: object[]) => ({ resourceType: 'Questionnaire', status: 'active', item });
const q = (linkId: string, type: string, extra: object = {}) => ({ linkId, type, text: linkId, ...extra });

describe('Questionnaire linkIds and enableWhen', () => {
  const cases: [string, object, string[]][] = [
    ['unique linkIds and a fitting enableWhen', form([q('feber', 'boolean'), q('temp', 'decimal', { enableWhen: [{ question: 'feber', operator: '=', answerBoolean: true }] })]), []],
    ['a nested question compared with a coding', form([q('g', 'group', { item: [q('svar', 'choice')] }), q('mer', 'string', { enableWhen: [{ question: 'svar', operator: '=', answerCoding: { code: 'ja' } }] })]), []],
    ['exists with a boolean', form([q('a', 'string'), q('b', 'string', { enableWhen: [{ question: 'a', operator: 'exists', answerBoolean: true }] })]), []],
    ['open-choice compared with a string', form([q('a', 'open-choice'), q('b', 'string', { enableWhen: [{ question: 'a', operator: '=', answerString: 'annat' }] })]), []],
    ['a duplicate linkId', form([q('a', 'string'), q('a', 'integer')]), ['error Questionnaire.item[1].linkId']],
    ['a duplicate linkId in a nested item', form([q('a', 'group', { item: [q('a', 'string')] })]), ['error Questionnaire.item[0].item[0].linkId']],
    ['enableWhen on a missing question', form([q('a', 'string', { enableWhen: [{ question: 'zz', operator: 'exists', answerBoolean: true }] })]), ['error Questionnaire.item[0].enableWhen[0].question']],
    ['enableWhen comparing a boolean with an integer', form([q('a', 'boolean'), q('b', 'string', { enableWhen: [{ question: 'a', operator: '=', answerInteger: 1 }] })]), ['error Questionnaire.item[1].enableWhen[0].answerInteger']],
    ['enableWhen exists with a string', form([q('a', 'string'), q('b', 'string', { enableWhen: [{ question: 'a', operator: 'exists', answerString: 'x' }] })]), ['error Questionnaire.item[1].enableWhen[0].answerString']],
    ['enableWhen on a display item', form([q('d', 'display'), q('b', 'string', { enableWhen: [{ question: 'd', operator: 'exists', answerBoolean: true }] })]), ['error Questionnaire.item[1].enableWhen[0].question']],
    [
      'a Questionnaire in a Bundle entry',
      { resourceType: 'Bundle', type: 'collection', entry: [{ fullUrl: 'urn:uuid:0b8f3c52-5e3f-4ac6-9fd4-0c1bb9a3f0a1', resource: form([q('a', 'string'), q('a', 'string')]) }] },
      ['error Bundle.entry[0].resource.item[1].linkId'],
    ],
  ];
  it.each(cases)('%s', (_name, resource, expected) => {
    expect(findings(resource)).toEqual(expected);
  });
});
