/**
 * @module test/support/triage-scenarios
 * Symptom scenarios with the level (and the rule) the shipped rule set must give them: red flags,
 * combinations, the age limits (infants, 30 for chest pain, 75 for fever), and answers left out where
 * the form allows it. The rules' test table (scenarios.test.ts, test/http/triage.test.ts) and the
 * benchmark (bench/triage.ts) use them; docs/triage.md explains the rules they exercise.
 */
import type { Patient, QuestionnaireResponse, QuestionnaireResponseItem } from '@medplum/fhirtypes';
import { swedishDate } from '../../src/auth/age.js';
import { SYMPTOM_FORM_URL, type Level } from '../../src/domain/triage/codes.js';

/** Reasons for contact (sökorsak): SNOMED CT codes of the form's ValueSet (seed/40-triage.json). */
export const REASONS = {
  chestPain: ['29857009', 'Bröstsmärta'],
  dyspnea: ['267036007', 'Andnöd'],
  fever: ['386661006', 'Feber'],
  cough: ['49727002', 'Hosta'],
  soreThroat: ['162397003', 'Ont i halsen'],
  earPain: ['301354004', 'Ont i örat'],
  headache: ['25064002', 'Huvudvärk'],
  abdominalPain: ['21522001', 'Ont i magen'],
  diarrhea: ['62315008', 'Diarré'],
  vomiting: ['422400008', 'Kräkningar'],
  dysuria: ['49650001', 'Sveda när du kissar'],
  backPain: ['279039007', 'Ont i ländryggen'],
  jointPain: ['57676002', 'Ont i en led'],
  rash: ['271807003', 'Utslag på huden'],
  dizziness: ['404640003', 'Yrsel'],
  anxiety: ['48694002', 'Oro eller ångest'],
  injury: ['417746004', 'Skada'],
  bleeding: ['131148009', 'Blödning'],
  other: ['74964007', 'Annat'],
} as const;
export type Reason = keyof typeof REASONS;

export type Health = 'very-good' | 'good' | 'fair' | 'poor' | 'very-poor';
const HEALTH_DISPLAY: Record<Health, string> = { 'very-good': 'Mycket bra', good: 'Bra', fair: 'Någorlunda', poor: 'Dåligt', 'very-poor': 'Mycket dåligt' };

export interface Answers {
  reason: Reason;
  days: number;
  fever: boolean;
  /** Left out when not measured (asked only with fever). */
  temperature?: number;
  pain: number;
  breathing: boolean;
  chestPain: boolean;
  bleeding: boolean;
  /** Y, N or ASKU (don't know); left out when not answered. */
  pregnant?: 'Y' | 'N' | 'ASKU';
  health: Health;
  text?: string;
  photo?: boolean;
}

export interface Age {
  years?: number;
  months?: number;
  /** True: the birthday is today (the age was reached today); otherwise some days ago. */
  birthdayToday?: boolean;
}

export interface Scenario {
  name: string;
  age: Age;
  sex: 'male' | 'female';
  answers: Answers;
  level: Level;
  /** The rule that must decide. */
  rule: string;
}

const base: Omit<Answers, 'reason' | 'days' | 'pain' | 'health'> = { fever: false, breathing: false, chestPain: false, bleeding: false };
const s = (name: string, age: Age, sex: Scenario['sex'], answers: Partial<Answers> & Pick<Answers, 'reason' | 'days' | 'pain' | 'health'>, level: Level, rule: string): Scenario => ({
  name,
  age,
  sex,
  answers: { ...base, ...answers },
  level,
  rule,
});

