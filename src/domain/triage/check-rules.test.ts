import type { PlanDefinition } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { checkTriageRules } from './check-rules.js';
import { LEVEL_SYSTEM } from './codes.js';

const ruleSet = (expression: string, language: 'text/fhirpath' | 'text/cql' = 'text/fhirpath'): PlanDefinition => ({
  resourceType: 'PlanDefinition',
  status: 'active',
  type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/plan-definition-type', code: 'eca-rule' }] },
  relatedArtifact: [{ type: 'depends-on', resource: 'https://example.org/Questionnaire/form' }],
  action: [
    {
      id: 'only',
      textEquivalent: 'Ring 112.',
      priority: 'stat',
      code: [{ coding: [{ system: LEVEL_SYSTEM, code: 'emergency' }] }],
      condition: [{ kind: 'applicability', expression: { language, expression } }],
    },
  ],
});

describe('checkTriageRules', () => {
  it('accepts a complete rule set and ignores other resources', () => {
    expect(checkTriageRules(ruleSet("item.where(linkId='x').answer.value = true"))).toEqual([]);
    expect(checkTriageRules({ resourceType: 'Patient' })).toEqual([]);
  });

  it('points at the condition of the action that is not valid FHIRPath', () => {
    expect(checkTriageRules(ruleSet("item.where(linkId='x'"))).toEqual([
      expect.objectContaining({ severity: 'error', code: 'invalid', expression: ['PlanDefinition.action[0].condition[0].expression.expression'], diagnostics: expect.stringMatching(/^Rule "only": the FHIRPath condition/) }),
    ]);
  });

  it('wants FHIRPath, a type of eca-rule and the form it reads', () => {
    const plan = ruleSet('true', 'text/cql');
    delete plan.type;
    delete plan.relatedArtifact;
    expect(checkTriageRules(plan).map((i) => i.expression?.[0])).toEqual(['PlanDefinition.action[0].condition[0].expression.language', 'PlanDefinition.type', 'PlanDefinition.relatedArtifact']);
  });

  it('checks only that the FHIRPath parses in PlanDefinitions that are not triage rule sets', () => {
    const other: PlanDefinition = {
      resourceType: 'PlanDefinition',
      status: 'draft',
      action: [{ action: [{ condition: [{ kind: 'applicability', expression: { language: 'text/fhirpath', expression: 'Observation.value >' } }] }] }, { condition: [{ kind: 'start', expression: { language: 'text/fhirpath', expression: '%unknown.exists()' } }] }],
    };
    expect(checkTriageRules(other).map((i) => i.expression?.[0])).toEqual(['PlanDefinition.action[0].action[0].condition[0].expression.expression']);
  });
});
