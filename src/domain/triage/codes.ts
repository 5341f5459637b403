/**
 * @module domain/triage/codes
 * The canonical URLs and codes of 1177 direkt (symptom form, triage rules, chat). The resources they
 * name are data in seed/40-triage.json; docs/triage.md describes them for clinicians.
 */
import type { Coding } from '@medplum/fhirtypes';

const BASE = 'https://lots.example/fhir';

/** The levels of care a triage ends in (Lots' own CodeSystem; DOMAIN.md section 7). */
export const LEVEL_SYSTEM = `${BASE}/CodeSystem/triage-level`;
export const LEVELS = ['emergency', 'chat', 'book', 'self-care'] as const;
export type Level = (typeof LEVELS)[number];

export const LEVEL_DISPLAY: Record<Level, string> = {
  emergency: 'Akut: ring 112 eller sök akutmottagning',
  chat: 'Chatta med en sjuksköterska på 1177 nu',
  book: 'Boka besök på din vårdcentral',
  'self-care': 'Egenvårdsråd',
};

export const isLevel = (code: string | undefined): code is Level => (LEVELS as readonly (string | undefined)[]).includes(code);

export const levelCoding = (level: Level): Coding => ({ system: LEVEL_SYSTEM, code: level, display: LEVEL_DISPLAY[level] });

/** The symptom form and the rule set shipped in the seed. */
export const SYMPTOM_FORM_URL = `${BASE}/Questionnaire/symptom-form`;
export const TRIAGE_RULES_URL = `${BASE}/PlanDefinition/triage-rules`;

/** The 1177 nurses' unit: chat Tasks are owned by it (seed/10-region.json). */
export const NURSES_UNIT = 'Organization/rad-1177';

/** GuidanceResponse.requestIdentifier.system: the value is the id of the QuestionnaireResponse triaged. */
export const TRIAGE_REQUEST_SYSTEM = `${BASE}/NamingSystem/triage-request`;

/** PlanDefinition.type of a rule set. */
export const PLAN_DEFINITION_TYPE = { system: 'http://terminology.hl7.org/CodeSystem/plan-definition-type', code: 'eca-rule' } as const;

/** FHIR request priorities, most urgent first: the order in which triage rules are tried. */
export const PRIORITY_ORDER = ['stat', 'asap', 'urgent', 'routine'] as const;
export type Priority = (typeof PRIORITY_ORDER)[number];
