import type { Task } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { EXT } from './codes.js';
import { lateAnswers, nextMonth } from './report.js';

const task = (unit: string, authoredOn: string, deadline: string | undefined, firstReply?: string): Task => ({
  resourceType: 'Task',
  status: 'requested',
  intent: 'order',
  owner: { reference: unit },
  authoredOn,
  ...(deadline ? { restriction: { period: { end: deadline } } } : {}),
  ...(firstReply ? { extension: [{ url: EXT.firstReply, valueDateTime: firstReply }] } : {}),
});

describe('answers late per clinic and month', () => {
  const now = new Date('2026-04-15T12:00:00Z');
  it('counts by the Swedish month received', () => {
    const rows = lateAnswers(
      [
        // 31 March 23:30 UTC is 1 April in Sweden (summer time).
        task('Organization/a', '2026-03-31T23:30:00Z', '2026-04-02T21:59:59.999Z', '2026-04-01T08:00:00Z'),
        task('Organization/a', '2026-03-10T08:00:00Z', '2026-03-12T22:59:59.999Z', '2026-03-13T08:00:00Z'),
        task('Organization/a', '2026-03-11T08:00:00Z', '2026-03-13T22:59:59.999Z'),
        task('Organization/a', '2026-04-14T08:00:00Z', '2026-04-16T21:59:59.999Z'),
        task('Organization/b', '2026-03-11T08:00:00Z', '2026-03-13T22:59:59.999Z', '2026-03-12T08:00:00Z'),
        task('Organization/a', '2026-03-11T08:00:00Z', undefined),
      ],
      now,
    );
    expect(rows).toEqual([
      { unit: 'Organization/a', month: '2026-03', received: 2, answered: 1, answeredLate: 1, unansweredOverdue: 1 },
      { unit: 'Organization/a', month: '2026-04', received: 2, answered: 1, answeredLate: 0, unansweredOverdue: 0 },
      { unit: 'Organization/b', month: '2026-03', received: 1, answered: 1, answeredLate: 0, unansweredOverdue: 0 },
    ]);
  });

  it('steps months over the new year', () => {
    expect(nextMonth('2026-12')).toBe('2027-01');
    expect(nextMonth('2026-09')).toBe('2026-10');
  });
});
