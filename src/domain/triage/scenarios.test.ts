import { readFileSync } from 'node:fs';
import type { Bundle, PlanDefinition, Questionnaire, ValueSet } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { checkAnswers } from './answers.js';
import { checkTriageRules } from './check-rules.js';
import { evaluateRules } from './rules.js';
import { responseFor, SCENARIOS, scenarioPatient } from '../../../test/support/triage-scenarios.js';

/** The shipped rule set (seed/40-triage.json) against the scenario table, without a database. */
const seed = JSON.parse(readFileSync(new URL('../../../seed/40-triage.json', import.meta.url), 'utf8')) as Bundle;
const resources = (seed.entry ?? []).map((e) => e.resource!);
const plan = resources.find((r): r is PlanDefinition => r.resourceType === 'PlanDefinition')!;
const form = resources.find((r): r is Questionnaire => r.resourceType === 'Questionnaire')!;
const reasons = resources.find((r): r is ValueSet => r.resourceType === 'ValueSet' && r.id === 'contact-reason')!;
const reasonCodes = new Set((reasons.compose?.include ?? []).flatMap((i) => (i.concept ?? []).map((c) => `${i.system}|${c.code}`)));
const valueSets = (url: string) => (url === reasons.url ? reasonCodes : undefined);
const now = new Date();

describe('the shipped triage rules', () => {
  it('are a valid rule set', () => {
    expect(checkTriageRules(plan)).toEqual([]);
  });

  it('cover at least 40 scenarios and every level', () => {
    expect(SCENARIOS.length).toBeGreaterThanOrEqual(40);
    expect(new Set(SCENARIOS.map((s) => s.level))).toEqual(new Set(['emergency', 'chat', 'book', 'self-care']));
  });

  it.each(SCENARIOS.map((s, i) => [i + 1, s.name, s] as const))('%i. %s', (_n, _name, scenario) => {
    const response = responseFor(scenario.answers, 'Patient/p');
    expect(checkAnswers(form, response, valueSets)).toEqual([]);
    const decision = evaluateRules(plan, response, scenarioPatient(scenario, 'p', now), now);
    expect({ level: decision.level, rule: decision.rule?.id }).toEqual({ level: scenario.level, rule: scenario.rule });
  });
});
