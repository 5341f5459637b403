/**
 * @module domain/advice/assess
 * The nurse's assessment of a contact, pure: the answers (the nurse's, over those carried from a
 * 1177 direkt response), the final level against the rules' suggestion, and the record kept of it.
 *
 * The record is a `RiskAssessment` (chosen over ClinicalImpression: its `prediction` holds an outcome
 * with a `rationale`, which is exactly the final level and the nurse's reason, and `method` names how
 * it was reached): `prediction[0].outcome` the final level, `rationale` the reason for overruling,
 * `method` the deciding rule (RULE_SYSTEM, code the rule's id), the extension SUGGESTED_LEVEL_URL the
 * level the rules suggested, `basis` the answers and the GuidanceResponse that explains the rule.
 */
import type { Coding, QuestionnaireResponse, QuestionnaireResponseItem, Reference, RiskAssessment } from '@medplum/fhirtypes';
import { FhirError } from '../../fhir/error.js';
import { LEVEL_SYSTEM, levelCoding, type Level } from '../triage/codes.js';
import type { TriageDecision } from '../triage/rules.js';
import { NO_RULE, RULE_SYSTEM, SUGGESTED_LEVEL_URL } from './codes.js';

/**
 * The answers to assess: those carried over from the citizen's 1177 direkt response, each replaced by
 * the nurse's answer to the same question (top-level items, by linkId, kept in place), then the
 * nurse's answers to questions the citizen did not answer.
 */
export function mergeAnswers(carried: QuestionnaireResponse | undefined, nurse: QuestionnaireResponse | undefined): QuestionnaireResponseItem[] {
  const mine = new Map((nurse?.item ?? []).map((i) => [i.linkId, i]));
  const merged = (carried?.item ?? []).map((i) => mine.get(i.linkId) ?? i);
  const carriedIds = new Set((carried?.item ?? []).map((i) => i.linkId));
  return [...merged, ...(nurse?.item ?? []).filter((i) => !carriedIds.has(i.linkId))];
}

export interface Judgement {
  suggested: Level;
  /** The nurse's level; the suggestion when not given. */
  final?: Level;
  reason?: string;
}

/** The final level; 422 when the nurse overrules the rules without saying why. */
export function finalLevel(j: Judgement): { level: Level; overruled: boolean } {
  const level = j.final ?? j.suggested;
  const overruled = level !== j.suggested;
  if (overruled && !j.reason?.trim()) {
    throw new FhirError(422, {
      code: 'required',
      diagnostics: `The rules suggest "${j.suggested}"; to set "${level}" instead, give the reason (the parameter reason): how often and why nurses overrule a rule is what improves the rules`,
      expression: ['reason'],
    });
  }
  return { level, overruled };
}

export interface AssessmentRecord {
  patient: string;
  encounter: string;
  performer?: Reference;
  decision: TriageDecision;
  ruleSetVersion?: string;
  level: Level;
  reason?: string;
  basis: Reference[];
  at: Date;
}

export function assessmentRecord(a: AssessmentRecord): RiskAssessment {
  const rule = a.decision.rule;
  const method: Coding = { system: RULE_SYSTEM, code: rule?.id ?? NO_RULE, ...(rule?.title ? { display: rule.title } : {}), ...(a.ruleSetVersion ? { version: a.ruleSetVersion } : {}) };
  const prediction: NonNullable<RiskAssessment['prediction']>[number] = { outcome: { coding: [levelCoding(a.level)] } };
  if (a.reason?.trim()) prediction.rationale = a.reason.trim();
  const record: RiskAssessment = {
    resourceType: 'RiskAssessment',
    extension: [{ url: SUGGESTED_LEVEL_URL, valueCoding: levelCoding(a.decision.level) }],
    status: 'final',
    method: { coding: [method] },
    subject: { reference: a.patient },
    encounter: { reference: a.encounter },
    occurrenceDateTime: a.at.toISOString(),
    basis: a.basis,
    prediction: [prediction],
  };
  if (a.performer) record.performer = a.performer as RiskAssessment['performer'];
  return record;
}

/** What an assessment record says: the deciding rule, the suggested and the final level, when. */
export interface AssessmentFacts {
  rule: string;
  suggested?: string;
  final?: string;
  at?: string;
}

export function factsOf(r: RiskAssessment): AssessmentFacts {
  const rule = r.method?.coding?.find((c) => c.system === RULE_SYSTEM)?.code ?? NO_RULE;
  const suggested = r.extension?.find((e) => e.url === SUGGESTED_LEVEL_URL)?.valueCoding?.code;
  const final = r.prediction?.[0]?.outcome?.coding?.find((c) => c.system === LEVEL_SYSTEM)?.code;
  const facts: AssessmentFacts = { rule };
  if (suggested) facts.suggested = suggested;
  if (final) facts.final = final;
  if (r.occurrenceDateTime) facts.at = r.occurrenceDateTime;
  return facts;
}
