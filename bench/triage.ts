/**
 * Triage latency for one response, in-process, without HTTP or the database: the answers checked
 * against the form and the shipped rule set (seed/40-triage.json) evaluated, over the scenario table
 * of test/support/triage-scenarios.ts. Target: median < 5 ms.
 *
 * `npx tsx bench/triage.ts [--iterations 20000]`, or `runTriageBench()` from bench/run.ts.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Bundle, PlanDefinition, Questionnaire, ValueSet } from '@medplum/fhirtypes';
import { checkAnswers } from '../src/domain/triage/answers.js';
import { evaluateRules } from '../src/domain/triage/rules.js';
import { responseFor, SCENARIOS, scenarioPatient } from '../test/support/triage-scenarios.js';
import { summarize } from './stats.js';

export const TRIAGE_TARGET = { text: 'p50<5ms', ok: (r: { p50Ms?: number }) => (r.p50Ms ?? Infinity) < 5 };

export interface TriageBenchRow {
  key: 'triage';
  label: string;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  target: string;
  pass: boolean;
  /** The rules alone (evaluateRules), without the answer check. */
  rulesOnly: { p50Ms: number; p99Ms: number };
}

export function runTriageBench({ iterations = 20_000, warmup = 2_000 } = {}): TriageBenchRow {
  const seed = JSON.parse(readFileSync(new URL('../seed/40-triage.json', import.meta.url), 'utf8')) as Bundle;
  const resources = (seed.entry ?? []).map((e) => e.resource!);
  const plan = resources.find((r): r is PlanDefinition => r.resourceType === 'PlanDefinition')!;
  const form = resources.find((r): r is Questionnaire => r.resourceType === 'Questionnaire')!;
  const vs = resources.find((r): r is ValueSet => r.resourceType === 'ValueSet' && r.url === 'https://lots.example/fhir/ValueSet/contact-reason')!;
  const codes = new Set((vs.compose?.include ?? []).flatMap((i) => (i.concept ?? []).map((c) => `${i.system}|${c.code}`)));
  const valueSets = (url: string) => (url === vs.url ? codes : undefined);
  const now = new Date();
  const cases = SCENARIOS.map((s, i) => ({ s, response: responseFor(s.answers, `Patient/p${i}`), patient: scenarioPatient(s, `p${i}`, now) }));

  let errors = 0;
  const one = (i: number, full: boolean): number => {
    const c = cases[i % cases.length]!;
    const t = performance.now();
    if (full && checkAnswers(form, c.response, valueSets).length) errors++;
    const decision = evaluateRules(plan, c.response, c.patient, now);
    const ms = performance.now() - t;
    if (decision.level !== c.s.level) errors++;
    return ms;
  };
  for (let i = 0; i < warmup; i++) one(i, true);
  const started = performance.now();
  const full: number[] = [];
  for (let i = 0; i < iterations; i++) full.push(one(i, true));
  const seconds = (performance.now() - started) / 1000;
  const rules: number[] = [];
  for (let i = 0; i < iterations; i++) rules.push(one(i, false));
  const f = summarize(full, seconds);
  const r = summarize(rules, seconds);
  const row: TriageBenchRow = {
    key: 'triage',
    label: `triage, in-process (${cases.length} scenarios, ${plan.action?.length ?? 0} rules)`,
    perSecond: f.perSecond,
    p50Ms: f.p50Ms,
    p99Ms: f.p99Ms,
    errors,
    target: TRIAGE_TARGET.text,
    pass: false,
    rulesOnly: { p50Ms: r.p50Ms, p99Ms: r.p99Ms },
  };
  row.pass = errors === 0 && TRIAGE_TARGET.ok(row);
  return row;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({ options: { iterations: { type: 'string', default: '20000' } } });
  const row = runTriageBench({ iterations: Number(values.iterations) });
  process.stdout.write(
    `${row.label}: median ${row.p50Ms.toFixed(3)} ms, p99 ${row.p99Ms.toFixed(3)} ms, ${Math.round(row.perSecond)}/s; ` +
      `rules only: median ${row.rulesOnly.p50Ms.toFixed(3)} ms, p99 ${row.rulesOnly.p99Ms.toFixed(3)} ms; ` +
      `${row.errors} wrong levels; target ${row.target}: ${row.pass ? 'PASS' : 'FAIL'}\n`,
  );
}