export const SCENARIOS: readonly Scenario[] = [
  // Red flags: emergency, whatever else is answered.
  s('chest pain and breathing difficulty, 55-year-old man', { years: 55 }, 'male', { reason: 'chestPain', days: 0, pain: 6, chestPain: true, breathing: true, health: 'fair' }, 'emergency', 'em-chest-pain-breathing'),
  s('chest pain and breathing difficulty at 19 with little pain, feeling good, reason cough', { years: 19 }, 'female', { reason: 'cough', days: 2, pain: 2, chestPain: true, breathing: true, health: 'good' }, 'emergency', 'em-chest-pain-breathing'),
  s('sore throat for a day, but chest pain and breathing difficulty too', { years: 35 }, 'female', { reason: 'soreThroat', days: 1, pain: 3, chestPain: true, breathing: true, health: 'very-good' }, 'emergency', 'em-chest-pain-breathing'),
  s('mild chest pain at 45, no breathing difficulty', { years: 45 }, 'male', { reason: 'chestPain', days: 0, pain: 3, chestPain: true, health: 'good' }, 'emergency', 'em-chest-pain-adult'),
  s('chest pain on the day of the 30th birthday', { years: 30, birthdayToday: true }, 'male', { reason: 'chestPain', days: 0, pain: 2, chestPain: true, health: 'good' }, 'emergency', 'em-chest-pain-adult'),
  s('severe chest pain (8) at 22', { years: 22 }, 'female', { reason: 'chestPain', days: 0, pain: 8, chestPain: true, health: 'fair' }, 'emergency', 'em-chest-pain-adult'),
  s('breathing difficulty and feeling poor at 68', { years: 68 }, 'female', { reason: 'dyspnea', days: 1, pain: 2, breathing: true, health: 'poor' }, 'emergency', 'em-breathing-unwell'),
  s('infant of 8 months with breathing difficulty', { months: 8 }, 'male', { reason: 'dyspnea', days: 1, pain: 0, breathing: true, health: 'fair' }, 'emergency', 'em-breathing-infant'),
  s('fever at 6 weeks, temperature 38.2', { months: 1 }, 'female', { reason: 'fever', days: 0, pain: 0, fever: true, temperature: 38.2, health: 'fair' }, 'emergency', 'em-fever-infant'),
  s('temperature 41.2 at 30', { years: 30 }, 'male', { reason: 'fever', days: 1, pain: 3, fever: true, temperature: 41.2, health: 'fair' }, 'emergency', 'em-fever-very-high'),
  s('fever (not measured) and feeling very poor at 50', { years: 50 }, 'male', { reason: 'fever', days: 2, pain: 4, fever: true, health: 'very-poor' }, 'emergency', 'em-fever-very-unwell'),
  s('pregnant and bleeding at 29', { years: 29 }, 'female', { reason: 'bleeding', days: 0, pain: 3, bleeding: true, pregnant: 'Y', health: 'fair' }, 'emergency', 'em-pregnant-bleeding-pain'),
  s('pregnant with abdominal pain 7 at 34', { years: 34 }, 'female', { reason: 'abdominalPain', days: 0, pain: 7, pregnant: 'Y', health: 'fair' }, 'emergency', 'em-pregnant-bleeding-pain'),
  s('heavy bleeding with pain 9 at 40', { years: 40 }, 'male', { reason: 'injury', days: 0, pain: 9, bleeding: true, health: 'poor' }, 'emergency', 'em-bleeding-severe'),
  // A nurse now.
  s('breathing difficulty at 40, feeling fair', { years: 40 }, 'female', { reason: 'dyspnea', days: 2, pain: 1, breathing: true, health: 'fair' }, 'chat', 'chat-breathing'),
  s('breathing difficulty at 3, feeling good', { years: 3 }, 'male', { reason: 'cough', days: 2, pain: 0, breathing: true, health: 'good' }, 'chat', 'chat-breathing'),
  s('mild chest pain at 29 (under the age limit)', { years: 29 }, 'female', { reason: 'chestPain', days: 1, pain: 4, chestPain: true, health: 'good' }, 'chat', 'chat-chest-pain'),
  s('minor bleeding at 60, feeling good', { years: 60 }, 'male', { reason: 'bleeding', days: 0, pain: 2, bleeding: true, health: 'good' }, 'chat', 'chat-bleeding'),
  s('fever 38.5 at 14 months', { months: 14 }, 'female', { reason: 'fever', days: 1, pain: 2, fever: true, temperature: 38.5, health: 'fair' }, 'chat', 'chat-fever-small-child'),
  s('fever on the day a baby turns 3 months', { months: 3, birthdayToday: true }, 'male', { reason: 'fever', days: 0, pain: 0, fever: true, temperature: 38.0, health: 'fair' }, 'chat', 'chat-fever-small-child'),
  s('fever at 82 for two days', { years: 82 }, 'female', { reason: 'fever', days: 2, pain: 2, fever: true, temperature: 38.4, health: 'fair' }, 'chat', 'chat-fever-elderly'),
  s('fever on the 75th birthday', { years: 75, birthdayToday: true }, 'male', { reason: 'cough', days: 1, pain: 1, fever: true, health: 'good' }, 'chat', 'chat-fever-elderly'),
  s('temperature 40.3 at 35 for two days', { years: 35 }, 'male', { reason: 'fever', days: 2, pain: 3, fever: true, temperature: 40.3, health: 'fair' }, 'chat', 'chat-fever-high'),
  s('rash with fever at 4', { years: 4 }, 'female', { reason: 'rash', days: 1, pain: 1, fever: true, temperature: 38.9, health: 'fair' }, 'chat', 'chat-rash-fever'),
  s('burning when urinating with fever 38.6, woman of 45', { years: 45 }, 'female', { reason: 'dysuria', days: 2, pain: 4, fever: true, temperature: 38.6, health: 'fair' }, 'chat', 'chat-uti-fever'),
  s('back pain 9 for two days at 50', { years: 50 }, 'male', { reason: 'backPain', days: 2, pain: 9, health: 'fair' }, 'chat', 'chat-severe-pain'),
  s('sore throat with pain 8 at 16', { years: 16 }, 'female', { reason: 'soreThroat', days: 2, pain: 8, health: 'fair' }, 'chat', 'chat-severe-pain'),
  s('pregnant with a cough for five days, feeling good', { years: 31 }, 'female', { reason: 'cough', days: 5, pain: 1, pregnant: 'Y', health: 'good' }, 'chat', 'chat-pregnant'),
  s('dizziness for two days and feeling poor at 70', { years: 70 }, 'male', { reason: 'dizziness', days: 2, pain: 0, health: 'poor' }, 'chat', 'chat-unwell'),
  s('abdominal pain 5 for a day at 25 (no rule: a nurse assesses)', { years: 25 }, 'male', { reason: 'abdominalPain', days: 1, pain: 5, health: 'fair' }, 'chat', 'chat-default'),
  s('anxiety for ten days at 30', { years: 30 }, 'female', { reason: 'anxiety', days: 10, pain: 0, health: 'fair' }, 'chat', 'chat-default'),
  s('diarrhoea for two days at 8 months (too young for self-care)', { months: 8 }, 'female', { reason: 'diarrhea', days: 2, pain: 1, health: 'fair' }, 'chat', 'chat-default'),
  s('headache with fever at 25 (no self-care for headache with fever)', { years: 25 }, 'male', { reason: 'headache', days: 2, pain: 5, fever: true, temperature: 38.5, health: 'fair' }, 'chat', 'chat-default'),
  s('rash without fever for three days, with text and a photo', { years: 25 }, 'female', { reason: 'rash', days: 3, pain: 1, health: 'good', text: 'Röda prickar på armarna som kliar.', photo: true }, 'chat', 'chat-default'),
  // A visit at the listed unit.
  s('fever 38.4 for six days at 40', { years: 40 }, 'male', { reason: 'fever', days: 6, pain: 3, fever: true, temperature: 38.4, health: 'fair' }, 'book', 'book-fever-long'),
  s('burning when urinating without fever, woman of 32', { years: 32 }, 'female', { reason: 'dysuria', days: 1, pain: 3, health: 'good' }, 'book', 'book-uti'),
  s('sore throat for four days without fever at 17', { years: 17 }, 'male', { reason: 'soreThroat', days: 4, pain: 5, health: 'good' }, 'book', 'book-throat'),
  s('ear pain for four days at 5', { years: 5 }, 'female', { reason: 'earPain', days: 4, pain: 4, health: 'good' }, 'book', 'book-ear-child'),
  s('cough for four weeks at 60, feeling good', { years: 60 }, 'male', { reason: 'cough', days: 28, pain: 1, health: 'good' }, 'book', 'book-persistent'),
  s('back pain 4 for 25 days at 45 (too long for self-care)', { years: 45 }, 'female', { reason: 'backPain', days: 25, pain: 4, health: 'good' }, 'book', 'book-persistent'),
  s('joint pain 6 for ten days at 55', { years: 55 }, 'male', { reason: 'jointPain', days: 10, pain: 6, health: 'fair' }, 'book', 'book-pain-week'),
  // Self-care advice.
  s('sore throat for two days with fever 38.0 at 25', { years: 25 }, 'female', { reason: 'soreThroat', days: 2, pain: 4, fever: true, temperature: 38.0, health: 'fair' }, 'self-care', 'self-care-throat'),
  s('sore throat for two days, pregnancy answered "don\'t know"', { years: 24 }, 'female', { reason: 'soreThroat', days: 2, pain: 3, pregnant: 'ASKU', health: 'good' }, 'self-care', 'self-care-throat'),
  s('cough for a week without fever at 45', { years: 45 }, 'male', { reason: 'cough', days: 7, pain: 1, health: 'good' }, 'self-care', 'self-care-cough'),
  s('cough for three days at 80 without fever', { years: 80 }, 'female', { reason: 'cough', days: 3, pain: 1, health: 'fair' }, 'self-care', 'self-care-cough'),
  s('cough with fever not measured at 30', { years: 30 }, 'male', { reason: 'cough', days: 3, pain: 2, fever: true, health: 'fair' }, 'self-care', 'self-care-cough'),
  s('fever 38.8 for two days at 10', { years: 10 }, 'male', { reason: 'fever', days: 2, pain: 2, fever: true, temperature: 38.8, health: 'fair' }, 'self-care', 'self-care-fever'),
  s('fever for two days at 74', { years: 74 }, 'female', { reason: 'fever', days: 2, pain: 2, fever: true, temperature: 38.3, health: 'fair' }, 'self-care', 'self-care-fever'),
  s('vomiting for a day at 4', { years: 4 }, 'female', { reason: 'vomiting', days: 1, pain: 2, health: 'fair' }, 'self-care', 'self-care-gastro'),
  s('headache 4 for a day at 35 without fever', { years: 35 }, 'female', { reason: 'headache', days: 1, pain: 4, health: 'good' }, 'self-care', 'self-care-headache'),
  s('back pain 6 for five days at 45', { years: 45 }, 'male', { reason: 'backPain', days: 5, pain: 6, health: 'fair' }, 'self-care', 'self-care-back'),
  s('ear pain for a day with fever 38.4 at 3', { years: 3 }, 'male', { reason: 'earPain', days: 1, pain: 5, fever: true, temperature: 38.4, health: 'fair' }, 'self-care', 'self-care-ear'),
  s('ear pain for a day at 70, pregnancy not answered', { years: 70 }, 'male', { reason: 'earPain', days: 1, pain: 3, health: 'good' }, 'self-care', 'self-care-ear'),
];

