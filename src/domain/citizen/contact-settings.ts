/**
 * @module domain/citizen/contact-settings
 * Contact sharing and notifications (PU-tjänsten, DOMAIN.md section 8): the citizen shares their mobile
 * number and/or e-mail address with the region, chooses notification channels (SMS, e-mail, both, none),
 * and may turn paper letters off only when notified on both channels with both details shared.
 *
 * Kept as the Consent the cases service reads (domain/cases/notifications.ts): scope patient-privacy,
 * category kontaktuppgifter; provision permit when something is shared (else deny); provision.code holds
 * the channels (notification-channel sms, email, or `none`) and the sharing choices
 * (contact-preference share-mobile, share-email, no-paper-letters). One active at a time; earlier ones
 * become inactive, so the history stays. Pure.
 */
import type { Consent, Coding } from '@medplum/fhirtypes';
import { errors } from '../../fhir/error.js';
import { CONSENT_SCOPE_SYSTEM, CONTACT_SHARING_CATEGORY, NOTIFICATION_CHANNEL_SYSTEM } from '../cases/codes.js';

export const CONTACT_PREFERENCE_SYSTEM = 'https://lots.example/fhir/CodeSystem/contact-preference';
export const NOTIFICATIONS = ['sms', 'email', 'both', 'none'] as const;
export type Notifications = (typeof NOTIFICATIONS)[number];

export interface ContactSettings {
  shareMobile: boolean;
  shareEmail: boolean;
  notifications: Notifications;
  /** Paper letters by post (on unless turned off). */
  paperLetters: boolean;
}

/** Before any choice: nothing shared, no notifications, letters by post. */
export const DEFAULT_SETTINGS: ContactSettings = { shareMobile: false, shareEmail: false, notifications: 'none', paperLetters: true };

/** 422 unless the settings hold together (what is notified must be shared; paper letters off needs both). */
export function checkSettings(s: ContactSettings): void {
  if ((s.notifications === 'sms' || s.notifications === 'both') && !s.shareMobile) {
    throw errors.businessRule('notifications: SMS needs your mobile number shared (shareMobile=true)', ['notifications']);
  }
  if ((s.notifications === 'email' || s.notifications === 'both') && !s.shareEmail) {
    throw errors.businessRule('notifications: e-mail needs your e-mail address shared (shareEmail=true)', ['notifications']);
  }
  if (!s.paperLetters && !(s.notifications === 'both' && s.shareMobile && s.shareEmail)) {
    throw errors.businessRule('paperLetters: paper letters can be turned off only with notifications by both SMS and e-mail and both details shared', ['paperLetters']);
  }
}

const channelCodes = (n: Notifications): string[] => (n === 'both' ? ['sms', 'email'] : [n]);

/** The Consent recording `s` for `patient` at `now` (active). */
export function settingsConsent(patient: string, s: ContactSettings, now: Date): Consent {
  const codes: Coding[] = [
    ...channelCodes(s.notifications).map((code) => ({ system: NOTIFICATION_CHANNEL_SYSTEM, code })),
    ...(s.shareMobile ? [{ system: CONTACT_PREFERENCE_SYSTEM, code: 'share-mobile' }] : []),
    ...(s.shareEmail ? [{ system: CONTACT_PREFERENCE_SYSTEM, code: 'share-email' }] : []),
    ...(s.paperLetters ? [] : [{ system: CONTACT_PREFERENCE_SYSTEM, code: 'no-paper-letters' }]),
  ];
  return {
    resourceType: 'Consent',
    status: 'active',
    scope: { coding: [{ system: CONSENT_SCOPE_SYSTEM, code: 'patient-privacy' }] },
    category: [{ coding: [CONTACT_SHARING_CATEGORY] }],
    patient: { reference: patient },
    dateTime: now.toISOString(),
    policyRule: { text: 'Invånaren delar kontaktuppgifter med regionen via 1177 (PU-tjänsten) och väljer aviseringar.' },
    provision: { type: s.shareMobile || s.shareEmail ? 'permit' : 'deny', code: codes.map((c) => ({ coding: [c] })) },
  };
}

/** The settings a Consent records (the defaults for none). */
export function settingsOf(c: Consent | undefined): ContactSettings {
  if (!c) return DEFAULT_SETTINGS;
  const codes = (c.provision?.code ?? []).flatMap((cc) => cc.coding ?? []);
  const has = (system: string, code: string) => codes.some((x) => x.system === system && x.code === code);
  const sms = has(NOTIFICATION_CHANNEL_SYSTEM, 'sms');
  const email = has(NOTIFICATION_CHANNEL_SYSTEM, 'email');
  const permit = c.provision?.type === 'permit';
  return {
    shareMobile: permit && has(CONTACT_PREFERENCE_SYSTEM, 'share-mobile'),
    shareEmail: permit && has(CONTACT_PREFERENCE_SYSTEM, 'share-email'),
    notifications: sms && email ? 'both' : sms ? 'sms' : email ? 'email' : 'none',
    paperLetters: !has(CONTACT_PREFERENCE_SYSTEM, 'no-paper-letters'),
  };
}
