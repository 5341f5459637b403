import { describe, expect, it } from 'vitest';
import type { Principal } from '../../auth/principal.js';
import { closedContact, isAdviceContact, newContact, notAdviceNurse, notOpen } from './contact.js';

const staff = (units: string[], roles: string[]): Principal => ({ kind: 'staff', hsaId: 'SE1', units, roles, grants: [], scope: '', clientId: 'c' }) as unknown as Principal;
const citizen = { kind: 'citizen', personnummer: '191212121212', grants: [], scope: '', clientId: 'c' } as unknown as Principal;

describe('who handles advice contacts', () => {
  it('a nurse of the advice unit (unit given as id or reference)', () => {
    expect(notAdviceNurse(staff(['rad-1177'], ['nurse']))).toBeUndefined();
    expect(notAdviceNurse(staff(['Organization/rad-1177'], ['nurse']))).toBeUndefined();
  });
  it('not other staff of the unit, nurses of other units, nor citizens', () => {
    expect(notAdviceNurse(staff(['rad-1177'], ['arendemottagare']))).toBeDefined();
    expect(notAdviceNurse(staff(['vc-teleborg'], ['nurse']))).toBeDefined();
    expect(notAdviceNurse(citizen)).toBeDefined();
  });
});

describe('a contact', () => {
  const start = new Date('2026-12-24T18:00:00Z');
  const open = newContact({ channel: 'phone', patient: 'Patient/p', nurse: { reference: 'PractitionerRole/n' }, start });

  it('opens in progress at the advice unit, with the nurse from the start', () => {
    expect(isAdviceContact(open)).toBe(true);
    expect(notOpen(open)).toBeUndefined();
    expect(open.participant?.[0]?.period?.start).toBe(start.toISOString());
  });

  it('closes finished, with the end time on the contact and the nurse\'s part, and then takes no more changes', () => {
    const end = new Date('2026-12-24T18:12:00Z');
    const closed = closedContact(open, end);
    expect(closed).toMatchObject({ status: 'finished', period: { start: start.toISOString(), end: end.toISOString() } });
    expect(closed.participant?.[0]?.period?.end).toBe(end.toISOString());
    expect(notOpen(closed)).toBeDefined();
  });

  it('an Encounter of another unit is not an advice contact', () => {
    expect(isAdviceContact({ ...open, serviceProvider: { reference: 'Organization/vc-teleborg' } })).toBe(false);
  });
});
