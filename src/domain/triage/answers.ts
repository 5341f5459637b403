/**
 * @module domain/triage/answers
 * Checks a QuestionnaireResponse against its Questionnaire before any rule reads it, so a missing or
 * malformed answer gives an OperationOutcome that names the question, and never a level computed from
 * half the facts: unknown questions, required questions left out (when asked: `enableWhen`), answers to
 * questions that were not asked, several answers where one is expected, the wrong kind of value,
 * numbers outside the form's `minValue`/`maxValue`, codes outside the options or the ValueSet, too long
 * texts, and attachments of the wrong media type. Pure.
 */
import type {
  Coding,
  Questionnaire,
  QuestionnaireItem,
  QuestionnaireItemEnableWhen,
  QuestionnaireResponse,
  QuestionnaireResponseItem,
  QuestionnaireResponseItemAnswer,
} from '@medplum/fhirtypes';
import type { Issue } from '../../fhir/error.js';

/** The codes of a ValueSet as `system|code`, or undefined when it is not known or not enumerable. */
export type ValueSetCodes = (url: string) => ReadonlySet<string> | undefined;

const VALUE_KEY: Partial<Record<QuestionnaireItem['type'], string[]>> = {
  boolean: ['valueBoolean'],
  decimal: ['valueDecimal'],
  integer: ['valueInteger'],
  date: ['valueDate'],
  dateTime: ['valueDateTime'],
  time: ['valueTime'],
  string: ['valueString'],
  text: ['valueString'],
  url: ['valueUri'],
  choice: ['valueCoding', 'valueString', 'valueInteger', 'valueDate', 'valueTime'],
  'open-choice': ['valueCoding', 'valueString', 'valueInteger', 'valueDate', 'valueTime'],
  attachment: ['valueAttachment'],
  reference: ['valueReference'],
  quantity: ['valueQuantity'],
};

const MIN_VALUE = 'http://hl7.org/fhir/StructureDefinition/minValue';
const MAX_VALUE = 'http://hl7.org/fhir/StructureDefinition/maxValue';
const MIME_TYPE = 'http://hl7.org/fhir/StructureDefinition/mimeType';

