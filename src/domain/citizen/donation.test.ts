import { describe, expect, it } from 'vitest';
import { FhirError } from '../../fhir/error.js';
import { checkDonationAge, choiceOf, currentEntry, donationConsent } from './donation.js';

const refused = (birthDate: string | undefined, now: Date) => {
  try {
    checkDonationAge(birthDate, now);
    return false;
  } catch (e) {
    return e instanceof FhirError && e.status === 422;
  }
};

describe('donation', () => {
  it('the citizen decides from their 15th birthday, Swedish time', () => {
    // Born 2011-06-10: 15 from 2026-06-10 00:00 in Stockholm (22:00 UTC the day before).
    expect(refused('2011-06-10', new Date('2026-06-09T21:59:00Z'))).toBe(true);
    expect(refused('2011-06-10', new Date('2026-06-09T22:00:00Z'))).toBe(false);
    expect(refused('2011-06-10', new Date('2026-06-10T12:00:00Z'))).toBe(false);
    expect(refused(undefined, new Date())).toBe(true);
  });

  it('the latest active entry wins', () => {
    const older = { ...donationConsent('Patient/p', 'transplantation-and-other', new Date('2025-01-01T10:00:00Z')) };
    const newer = { ...donationConsent('Patient/p', 'no', new Date('2026-01-01T10:00:00Z')) };
    expect(choiceOf(currentEntry([newer, older])!)).toBe('no');
    expect(choiceOf(currentEntry([older, { ...newer, status: 'inactive' }])!)).toBe('transplantation-and-other');
    expect(currentEntry([])).toBeUndefined();
  });

  it('a no is a deny, each yes a permit with its choice', () => {
    expect(donationConsent('Patient/p', 'no', new Date()).provision?.type).toBe('deny');
    const yes = donationConsent('Patient/p', 'transplantation-only', new Date());
    expect(yes.provision?.type).toBe('permit');
    expect(choiceOf(yes)).toBe('transplantation-only');
  });
});
