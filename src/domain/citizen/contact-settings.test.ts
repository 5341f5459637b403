import type { Patient } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { FhirError } from '../../fhir/error.js';
import { notificationChannels } from '../cases/notifications.js';
import { checkSettings, settingsConsent, settingsOf, type ContactSettings } from './contact-settings.js';

const s = (o: Partial<ContactSettings>): ContactSettings => ({ shareMobile: true, shareEmail: true, notifications: 'both', paperLetters: true, ...o });
const code = (f: () => void) => {
  try {
    f();
    return 'ok';
  } catch (e) {
    return e instanceof FhirError ? `${e.status} ${e.issues[0]?.expression?.[0]}` : String(e);
  }
};

describe('contact settings rules', () => {
  it('paper letters go off only with both notifications and both details shared', () => {
    expect(code(() => checkSettings(s({ paperLetters: false })))).toBe('ok');
    expect(code(() => checkSettings(s({ paperLetters: false, notifications: 'sms' })))).toBe('422 paperLetters');
    expect(code(() => checkSettings(s({ paperLetters: false, notifications: 'email' })))).toBe('422 paperLetters');
    expect(code(() => checkSettings(s({ paperLetters: false, notifications: 'none' })))).toBe('422 paperLetters');
  });

  it('a channel needs its detail shared', () => {
    expect(code(() => checkSettings(s({ shareMobile: false, notifications: 'sms' })))).toBe('422 notifications');
    expect(code(() => checkSettings(s({ shareEmail: false, notifications: 'email' })))).toBe('422 notifications');
    expect(code(() => checkSettings(s({ shareEmail: false, notifications: 'both' })))).toBe('422 notifications');
    expect(code(() => checkSettings(s({ shareEmail: false, notifications: 'sms' })))).toBe('ok');
    expect(code(() => checkSettings(s({ shareMobile: false, shareEmail: false, notifications: 'none' })))).toBe('ok');
  });

  it.each([s({}), s({ paperLetters: false }), s({ shareEmail: false, notifications: 'sms' }), s({ notifications: 'none' }), s({ shareMobile: false, shareEmail: false, notifications: 'none' })])(
    'round-trips through the Consent: %o',
    (settings) => {
      expect(settingsOf(settingsConsent('Patient/p', settings, new Date()))).toEqual(settings);
    },
  );

  it('the cases service notifies on exactly the chosen channels', () => {
    const person: Patient = { resourceType: 'Patient', telecom: [{ system: 'phone', use: 'mobile', value: '0701234567' }, { system: 'email', value: 'a@example.se' }] };
    const channels = (x: ContactSettings) => notificationChannels(person, [settingsConsent('Patient/p', x, new Date(Date.now() - 1000))], new Date()).map((c) => c.medium);
    expect(channels(s({}))).toEqual(['sms', 'email']);
    expect(channels(s({ notifications: 'sms' }))).toEqual(['sms']);
    expect(channels(s({ notifications: 'none' }))).toEqual([]);
    expect(channels(s({ shareMobile: false, shareEmail: false, notifications: 'none' }))).toEqual([]);
  });
});
