import type { QuestionnaireResponse } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import type { TriageDecision } from '../triage/rules.js';
import { assessmentRecord, factsOf, finalLevel, mergeAnswers } from './assess.js';
import { overrules } from './report.js';

const qr = (items: [string, number][]): QuestionnaireResponse => ({ resourceType: 'QuestionnaireResponse', status: 'completed', item: items.map(([linkId, v]) => ({ linkId, answer: [{ valueInteger: v }] })) });
const values = (items: ReturnType<typeof mergeAnswers>) => items.map((i) => [i.linkId, i.answer![0]!.valueInteger]);

describe('mergeAnswers', () => {
  it('keeps the citizen\'s answers in place, replaced by the nurse\'s to the same question, and adds the nurse\'s new ones', () => {
    expect(values(mergeAnswers(qr([['a', 1], ['b', 2], ['c', 3]]), qr([['d', 9], ['b', 7]])))).toEqual([['a', 1], ['b', 7], ['c', 3], ['d', 9]]);
  });
  it('takes the nurse\'s answers alone on the phone, and the citizen\'s alone when the nurse adds none', () => {
    expect(values(mergeAnswers(undefined, qr([['a', 1]])))).toEqual([['a', 1]]);
    expect(values(mergeAnswers(qr([['a', 1]]), undefined))).toEqual([['a', 1]]);
  });
});

describe('finalLevel', () => {
  it('is the suggestion unless the nurse sets another', () => {
    expect(finalLevel({ suggested: 'chat' })).toEqual({ level: 'chat', overruled: false });
    expect(finalLevel({ suggested: 'chat', final: 'chat' })).toEqual({ level: 'chat', overruled: false });
    expect(finalLevel({ suggested: 'chat', final: 'book', reason: 'Stabil, kan vänta' })).toEqual({ level: 'book', overruled: true });
  });
  it('refuses an overrule without a reason (or with only blanks)', () => {
    for (const reason of [undefined, '  ']) {
      try {
        finalLevel({ suggested: 'self-care', final: 'emergency', ...(reason !== undefined ? { reason } : {}) });
        expect.unreachable();
      } catch (err: any) {
        expect(err.status).toBe(422);
        expect(err.issues.map((i: any) => i.code)).toEqual(['required']);
      }
    }
  });
});

const decision = (rule: string | undefined, level: TriageDecision['level']): TriageDecision =>
  ({ level, evaluated: 1, total: 1, age: { years: 40, months: 480, birthDate: '1986-01-01' }, ...(rule ? { rule: { id: rule, level, answers: [] } as never } : {}) });

describe('the assessment record and the overrule report', () => {
  const record = (rule: string | undefined, suggested: TriageDecision['level'], level: TriageDecision['level'], at: string) =>
    assessmentRecord({ patient: 'Patient/p', encounter: 'Encounter/e', decision: decision(rule, suggested), level, basis: [], at: new Date(at), ...(level !== suggested ? { reason: 'skäl' } : {}) });

  it('reads back the rule, the suggestion and the final level it stores', () => {
    expect(factsOf(record('self-care-cough', 'self-care', 'book', '2026-03-02T10:00:00Z'))).toEqual({ rule: 'self-care-cough', suggested: 'self-care', final: 'book', at: '2026-03-02T10:00:00.000Z' });
    expect(factsOf(record(undefined, 'chat', 'chat', '2026-03-02T10:00:00Z')).rule).toBe('no-rule');
  });

  it('counts per Stockholm month and rule, most overruled first, with the levels overruled to', () => {
    const rows = overrules([
      record('r1', 'self-care', 'book', '2026-03-31T22:30:00Z'), // 1 April in Stockholm
      record('r1', 'self-care', 'self-care', '2026-03-10T10:00:00Z'),
      record('r1', 'self-care', 'chat', '2026-03-11T10:00:00Z'),
      record('r2', 'chat', 'emergency', '2026-03-12T10:00:00Z'),
      record('r2', 'chat', 'emergency', '2026-03-13T10:00:00Z'),
    ].map(factsOf));
    expect(rows).toEqual([
      { month: '2026-03', rule: 'r2', assessed: 2, overruled: 2, to: { emergency: 2 } },
      { month: '2026-03', rule: 'r1', assessed: 2, overruled: 1, to: { chat: 1 } },
      { month: '2026-04', rule: 'r1', assessed: 1, overruled: 1, to: { book: 1 } },
    ]);
  });
});
