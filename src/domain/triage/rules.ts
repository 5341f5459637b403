/**
 * @module domain/triage/rules
 * The triage rule engine, pure: a rule set is a PlanDefinition (type eca-rule) whose actions each carry
 * an applicability condition in FHIRPath over the QuestionnaireResponse, a priority, a level of care in
 * `action.code` and the text the citizen is shown (`textEquivalent`). docs/triage.md is the clinicians'
 * guide.
 *
 * Decision order: the rules are tried by priority (stat, asap, urgent, routine; none = routine) and,
 * within one priority, in the order they are written. The first whose condition is true decides. When
 * none is true the answer is `chat` (a nurse assesses), never a guess.
 *
 * Conditions see the response as their context (and as `%resource`, `%rootResource`, `%context`) and
 * `%patient` (the Patient), `%age` (whole years on
 * today's date in Sweden) and `%ageInMonths` (whole months, for infants). An empty result counts as
 * false; anything other than empty or one boolean is an error in the rule, reported and never guessed
 * around. Expressions are compiled once and cached (src/fhir/fhirpath.ts).
 */
import type {
  Coding,
  Patient,
  PlanDefinition,
  PlanDefinitionAction,
  QuestionnaireResponse,
  QuestionnaireResponseItem,
  QuestionnaireResponseItemAnswer,
} from '@medplum/fhirtypes';
import { swedishDate } from '../../auth/age.js';
import { FhirError, type Issue } from '../../fhir/error.js';
import { compileFhirPath } from '../../fhir/fhirpath.js';
import { PERSONNUMMER_SYSTEM, SAMORDNINGSNUMMER_SYSTEM } from '../../fhir/identifiers/personnummer.js';
import { isLevel, LEVEL_SYSTEM, LEVELS, PRIORITY_ORDER, type Level, type Priority } from './codes.js';

/** One action of a rule set, checked and ready to evaluate. */
export interface Rule {
  /** Position in PlanDefinition.action. */
  index: number;
  id: string;
  title?: string;
  priority: Priority;
  level: Level;
  expression: string;
  /** The questions the expression reads (its `linkId='...'` literals). */
  linkIds: readonly string[];
  /** For `book`: within how many days. */
  withinDays?: number;
  /** What the citizen is told (advice for self-care, the instruction for the other levels). */
  text: string;
  action: PlanDefinitionAction;
}

export interface RuleHit extends Rule {
  /** The answers the rule read, by linkId (empty when the question was not answered). */
  answers: { linkId: string; answer: QuestionnaireResponseItemAnswer[] }[];
}

export interface PatientAge {
  years: number;
  months: number;
  birthDate: string;
}

export interface TriageDecision {
  level: Level;
  /** The rule that decided (the first whose condition held); undefined when none did (the level is then `chat`). */
  rule?: RuleHit;
  /** How many rules were evaluated before the decision (the rules after the deciding one are not). */
  evaluated: number;
  /** How many rules the rule set has. */
  total: number;
  age: PatientAge;
}

const rank = (p: Priority): number => PRIORITY_ORDER.indexOf(p);
const READS_PATIENT = /%(patient\b|`patient`)/;

/** Where an action sits in the PlanDefinition, as FHIRPath (for OperationOutcome.issue.expression). */
export const actionPath = (index: number, rest = ''): string => `PlanDefinition.action[${index}]${rest}`;

const LINK_ID = /linkId\s*(?:=|~)\s*'((?:[^'\\]|\\.)*)'/g;
const linkIdCache = new Map<string, readonly string[]>();

/** The linkIds an expression compares against, e.g. `item.where(linkId='pain')` reads `pain`. */
export function linkIdsOf(expression: string): readonly string[] {
  let ids = linkIdCache.get(expression);
  if (!ids) {
    ids = [...new Set([...expression.matchAll(LINK_ID)].map((m) => m[1]!))];
    if (linkIdCache.size > 5000) linkIdCache.clear();
    linkIdCache.set(expression, ids);
  }
  return ids;
}

