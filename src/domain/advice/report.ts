/**
 * @module domain/advice/report
 * How often nurses overrule which triage rule, per month (Europe/Stockholm) (`Encounter/$advice-report`):
 * what the clinicians who keep the rules need. Pure.
 */
import { stockholmDate } from '../calendar/working-days.js';
import type { AssessmentFacts } from './assess.js';

export interface OverruleRow {
  month: string;
  rule: string;
  assessed: number;
  overruled: number;
  /** How many were overruled to each final level. */
  to: Record<string, number>;
}

/** Rows by month, then rule; only assessments with a time, a suggestion and a final level count. */
export function overrules(facts: readonly AssessmentFacts[]): OverruleRow[] {
  const rows = new Map<string, OverruleRow>();
  for (const f of facts) {
    if (!f.at || !f.suggested || !f.final) continue;
    const month = stockholmDate(new Date(f.at)).slice(0, 7);
    const key = `${month} ${f.rule}`;
    const row = rows.get(key) ?? { month, rule: f.rule, assessed: 0, overruled: 0, to: {} };
    rows.set(key, row);
    row.assessed++;
    if (f.final !== f.suggested) {
      row.overruled++;
      row.to[f.final] = (row.to[f.final] ?? 0) + 1;
    }
  }
  return [...rows.values()].sort((a, b) => a.month.localeCompare(b.month) || b.overruled - a.overruled || a.rule.localeCompare(b.rule));
}