/** A birth date that gives `age` on the Swedish date at `now`. */
export function birthDateFor(age: Age, now: Date): string {
  const [y, m, d] = swedishDate(now).split('-').map(Number) as [number, number, number];
  const months = (age.years ?? 0) * 12 + (age.months ?? 0);
  let date = new Date(Date.UTC(y, m - 1 - months, d));
  // The 29th-31st of a shorter month: the last day of that month (the age is then reached already).
  if (date.getUTCDate() !== d) date = new Date(Date.UTC(y, m - 1 - months + 1, 0));
  if (!age.birthdayToday) date.setUTCDate(date.getUTCDate() - 10);
  return date.toISOString().slice(0, 10);
}

export function scenarioPatient(scenario: Scenario, id: string, now: Date): Patient {
  return { resourceType: 'Patient', id, gender: scenario.sex, birthDate: birthDateFor(scenario.age, now) };
}

const answer = (linkId: string, value: Record<string, unknown>): QuestionnaireResponseItem => ({ linkId, answer: [value] });

/** The QuestionnaireResponse a citizen's form gives for these answers. */
export function responseFor(a: Answers, subject: string, questionnaire = SYMPTOM_FORM_URL): QuestionnaireResponse {
  const [code, display] = REASONS[a.reason];
  const item: QuestionnaireResponseItem[] = [
    answer('reason', { valueCoding: { system: 'http://snomed.info/sct', code, display } }),
    answer('duration-days', { valueInteger: a.days }),
    answer('fever', { valueBoolean: a.fever }),
  ];
  if (a.temperature !== undefined) item.push(answer('temperature', { valueDecimal: a.temperature }));
  item.push(
    answer('pain', { valueInteger: a.pain }),
    answer('breathing-difficulty', { valueBoolean: a.breathing }),
    answer('chest-pain', { valueBoolean: a.chestPain }),
    answer('bleeding', { valueBoolean: a.bleeding }),
  );
  if (a.pregnant) {
    const display = { Y: 'Ja', N: 'Nej', ASKU: 'Vet inte' }[a.pregnant];
    item.push(answer('pregnant', { valueCoding: { system: 'http://terminology.hl7.org/CodeSystem/v2-0532', code: a.pregnant, display } }));
  }
  item.push(answer('self-rated-health', { valueCoding: { system: 'https://lots.example/fhir/CodeSystem/self-rated-health', code: a.health, display: HEALTH_DISPLAY[a.health] } }));
  if (a.text) item.push(answer('description', { valueString: a.text }));
  // A 1x1 PNG: enough to carry through the form.
  if (a.photo) item.push(answer('photo', { valueAttachment: { contentType: 'image/png', title: 'utslag.png', data: 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==' } }));
  return { resourceType: 'QuestionnaireResponse', questionnaire, status: 'completed', subject: { reference: subject }, authored: new Date().toISOString(), item };
}