export function checkAnswers(questionnaire: Questionnaire, response: QuestionnaireResponse, valueSets: ValueSetCodes = () => undefined): Issue[] {
  const issues: Issue[] = [];
  const index = indexAnswers(response.item);
  const byLinkId = new Map<string, QuestionnaireItem>();
  const collect = (items: readonly QuestionnaireItem[] | undefined) => {
    for (const q of items ?? []) {
      byLinkId.set(q.linkId, q);
      collect(q.item);
    }
  };
  collect(questionnaire.item);

  const label = (q: QuestionnaireItem) => (q.text ? `"${q.text}" (${q.linkId})` : `"${q.linkId}"`);
  const issue = (code: Issue['code'], diagnostics: string, expression: string) => issues.push({ severity: 'error', code, diagnostics, expression: [expression] });

  const enabled = (q: QuestionnaireItem): boolean => {
    const conditions = q.enableWhen ?? [];
    if (conditions.length === 0) return true;
    const results = conditions.map((c) => conditionHolds(c, index.get(c.question) ?? []));
    return q.enableBehavior === 'any' ? results.some(Boolean) : results.every(Boolean);
  };

  const checkLevel = (questions: readonly QuestionnaireItem[] | undefined, answered: readonly QuestionnaireResponseItem[] | undefined, path: string, parentEnabled: boolean) => {
    const seen = new Map<string, number>();
    (answered ?? []).forEach((item, i) => {
      const itemPath = `${path}.item[${i}]`;
      const q = (questions ?? []).find((x) => x.linkId === item.linkId);
      if (!q) {
        const elsewhere = byLinkId.get(item.linkId);
        issue('invalid', elsewhere ? `The answer to ${label(elsewhere)} is in the wrong place in the response` : `The form ${questionnaire.url ?? ''} has no question "${item.linkId}"`, `${itemPath}.linkId`);
        return;
      }
      const first = seen.get(q.linkId);
      if (first !== undefined && !q.repeats) {
        issue('invalid', `${label(q)} is answered twice (item[${first}] and item[${i}]); give one item with the answer`, itemPath);
        return;
      }
      seen.set(q.linkId, i);
      const isEnabled = parentEnabled && enabled(q);
      const answers = item.answer ?? [];
      if (!isEnabled && (answers.length > 0 || (item.item ?? []).length > 0)) {
        issue('invalid', `${label(q)} is not asked with the other answers given (${describeEnableWhen(q, byLinkId)}); leave it out`, itemPath);
        return;
      }
      if (q.type === 'group') {
        if (answers.length) issue('invalid', `${label(q)} is a group and takes no answer`, `${itemPath}.answer`);
        checkLevel(q.item, item.item, itemPath, isEnabled);
        return;
      }
      if (q.type === 'display') {
        if (answers.length) issue('invalid', `${label(q)} is text to show and takes no answer`, `${itemPath}.answer`);
        return;
      }
      if (answers.length > 1 && !q.repeats) issue('invalid', `${label(q)} takes one answer; ${answers.length} were given`, `${itemPath}.answer`);
      answers.forEach((a, j) => checkAnswer(q, a, `${itemPath}.answer[${j}]`));
    });
    for (const q of questions ?? []) {
      if (!q.required || !parentEnabled || !enabled(q)) continue;
      const i = seen.get(q.linkId);
      const item = i === undefined ? undefined : answered?.[i];
      const empty = q.type === 'group' ? !(item?.item ?? []).length : !(item?.answer ?? []).length;
      if (empty) issue('required', `${label(q)} must be answered`, i === undefined ? path : `${path}.item[${i}]`);
    }
  };

  const checkAnswer = (q: QuestionnaireItem, a: QuestionnaireResponseItemAnswer, path: string) => {
    const keys = Object.keys(a).filter((k) => k.startsWith('value'));
    const allowed = VALUE_KEY[q.type] ?? [];
    const key = keys[0];
    if (!key) {
      issue('required', `The answer to ${label(q)} has no value`, path);
      return;
    }
    if (!allowed.includes(key)) {
      issue('value', `${label(q)} is answered with ${allowed.join(' or ')}, not ${key}`, `${path}.${key}`);
      return;
    }
    const value = (a as Record<string, unknown>)[key];
    const at = `${path}.${key}`;
    if (typeof value === 'number') {
      const min = boundOf(q, MIN_VALUE);
      const max = boundOf(q, MAX_VALUE);
      if (min !== undefined && value < min) issue('value', `The answer to ${label(q)} is ${value}, below the lowest allowed, ${min}`, at);
      if (max !== undefined && value > max) issue('value', `The answer to ${label(q)} is ${value}, above the highest allowed, ${max}`, at);
    }
    if (typeof value === 'string' && q.maxLength !== undefined && value.length > q.maxLength) {
      issue('too-long', `The answer to ${label(q)} has ${value.length} characters; at most ${q.maxLength} are allowed`, at);
    }
    if (key === 'valueCoding' && (q.type === 'choice' || q.type === 'open-choice')) {
      const coding = value as Coding;
      const options = (q.answerOption ?? []).map((o) => o.valueCoding).filter((c): c is Coding => !!c);
      const vs = q.answerValueSet ? valueSets(q.answerValueSet) : undefined;
      const known = options.length ? options.some((o) => o.system === coding.system && o.code === coding.code) : vs ? vs.has(`${coding.system}|${coding.code}`) : true;
      if (!known) {
        const choices = options.length ? options.map((o) => `${o.system}|${o.code}${o.display ? ` (${o.display})` : ''}`).join(', ') : `the codes of ${q.answerValueSet}`;
        issue('code-invalid', `${coding.system}|${coding.code} is not an answer to ${label(q)}; choose one of ${choices}`, at);
      }
    }
    if (key === 'valueAttachment') {
      const types = (q.extension ?? []).filter((e) => e.url === MIME_TYPE).map((e) => e.valueCode ?? '');
      const att = value as { contentType?: string; data?: string; url?: string };
      if (!att.data && !att.url) issue('required', `The attachment for ${label(q)} has neither data nor url`, at);
      if (types.length && !types.some((t) => mediaTypeMatches(t, att.contentType))) {
        issue('value', `The attachment for ${label(q)} must be ${types.join(' or ')}, not ${att.contentType ?? 'of unknown type (give contentType)'}`, `${at}.contentType`);
      }
    }
  };

  checkLevel(questionnaire.item, response.item, 'QuestionnaireResponse', true);
  return issues;
}

