/**
 * @module domain/citizen/donation
 * Donationsregistret (DOMAIN.md section 8, https://www.socialstyrelsen.se/donationsregistret): the
 * citizen's will about organ and tissue donation, one of four choices; the latest entry wins. From 15 the
 * citizen decides for themself (from the first moment of their 15th birthday, Swedish time); before that
 * guardians register on paper, not online with their own e-ID, so Lots takes the choice only from the
 * citizen for their own record.
 *
 * Kept as Consents (DOMAIN.md section 9 ⚖): scope adr, category donation, provision permit (a yes) or
 * deny (a no), provision.code the choice. "Delete my entry" makes the current entry inactive; earlier
 * entries stay as history. Pure.
 */
import type { Consent } from '@medplum/fhirtypes';
import { ageInYears } from '../../auth/age.js';
import { errors } from '../../fhir/error.js';
import { CONSENT_SCOPE_SYSTEM } from '../cases/codes.js';

export const DONATION_CHOICE_SYSTEM = 'https://lots.example/fhir/CodeSystem/donation-choice';
export const DONATION_CATEGORY = { system: 'https://lots.example/fhir/CodeSystem/consent-category', code: 'donation', display: 'Donationsvilja' };
export const DONATION_AGE = 15;

export const DONATION_CHOICES = {
  'transplantation-and-other': 'Ja till donation för transplantation och annat medicinskt ändamål',
  'transplantation-only': 'Ja till donation enbart för transplantation',
  no: 'Nej till donation',
} as const;
export type DonationChoice = keyof typeof DONATION_CHOICES;
/** What the citizen may send: a choice, or to delete their entry. */
export type DonationInput = DonationChoice | 'delete';
export const DONATION_INPUTS = [...Object.keys(DONATION_CHOICES), 'delete'] as readonly string[];

/** 422 unless the citizen is at least 15 on the Swedish date of `now`. */
export function checkDonationAge(birthDate: string | undefined, now: Date): void {
  if (!birthDate) throw errors.businessRule('Your birth date is not known, so your donation will cannot be registered online', ['Patient.birthDate']);
  if (ageInYears(birthDate, now) < DONATION_AGE) {
    throw errors.businessRule(`From ${DONATION_AGE} you register your donation will yourself; before that your guardians can do it on paper`, ['choice']);
  }
}

export function donationConsent(patient: string, choice: DonationChoice, now: Date): Consent {
  return {
    resourceType: 'Consent',
    status: 'active',
    scope: { coding: [{ system: CONSENT_SCOPE_SYSTEM, code: 'adr' }] },
    category: [{ coding: [DONATION_CATEGORY] }],
    patient: { reference: patient },
    dateTime: now.toISOString(),
    policyRule: { text: 'Donationsvilja enligt lag (1995:831) om transplantation m.m., registrerad av invånaren via 1177.' },
    provision: { type: choice === 'no' ? 'deny' : 'permit', code: [{ coding: [{ system: DONATION_CHOICE_SYSTEM, code: choice, display: DONATION_CHOICES[choice] }] }] },
  };
}

/** The choice an active donation Consent records. */
export function choiceOf(c: Consent): DonationChoice | undefined {
  const code = (c.provision?.code ?? []).flatMap((cc) => cc.coding ?? []).find((x) => x.system === DONATION_CHOICE_SYSTEM)?.code;
  return code && code in DONATION_CHOICES ? (code as DonationChoice) : undefined;
}

/** The entry that holds: the latest active one (by dateTime). */
export function currentEntry(consents: readonly Consent[]): Consent | undefined {
  return consents
    .filter((c) => c.status === 'active' && choiceOf(c))
    .sort((a, b) => Date.parse(b.dateTime ?? '1900-01-01') - Date.parse(a.dateTime ?? '1900-01-01'))[0];
}
