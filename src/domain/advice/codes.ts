/**
 * @module domain/advice/codes
 * The codes of Rådgivningsstöd, the 1177 nurse's advice support (docs/advice.md): the advice unit, the
 * channel of a contact, and the marks on what a contact writes. Lots' own CodeSystems: no public one
 * names these (DOMAIN.md section 7: "model urgency as a configurable CodeSystem").
 */
import type { Coding } from '@medplum/fhirtypes';
import { NURSES_UNIT } from '../triage/codes.js';

const BASE = 'https://lots.example/fhir';

/** The advice unit (1177 Sjukvårdsrådgivningen): the same nurses answer the phone and the 1177 direkt chat. */
export const ADVICE_UNIT = NURSES_UNIT;

/** Encounter.type: how the citizen reached the nurse. */
export const CHANNEL_SYSTEM = `${BASE}/CodeSystem/advice-channel`;
export const CHANNELS = ['phone', 'chat'] as const;
export type Channel = (typeof CHANNELS)[number];
const CHANNEL_DISPLAY: Record<Channel, string> = { phone: 'Telefon (1177)', chat: 'Chatt (1177 direkt)' };
export const channelCoding = (c: Channel): Coding => ({ system: CHANNEL_SYSTEM, code: c, display: CHANNEL_DISPLAY[c] });

/** Encounter.class of every advice contact: virtual (HL7 v3 ActCode; R4 has no separate phone class). */
export const VIRTUAL_CLASS: Coding = { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'VR', display: 'virtual' };

/** Encounter.serviceType and Task.code of the contact's case in the unit's queue. */
export const ADVICE_SYSTEM = `${BASE}/CodeSystem/advice`;
export const ADVICE_SERVICE: Coding = { system: ADVICE_SYSTEM, code: 'sjukvardsradgivning', display: '1177 Sjukvårdsrådgivning' };
export const CONTACT_TASK: Coding = { system: ADVICE_SYSTEM, code: 'advice-contact', display: 'Rådgivningskontakt' };

/** Patient.meta.tag of a caller who gave no personnummer: the nurse may link them to a known patient later. */
export const ANONYMOUS_TAG: Coding = { system: ADVICE_SYSTEM, code: 'anonymous-caller', display: 'Anonym uppringare' };

/** RiskAssessment.method: the triage rule that gave the suggestion (code = the rule's id; `no-rule` when none held). */
export const RULE_SYSTEM = `${BASE}/CodeSystem/triage-rule`;
export const NO_RULE = 'no-rule';

/** RiskAssessment extension: the level the rules suggested (prediction[0] holds the nurse's final level). */
export const SUGGESTED_LEVEL_URL = `${BASE}/StructureDefinition/suggested-level`;

/** The software named in the access log when the advice support writes with the server's rights. */
export const ADVICE_SOFTWARE = 'lots-advice';
