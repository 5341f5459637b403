/**
 * @module domain/triage/check-rules
 * The write-time check of rule sets (wired into the validator in src/app.ts): a PlanDefinition with an
 * invalid FHIRPath condition is refused with 422, the issue pointing at the action. A triage rule set
 * (one whose actions name a triage level) must also be complete: an id, one level, one FHIRPath
 * applicability condition and the citizen's text on every action, the days on `book` actions, and the
 * Questionnaire it reads in relatedArtifact. Pure.
 */
import type { PlanDefinition, Resource } from '@medplum/fhirtypes';
import type { Issue } from '../../fhir/error.js';
import { compileFhirPath } from '../../fhir/fhirpath.js';
import { PLAN_DEFINITION_TYPE } from './codes.js';
import { actionPath, isTriageRuleSet, parseRule } from './rules.js';

export function checkTriageRules(resource: Resource): Issue[] {
  if (resource.resourceType !== 'PlanDefinition') return [];
  const plan = resource;
  return isTriageRuleSet(plan) ? checkRuleSet(plan) : checkFhirPathConditions(plan);
}

function checkRuleSet(plan: PlanDefinition): Issue[] {
  const issues: Issue[] = [];
  const ids = new Map<string, number>();
  (plan.action ?? []).forEach((action, i) => {
    issues.push(...parseRule(action, i, { trial: true }).issues);
    if (!action.id) return;
    const first = ids.get(action.id);
    if (first !== undefined) {
      issues.push({ severity: 'error', code: 'invalid', diagnostics: `Rule "${action.id}": the id is already used by action[${first}]; each rule needs its own`, expression: [actionPath(i, '.id')] });
    } else ids.set(action.id, i);
  });
  if (!(plan.type?.coding ?? []).some((c) => c.system === PLAN_DEFINITION_TYPE.system && c.code === PLAN_DEFINITION_TYPE.code)) {
    issues.push({ severity: 'error', code: 'value', diagnostics: `A triage rule set has type ${PLAN_DEFINITION_TYPE.system}|${PLAN_DEFINITION_TYPE.code}`, expression: ['PlanDefinition.type'] });
  }
  const dependsOn = (plan.relatedArtifact ?? []).filter((a) => a.type === 'depends-on' && a.resource);
  if (dependsOn.length !== 1) {
    issues.push({
      severity: 'error',
      code: 'required',
      diagnostics: `A triage rule set names the one Questionnaire whose answers it reads: relatedArtifact with type "depends-on" and resource = the Questionnaire's canonical URL (found ${dependsOn.length})`,
      expression: ['PlanDefinition.relatedArtifact'],
    });
  }
  return issues;
}

/** Any other PlanDefinition: its FHIRPath conditions must at least parse. */
function checkFhirPathConditions(plan: PlanDefinition): Issue[] {
  const issues: Issue[] = [];
  const visit = (actions: PlanDefinition['action'], path: string) =>
    (actions ?? []).forEach((action, i) => {
      (action.condition ?? []).forEach((c, j) => {
        const e = c.expression;
        if (e?.language !== 'text/fhirpath' || !e.expression) return;
        try {
          compileFhirPath(e.expression);
        } catch (err) {
          issues.push({
            severity: 'error',
            code: 'invalid',
            diagnostics: `The FHIRPath condition "${e.expression}" is not valid: ${err instanceof Error ? err.message : String(err)}`,
            expression: [`${path}[${i}].condition[${j}].expression.expression`],
          });
        }
      });
      visit(action.action, `${path}[${i}].action`);
    });
  visit(plan.action, 'PlanDefinition.action');
  return issues;
}