/** The level codes of an action (`action.code` codings in the triage-level system). */
function levelCodings(action: PlanDefinitionAction): Coding[] {
  return (action.code ?? []).flatMap((c) => c.coding ?? []).filter((c) => c.system === LEVEL_SYSTEM);
}

/** True when the PlanDefinition is a triage rule set (some action names a triage level). */
export function isTriageRuleSet(plan: PlanDefinition): boolean {
  return (plan.action ?? []).some((a) => levelCodings(a).length > 0);
}

/**
 * Reads one action as a rule, or says what is wrong with it (pointing at the element). The FHIRPath
 * is compiled here, so a rule that does not parse is caught; with `trial`, it is also run once on an
 * empty response, which catches unknown functions and variables and results that are not booleans.
 */
export function parseRule(action: PlanDefinitionAction, index: number, { trial = false } = {}): { rule?: Rule; issues: Issue[] } {
  const issues: Issue[] = [];
  const name = action.id ? `Rule "${action.id}"` : `Rule ${index + 1}`;
  const problem = (diagnostics: string, rest = '', code: Issue['code'] = 'invalid') =>
    issues.push({ severity: 'error', code, diagnostics: `${name}: ${diagnostics}`, expression: [actionPath(index, rest)] });

  if (!action.id) problem('every rule needs an id (PlanDefinition.action.id), so a triage can say which rule decided', '', 'required');
  if (action.action?.length) problem('nested actions are not supported in a triage rule set; write each rule as a top-level action', '.action');

  const codings = levelCodings(action);
  const code = codings[0]?.code;
  if (codings.length !== 1) problem(`give exactly one level in action.code (system ${LEVEL_SYSTEM}); found ${codings.length}`, '.code', 'required');
  else if (!isLevel(code)) problem(`the level "${code}" is not one of ${LEVELS.join(', ')}`, '.code', 'code-invalid');

  const conditions = action.condition ?? [];
  const applicability = conditions.filter((c) => c.kind === 'applicability');
  let expression: string | undefined;
  if (applicability.length !== 1) {
    problem(`give exactly one applicability condition; found ${applicability.length}`, '.condition', 'required');
  } else {
    const j = conditions.indexOf(applicability[0]!);
    const e = applicability[0]!.expression;
    if (e?.language !== 'text/fhirpath') problem(`the condition must be FHIRPath (expression.language "text/fhirpath"), not "${e?.language ?? ''}"`, `.condition[${j}].expression.language`, 'value');
    else if (!e.expression?.trim()) problem('the condition has no expression', `.condition[${j}].expression.expression`, 'required');
    else {
      const error = trial ? trialError(e.expression) : compileError(e.expression);
      if (error) problem(`the FHIRPath condition "${e.expression}" is not valid: ${error}`, `.condition[${j}].expression.expression`);
      else expression = e.expression;
    }
  }

  const text = action.textEquivalent?.trim();
  if (!text) problem('give the text the citizen is shown (action.textEquivalent): the advice for self-care, the instruction otherwise', '.textEquivalent', 'required');

  let withinDays: number | undefined;
  if (code === 'book') {
    const d = action.timingDuration;
    if (!d || d.value === undefined || !(d.value > 0) || !Number.isInteger(d.value) || d.code !== 'd' || d.system !== 'http://unitsofmeasure.org') {
      problem('a book rule gives within how many days as timingDuration in whole days, e.g. {"value": 3, "unit": "dagar", "system": "http://unitsofmeasure.org", "code": "d"}', '.timingDuration', 'required');
    } else withinDays = d.value;
  }

  const priority = (action.priority ?? 'routine') as Priority;
  if (issues.length || !expression || !isLevel(code) || !text || !action.id) return { issues };
  const rule: Rule = { index, id: action.id, priority, level: code, expression, linkIds: linkIdsOf(expression), text, action };
  if (action.title) rule.title = action.title;
  if (withinDays !== undefined) rule.withinDays = withinDays;
  return { rule, issues };
}

