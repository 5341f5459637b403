/**
 * @module domain/triage/form-consistency
 * The stored check (see `StoredCheck` in domain/repository) that keeps triage rules and their form in
 * step: a rule set may not read a question its stored form lacks, and a new version of a form may not
 * drop a question that an active or draft rule set reads. A rule set written before its form is
 * accepted; the form is then checked against it when written. Inside a transaction both sides are
 * checked once all entries are written, so a question renamed in the form and the rules together goes
 * through.
 */
import type { PlanDefinition, Questionnaire, Resource } from '@medplum/fhirtypes';
import type { Issue } from '../../fhir/error.js';
import type { DomainContext } from '../context.js';
import { unknownQuestions } from './check-form.js';
import type { ServerRepository } from '../repository.js';
import { byCanonical, dependsOn, ruleSetsReading, splitCanonical } from './lookup.js';
import { isTriageRuleSet } from './rules.js';

const CHECKED_RULE_SETS = ['active', 'draft'];

export async function checkRulesAgainstForm(server: ServerRepository, resource: Resource): Promise<Issue[]> {
  if (resource.resourceType === 'PlanDefinition') return checkRuleSet({ repo: server }, resource);
  if (resource.resourceType === 'Questionnaire') return checkForm({ repo: server }, resource);
  return [];
}

type Ctx = Pick<DomainContext, 'repo'>;

async function checkRuleSet(ctx: Ctx, plan: PlanDefinition): Promise<Issue[]> {
  const canonical = dependsOn(plan);
  if (!CHECKED_RULE_SETS.includes(plan.status) || !isTriageRuleSet(plan) || !canonical) return [];
  const [form] = await byCanonical<Questionnaire>(ctx, 'Questionnaire', canonical, ['active', 'draft', 'retired']);
  if (!form) return [];
  return unknownQuestions(plan, form).map((u) => ({
    severity: 'error',
    code: 'invalid',
    diagnostics: `Rule "${u.rule}": the condition reads the question "${u.linkId}", which the form ${canonical} does not have, so the rule could never apply`,
    expression: [u.expression],
  }));
}

async function checkForm(ctx: Ctx, form: Questionnaire): Promise<Issue[]> {
  if (!form.url || form.status === 'retired') return [];
  const plans = (await ruleSetsReading(ctx, form.url, CHECKED_RULE_SETS)).filter((p) => readsThisVersion(p, form));
  return plans.flatMap((plan) =>
    unknownQuestions(plan, form).map((u): Issue => ({
      severity: 'error',
      code: 'business-rule',
      diagnostics: `The ${plan.status} triage rule set ${plan.url ?? `PlanDefinition/${plan.id}`} (rule "${u.rule}") reads the question "${u.linkId}", which this form does not have; change the rules in the same transaction, or keep the question`,
      expression: ['Questionnaire.item'],
    })),
  );
}

/** A rule set that names a version of the form reads only that version. */
function readsThisVersion(plan: PlanDefinition, form: Questionnaire): boolean {
  const { version } = splitCanonical(dependsOn(plan)!);
  return version === undefined || version === form.version;
}
