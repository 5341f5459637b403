import { describe, expect, it } from 'vitest';
import { answerWorkingDays, caseTask, CASE_ANSWER_WORKING_DAYS } from './open-case.js';

const facts = (now: Date) => ({
  type: { code: 'radgivning-och-hjalp', display: 'Rådgivning och hjälp', freeText: true, inactive: false },
  requested: undefined,
  patient: 'Patient/p',
  requester: 'Patient/p',
  org: { resourceType: 'Organization' as const, id: 'vc', name: 'VC' },
  message: 'Hej',
  qr: undefined,
  now,
  days: 2,
});

describe('the deadline of a new case', () => {
  it.each([
    // Received on a Monday: end of Wednesday (winter time, +01:00).
    ['2026-01-12T09:00:00+01:00', '2026-01-14T22:59:59.999Z'],
    // Received on Maundy Thursday 2026: Good Friday, Easter and Easter Monday are not working days.
    ['2026-04-02T15:00:00+02:00', '2026-04-08T21:59:59.999Z'],
    // Received late on a Friday evening: Monday and Tuesday.
    ['2026-05-29T23:30:00+02:00', '2026-06-02T21:59:59.999Z'],
    // Received on 23 December 2026: julafton, juldagen, annandag and the weekend pass.
    ['2026-12-23T10:00:00+01:00', '2026-12-29T22:59:59.999Z'],
    // Midsommarafton 2026 is 19 June: received Thursday 18th, answered by Tuesday 23rd.
    ['2026-06-18T08:00:00+02:00', '2026-06-23T21:59:59.999Z'],
  ])('received %s: answer by %s', (received, due) => {
    expect(caseTask(facts(new Date(received))).restriction?.period?.end).toBe(due);
  });

  it('is 2 working days unless the setting says otherwise', () => {
    expect(CASE_ANSWER_WORKING_DAYS).toBe(2);
    expect(answerWorkingDays({})).toBe(2);
    expect(answerWorkingDays({ cases: { answerWorkingDays: 3 } })).toBe(3);
    expect(answerWorkingDays({ cases: { answerWorkingDays: 0 } })).toBe(2);
  });
});