/**
 * FHIRPath's standard environment variables (https://hl7.org/fhir/R4/fhirpath.html#variables) that
 * the engine does not set by itself: the response is the resource and the root resource (`%context`,
 * the input, it sets).
 */
function environment(response: QuestionnaireResponse): { resource: QuestionnaireResponse; rootResource: QuestionnaireResponse } {
  return { resource: response, rootResource: response };
}

/** A sample evaluation context, to catch unknown functions and variables when a rule is written. */
const SAMPLE_RESPONSE: QuestionnaireResponse = { resourceType: 'QuestionnaireResponse', status: 'completed' };
const SAMPLE_VARS = { patient: { resourceType: 'Patient', gender: 'female', birthDate: '1990-01-01' }, age: 30, ageInMonths: 360 };

function compileError(expression: string): string | undefined {
  try {
    compileFhirPath(expression);
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message || err.name : String(err);
  }
}

/** Undefined when the expression compiles and runs on an empty response; else the engine's message. */
function trialError(expression: string): string | undefined {
  try {
    const result = compileFhirPath(expression)(SAMPLE_RESPONSE, { ...SAMPLE_VARS, ...environment(SAMPLE_RESPONSE) });
    if (!isBooleanResult(result)) return `it must give true or false (or nothing), but gave ${JSON.stringify(result)}`;
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message || err.name : String(err);
  }
}

const isBooleanResult = (r: unknown[]): boolean => r.length === 0 || (r.length === 1 && typeof r[0] === 'boolean');

const parsedByObject = new WeakMap<PlanDefinition, readonly Rule[]>();
const parsedByVersion = new Map<string, readonly Rule[]>();

/**
 * The rules of a rule set in decision order; throws when one is not valid (a 500: the rule set is at
 * fault). Parsed once per stored version (id, versionId, lastUpdated), so an edit takes effect at the
 * next triage.
 */
export function rulesOf(plan: PlanDefinition): readonly Rule[] {
  const cached = parsedByObject.get(plan);
  if (cached) return cached;
  const key = plan.id && plan.meta?.versionId && plan.meta.lastUpdated ? `${plan.id}|${plan.meta.versionId}|${plan.meta.lastUpdated}` : undefined;
  let rules = key ? parsedByVersion.get(key) : undefined;
  if (!rules) {
    rules = parseRules(plan);
    if (key) {
      if (parsedByVersion.size >= 100) parsedByVersion.delete(parsedByVersion.keys().next().value!);
      parsedByVersion.set(key, rules);
    }
  }
  parsedByObject.set(plan, rules);
  return rules;
}

function parseRules(plan: PlanDefinition): Rule[] {
  const rules: Rule[] = [];
  const issues: Issue[] = [];
  (plan.action ?? []).forEach((action, i) => {
    const r = parseRule(action, i);
    issues.push(...r.issues);
    if (r.rule) rules.push(r.rule);
  });
  if (issues.length) throw ruleSetError(plan, issues);
  return rules.sort((a, b) => rank(a.priority) - rank(b.priority) || a.index - b.index);
}

function ruleSetError(plan: PlanDefinition, issues: Issue[]): FhirError {
  const where = `the rule set ${plan.url ?? `PlanDefinition/${plan.id}`}${plan.version ? `|${plan.version}` : ''}`;
  return new FhirError(
    500,
    issues.map((i) => ({ ...i, code: 'processing' as const, diagnostics: `No level was given because ${where} has an error. ${i.diagnostics}` })),
  );
}

