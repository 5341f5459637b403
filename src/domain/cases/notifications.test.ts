import type { Consent, Patient } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { CONSENT_SCOPE_SYSTEM, CONTACT_SHARING_CATEGORY, NOTIFICATION_CHANNEL_SYSTEM } from './codes.js';
import { notificationChannels, outboxEntry } from './notifications.js';

const now = new Date('2026-03-02T10:00:00Z');
const person: Patient = {
  resourceType: 'Patient',
  telecom: [
    { system: 'phone', value: '0470-123 45', use: 'home' },
    { system: 'phone', value: '070-111 11 11', use: 'mobile', rank: 2 },
    { system: 'sms', value: '070-222 22 22', rank: 1 },
    { system: 'email', value: 'gammal@example.se', period: { end: '2025-01-01' } },
    { system: 'email', value: 'ny@example.se' },
  ],
};
const consent = (over: Partial<Consent> = {}, channels: string[] = []): Consent => ({
  resourceType: 'Consent',
  status: 'active',
  scope: { coding: [{ system: CONSENT_SCOPE_SYSTEM, code: 'patient-privacy' }] },
  category: [{ coding: [CONTACT_SHARING_CATEGORY] }],
  dateTime: '2025-01-01T00:00:00Z',
  provision: { type: 'permit', ...(channels.length ? { code: channels.map((code) => ({ coding: [{ system: NOTIFICATION_CHANNEL_SYSTEM, code }] })) } : {}) },
  ...over,
});

describe('where a citizen is notified', () => {
  it('nowhere without a contact-sharing Consent', () => {
    expect(notificationChannels(person, [], now)).toEqual([]);
    expect(notificationChannels(person, [consent({ category: [{ text: 'annat' }] })], now)).toEqual([]);
  });

  it('on the channels chosen, at the best current address', () => {
    expect(notificationChannels(person, [consent({}, ['sms'])], now)).toEqual([{ medium: 'sms', address: '070-222 22 22' }]);
    expect(notificationChannels(person, [consent({}, ['email'])], now)).toEqual([{ medium: 'email', address: 'ny@example.se' }]);
  });

  it('on every shared channel when none is chosen', () => {
    expect(notificationChannels(person, [consent()], now).map((c) => c.medium)).toEqual(['sms', 'email']);
  });

  it('not on a channel without an address (a home phone is not a mobile)', () => {
    const homeOnly: Patient = { resourceType: 'Patient', telecom: [{ system: 'phone', value: '0470-1', use: 'home' }] };
    expect(notificationChannels(homeOnly, [consent({}, ['sms', 'email'])], now)).toEqual([]);
  });

  it('follows the latest Consent, and none that is withdrawn, denying, or out of its period', () => {
    const older = consent({ dateTime: '2024-01-01T00:00:00Z' }, ['sms']);
    const newer = consent({ dateTime: '2025-06-01T00:00:00Z' }, ['email']);
    expect(notificationChannels(person, [older, newer], now).map((c) => c.medium)).toEqual(['email']);
    expect(notificationChannels(person, [consent({ status: 'inactive' })], now)).toEqual([]);
    expect(notificationChannels(person, [consent({ provision: { type: 'deny' } })], now)).toEqual([]);
    expect(notificationChannels(person, [consent({ provision: { type: 'permit', period: { end: '2026-01-01' } } })], now)).toEqual([]);
  });

  it('never for a deceased or inactive person', () => {
    expect(notificationChannels({ ...person, deceasedDateTime: '2026-01-01' }, [consent()], now)).toEqual([]);
    expect(notificationChannels({ ...person, active: false }, [consent()], now)).toEqual([]);
  });
});

describe('the outbox entry', () => {
  it('names the medium and address, and says only that there is a message', () => {
    const cr = outboxEntry({ patient: 'Patient/p', about: ['Communication/c'], unit: 'Organization/u', unitName: 'VC Test' }, 'Patient/p', { medium: 'email', address: 'a@b.se' }, now);
    expect(cr.status).toBe('active');
    expect(cr.medium?.[0]?.coding?.map((c) => c.code)).toEqual(['email', 'EMAILWRIT']);
    expect(cr.payload?.[0]?.contentString).toBe('Du har fått ett nytt meddelande från VC Test. Logga in på 1177.se för att läsa det.');
    expect(cr.extension?.[0]?.valueContactPoint).toEqual({ system: 'email', value: 'a@b.se' });
  });
});