/** Every answer in the response by linkId (for enableWhen, which may look anywhere). */
function indexAnswers(items: readonly QuestionnaireResponseItem[] | undefined, into = new Map<string, QuestionnaireResponseItemAnswer[]>()): Map<string, QuestionnaireResponseItemAnswer[]> {
  for (const item of items ?? []) {
    if (!into.has(item.linkId)) into.set(item.linkId, item.answer ?? []);
    indexAnswers(item.item, into);
    for (const a of item.answer ?? []) indexAnswers(a.item, into);
  }
  return into;
}

function conditionHolds(c: QuestionnaireItemEnableWhen, answers: readonly QuestionnaireResponseItemAnswer[]): boolean {
  if (c.operator === 'exists') return (answers.length > 0) === (c.answerBoolean ?? true);
  const expected = answerValue(c as unknown as Record<string, unknown>, 'answer');
  return answers.some((a) => {
    const actual = answerValue(a as Record<string, unknown>, 'value');
    if (actual === undefined || expected === undefined) return false;
    const cmp = compare(actual, expected);
    switch (c.operator) {
      case '=':
        return cmp === 0;
      case '!=':
        return cmp !== 0;
      case '>':
        return cmp !== undefined && cmp > 0;
      case '<':
        return cmp !== undefined && cmp < 0;
      case '>=':
        return cmp !== undefined && cmp >= 0;
      case '<=':
        return cmp !== undefined && cmp <= 0;
      default:
        return false;
    }
  });
}

/** The value of an answer (or an enableWhen's answer[x]) in a comparable form. */
function answerValue(o: Record<string, unknown>, prefix: string): unknown {
  for (const [k, v] of Object.entries(o)) {
    if (!k.startsWith(prefix) || k === prefix) continue;
    if (k.endsWith('Coding')) return `${(v as Coding).system}|${(v as Coding).code}`;
    if (k.endsWith('Quantity')) return (v as { value?: number }).value;
    if (k.endsWith('Reference')) return (v as { reference?: string }).reference;
    return v;
  }
  return undefined;
}

function compare(a: unknown, b: unknown): number | undefined {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : 1;
  return undefined;
}

function boundOf(q: QuestionnaireItem, url: string): number | undefined {
  const e = (q.extension ?? []).find((x) => x.url === url);
  return e?.valueInteger ?? e?.valueDecimal;
}

function mediaTypeMatches(pattern: string, actual: string | undefined): boolean {
  if (!actual) return false;
  const type = actual.split(';')[0]!.trim().toLowerCase();
  const p = pattern.toLowerCase();
  return p.endsWith('/*') ? type.startsWith(p.slice(0, -1)) : type === p;
}

function describeEnableWhen(q: QuestionnaireItem, byLinkId: ReadonlyMap<string, QuestionnaireItem>): string {
  return (q.enableWhen ?? [])
    .map((c) => {
      const other = byLinkId.get(c.question);
      const value = answerValue(c as unknown as Record<string, unknown>, 'answer');
      return `only when ${other?.text ? `"${other.text}"` : c.question} ${c.operator} ${value === undefined ? '' : String(value)}`.trim();
    })
    .join(q.enableBehavior === 'any' ? ' or ' : ' and ');
}
