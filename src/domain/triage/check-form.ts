/**
 * @module domain/triage/check-form
 * Rules against their form, pure: every question a triage rule reads (its `linkId='...'` literals) must
 * be a question of the Questionnaire the rule set depends on. A misspelt or removed linkId would not
 * fail: the rule would silently never fire, and an emergency rule that never fires is the worst
 * failure triage can have. `form-consistency.ts` runs this at every write of either side.
 */
import type { PlanDefinition, Questionnaire, QuestionnaireItem } from '@medplum/fhirtypes';
import { linkIdsOf } from './rules.js';

export interface UnknownQuestion {
  /** The rule's id, or its position when it has none. */
  rule: string;
  linkId: string;
  /** FHIRPath of the condition in the PlanDefinition. */
  expression: string;
}

/** Every linkId of a form, at any depth. */
export function questionsOf(form: Questionnaire): Set<string> {
  const ids = new Set<string>();
  const walk = (items: readonly QuestionnaireItem[] | undefined) => {
    for (const item of items ?? []) {
      ids.add(item.linkId);
      walk(item.item);
    }
  };
  walk(form.item);
  return ids;
}

/** The questions the rules read that the form does not have, one entry per rule and linkId. */
export function unknownQuestions(plan: PlanDefinition, form: Questionnaire): UnknownQuestion[] {
  const known = questionsOf(form);
  const found: UnknownQuestion[] = [];
  (plan.action ?? []).forEach((action, i) => {
    (action.condition ?? []).forEach((condition, j) => {
      const text = condition.expression?.language === 'text/fhirpath' ? condition.expression.expression : undefined;
      for (const linkId of text ? linkIdsOf(text) : []) {
        if (known.has(linkId)) continue;
        found.push({ rule: action.id ?? `${i + 1}`, linkId, expression: `PlanDefinition.action[${i}].condition[${j}].expression.expression` });
      }
    });
  });
  return found;
}