/** Evaluates the rule set for one response, in decision order up to the first rule that holds: the level and that rule. */
export function evaluateRules(plan: PlanDefinition, response: QuestionnaireResponse, patient: Patient, now: Date = new Date()): TriageDecision {
  const rules = rulesOf(plan);
  const age = ageOf(patient, now);
  if (!age) {
    throw new FhirError(422, {
      code: 'business-rule',
      diagnostics: `Patient/${patient.id} has no birth date (nor a personnummer to read it from), so the triage rules, which depend on age, cannot be applied`,
      expression: ['Patient.birthDate'],
    });
  }
  // The engine prepares every variable on every call: the Patient only goes to rules that read it.
  const plain = { age: age.years, ageInMonths: age.months, ...environment(response) };
  const withPatient = { ...plain, patient };
  let evaluated = 0;
  for (const rule of rules) {
    evaluated++;
    let result: unknown[];
    try {
      result = compileFhirPath(rule.expression)(response, READS_PATIENT.test(rule.expression) ? withPatient : plain);
    } catch (err) {
      throw ruleSetError(plan, [evaluationIssue(rule, `could not be evaluated: ${err instanceof Error ? err.message : String(err)}`)]);
    }
    if (!isBooleanResult(result)) throw ruleSetError(plan, [evaluationIssue(rule, `gave ${JSON.stringify(result)}, not true or false`)]);
    if (result[0] === true) {
      const hit: RuleHit = { ...rule, answers: rule.linkIds.map((linkId) => ({ linkId, answer: answersOf(response, linkId) })) };
      return { level: rule.level, rule: hit, evaluated, total: rules.length, age };
    }
  }
  return { level: 'chat', evaluated, total: rules.length, age };
}

function evaluationIssue(rule: Rule, what: string): Issue {
  const j = (rule.action.condition ?? []).findIndex((c) => c.kind === 'applicability');
  return { severity: 'error', code: 'processing', diagnostics: `Rule "${rule.id}": the condition "${rule.expression}" ${what}`, expression: [actionPath(rule.index, `.condition[${j}].expression.expression`)] };
}

/** The answers given to `linkId`, wherever the item sits in the response. */
export function answersOf(response: QuestionnaireResponse, linkId: string): QuestionnaireResponseItemAnswer[] {
  const walk = (items: readonly QuestionnaireResponseItem[] | undefined): QuestionnaireResponseItemAnswer[] | undefined => {
    for (const item of items ?? []) {
      if (item.linkId === linkId) return item.answer ?? [];
      const inner = walk(item.item) ?? walk(item.answer?.flatMap((a) => a.item ?? []));
      if (inner) return inner;
    }
    return undefined;
  };
  return walk(response.item) ?? [];
}

/** The birth date of a patient: Patient.birthDate, or read from the personnummer / samordningsnummer. */
export function birthDateOf(patient: Patient): string | undefined {
  if (patient.birthDate && /^\d{4}-\d{2}-\d{2}/.test(patient.birthDate)) return patient.birthDate.slice(0, 10);
  for (const id of patient.identifier ?? []) {
    if ((id.system !== PERSONNUMMER_SYSTEM && id.system !== SAMORDNINGSNUMMER_SYSTEM) || !/^\d{12}$/.test(id.value ?? '')) continue;
    const v = id.value!;
    const day = Number(v.slice(6, 8)) - (id.system === SAMORDNINGSNUMMER_SYSTEM ? 60 : 0);
    return `${v.slice(0, 4)}-${v.slice(4, 6)}-${String(day).padStart(2, '0')}`;
  }
  return undefined;
}

/**
 * Age in whole years and whole months on the Swedish calendar date at `now` (as auth/age.ts: a
 * birthday counts from its first moment in Sweden; 29 February has its birthday on 1 March in other
 * years).
 */
export function ageOf(patient: Patient, now: Date): PatientAge | undefined {
  const birthDate = birthDateOf(patient);
  if (!birthDate) return undefined;
  const [y, m, d] = birthDate.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = swedishDate(now).split('-').map(Number) as [number, number, number];
  // A month is complete on the day of the month one was born (or the first day after it, when the
  // month is shorter): the same rule that makes 29 February's birthday 1 March.
  const months = (ty - y) * 12 + (tm - m) - (td < d ? 1 : 0);
  return { years: Math.floor(months / 12), months, birthDate };
}
