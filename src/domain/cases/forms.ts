/**
 * @module domain/cases/forms
 * The citizen's answers to a form (QuestionnaireResponse against a Questionnaire): which required
 * questions are unanswered. Pure. Enough of SDC for the case forms: required items, nested groups,
 * `enableWhen` is not evaluated (a conditional question is never required in the seeded forms).
 */
import type { Questionnaire, QuestionnaireItem, QuestionnaireResponse, QuestionnaireResponseItem } from '@medplum/fhirtypes';

/** The texts (or linkIds) of required questions with no answer. */
export function unansweredRequired(q: Questionnaire, r: QuestionnaireResponse): string[] {
  const answered = new Set<string>();
  const collect = (items: readonly QuestionnaireResponseItem[] | undefined) => {
    for (const i of items ?? []) {
      if ((i.answer ?? []).some((a) => Object.keys(a).some((k) => k.startsWith('value') && isFilled((a as Record<string, unknown>)[k])))) answered.add(i.linkId!);
      collect(i.item);
      for (const a of i.answer ?? []) collect(a.item);
    }
  };
  collect(r.item);
  const missing: string[] = [];
  const check = (items: readonly QuestionnaireItem[] | undefined) => {
    for (const i of items ?? []) {
      if (i.type === 'group') check(i.item);
      else if (i.required && i.type !== 'display' && !answered.has(i.linkId!) && !i.enableWhen) missing.push(i.text ?? i.linkId!);
    }
  };
  check(q.item);
  return missing;
}

function isFilled(v: unknown): boolean {
  return typeof v === 'string' ? v.trim() !== '' : v !== undefined && v !== null;
}
