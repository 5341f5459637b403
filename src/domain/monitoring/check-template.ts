/**
 * @module domain/monitoring/check-template
 * The write-time check of monitoring templates (a PlanDefinition whose topic is `monitoring`) and of the
 * patient's regimes (a ServiceRequest carrying limits), wired into the validator in src/app.ts like the
 * triage rules: a red range inside the yellow one, limits in a unit that is not UCUM or that differ in
 * unit, advice for an unknown colour, or a change rule that does not parse is refused with 422, the
 * issue pointing at the element. Pure.
 */
import type { Coding, PlanDefinition, Range, Resource } from '@medplum/fhirtypes';
import type { Issue } from '../../fhir/error.js';
import { compileFhirPath } from '../../fhir/fhirpath.js';
import { canonicalQuantity } from '../../fhir/search/values/ucum.js';
import { EXT, TEMPLATE_TOPIC, isColour } from './codes.js';
import { readRegime, type ChangeRule, type Limits } from './ranges.js';

export function isTemplate(plan: PlanDefinition): boolean {
  return (plan.topic ?? []).some((t) => (t.coding ?? []).some((c) => c.system === TEMPLATE_TOPIC.system && c.code === TEMPLATE_TOPIC.code));
}

export function checkMonitoring(resource: Resource): Issue[] {
  if (resource.resourceType === 'PlanDefinition' && isTemplate(resource)) return checkTemplate(resource);
  if (resource.resourceType === 'ServiceRequest' && resource.extension?.some((e) => e.url === EXT.range)) {
    return checkRegime(resource.extension, 'ServiceRequest', resource.code?.coding?.[0]);
  }
  return [];
}

function checkTemplate(plan: PlanDefinition): Issue[] {
  const issues: Issue[] = [];
  if (!plan.url) issues.push(error('required', 'A monitoring template needs a canonical url: enrolment names the template by it', 'PlanDefinition.url'));
  const actions = plan.action ?? [];
  if (actions.length === 0) issues.push(error('required', 'A monitoring template has one action per measurement', 'PlanDefinition.action'));
  const ids = new Set<string>();
  actions.forEach((action, i) => {
    const at = `PlanDefinition.action[${i}]`;
    const code = action.code?.[0]?.coding?.[0];
    if (!code?.code) issues.push(error('required', 'Each measurement names its LOINC code in action.code', `${at}.code`));
    if (!action.id) issues.push(error('required', 'Each measurement has an id (the regime refers to it)', `${at}.id`));
    else if (ids.has(action.id)) issues.push(error('invalid', `The id "${action.id}" is used by another action`, `${at}.id`));
    else ids.add(action.id);
    if (!action.timingTiming) issues.push(error('required', 'Each measurement says how often it is taken, as a Timing', `${at}.timing[x]`));
    issues.push(...checkRegime(action.extension, at, code));
  });
  return issues;
}

/** The limits, advice and change rules among `extensions` (at `path`). */
export function checkRegime(extensions: PlanDefinition['extension'], path: string, code: Coding | undefined): Issue[] {
  const issues: Issue[] = [];
  const regime = readRegime(extensions, path);
  for (const l of regime.limits) issues.push(...checkLimits(l, code));
  (extensions ?? []).forEach((e, i) => {
    if (e.url !== EXT.advice) return;
    const colour = e.extension?.find((x) => x.url === 'colour')?.valueCode;
    const text = e.extension?.find((x) => x.url === 'text')?.valueString;
    if (!isColour(colour)) issues.push(error('value', `Advice is for a colour: green, yellow or red (not "${colour ?? ''}")`, `${path}.extension[${i}].extension`));
    if (!text?.trim()) issues.push(error('required', 'Advice has the text the citizen sees', `${path}.extension[${i}].extension`));
  });
  for (const r of regime.rules) issues.push(...checkRule(r));
  return issues;
}

function checkLimits(l: Limits, code: Coding | undefined): Issue[] {
  const issues: Issue[] = [];
  if (!l.code.code) issues.push(error('required', 'Limits name the quantity they apply to (the code or a component code)', `${l.path}.extension`));
  if (!l.yellow && !l.red) issues.push(error('required', `Limits for ${l.code.code ?? code?.code ?? 'the value'} give a yellow or a red range`, `${l.path}.extension`));
  const units = new Set<string>();
  for (const [name, range] of [['yellow', l.yellow], ['red', l.red]] as const) {
    for (const side of ['low', 'high'] as const) {
      const q = range?.[side];
      if (!q) continue;
      const where = `${l.path}.extension('${name}').value.${side}`;
      if (q.value === undefined) issues.push(error('required', `The ${name} ${side} limit has no value`, where));
      if (!q.code || !canonicalQuantity('1', q.code)) issues.push(error('code-invalid', `The ${name} ${side} limit needs a UCUM unit code (not "${q.code ?? ''}")`, where));
      else units.add(q.code);
    }
    if (range?.low?.value !== undefined && range.high?.value !== undefined && range.low.value > range.high.value) {
      issues.push(error('value', `The ${name} range is empty: low ${range.low.value} is above high ${range.high.value}`, `${l.path}.extension('${name}')`));
    }
  }
  if (units.size > 1) issues.push(error('value', `All limits of one quantity use one unit (found ${[...units].join(', ')})`, `${l.path}.extension`));
  if (l.yellow && l.red && !contains(l.red, l.yellow)) {
    issues.push(
      error('value', `The red range of ${l.code.code ?? 'the value'} lies inside the yellow one: a value turns yellow before red, so the red limits must lie outside the yellow limits`, `${l.path}.extension('red')`),
    );
  }
  return issues;
}

/** Whether `outer` contains `inner` (an open side contains anything). */
function contains(outer: Range, inner: Range): boolean {
  const lo = outer.low?.value;
  const hi = outer.high?.value;
  const ilo = inner.low?.value;
  const ihi = inner.high?.value;
  const lowOk = lo === undefined || (ilo !== undefined && ilo >= lo);
  const highOk = hi === undefined || (ihi !== undefined && ihi <= hi);
  return lowOk && highOk;
}

function checkRule(r: ChangeRule): Issue[] {
  const issues: Issue[] = [];
  if (!r.expression) issues.push(error('required', `Change rule "${r.id}" has a FHIRPath expression`, `${r.path}.extension('expression')`));
  else {
    try {
      compileFhirPath(r.expression);
    } catch (err) {
      issues.push(error('invalid', `Change rule "${r.id}": the FHIRPath "${r.expression}" is not valid: ${err instanceof Error ? err.message : String(err)}`, `${r.path}.extension('expression')`));
    }
  }
  if (!Number.isInteger(r.days) || r.days < 1 || r.days > 365) issues.push(error('value', `Change rule "${r.id}" looks back 1 to 365 days (days)`, `${r.path}.extension('days')`));
  return issues;
}

const error = (code: Issue['code'], diagnostics: string, expression: string): Issue => ({ severity: 'error', code, diagnostics, expression: [expression] });
