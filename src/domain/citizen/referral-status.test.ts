import type { Appointment, ServiceRequest, Task } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { closedReason, referralStatus } from './referral-status.js';

const request = (status: ServiceRequest['status'] = 'active'): ServiceRequest => ({ resourceType: 'ServiceRequest', status, intent: 'order', subject: { reference: 'Patient/p' } });
const task = (status: Task['status'], lastModified = '2026-03-01T10:00:00Z', reason?: string): Task => ({
  resourceType: 'Task',
  status,
  intent: 'order',
  lastModified,
  focus: { reference: 'ServiceRequest/r' },
  ...(reason ? { statusReason: { text: reason } } : {}),
});
const appointment = (status: Appointment['status']): Appointment => ({ resourceType: 'Appointment', status, participant: [] });

describe('referralStatus', () => {
  it.each([
    [undefined, 'skickad'],
    ['draft', 'skickad'],
    ['requested', 'skickad'],
    ['received', 'mottagen'],
    ['ready', 'mottagen'],
    ['accepted', 'bedomd'],
    ['on-hold', 'bedomd'],
    ['in-progress', 'tid-bokad'],
    ['completed', 'avslutad'],
    ['rejected', 'avslutad'],
    ['cancelled', 'avslutad'],
    ['failed', 'avslutad'],
  ] as const)('the unit’s Task %s reads as %s', (status, expected) => {
    expect(referralStatus({ request: request(), tasks: status ? [task(status)] : [], appointments: [] })).toBe(expected);
  });

  it('a booked appointment on the referral reads as tid bokad, a cancelled one does not', () => {
    expect(referralStatus({ request: request(), tasks: [task('accepted')], appointments: [appointment('booked')] })).toBe('tid-bokad');
    expect(referralStatus({ request: request(), tasks: [task('accepted')], appointments: [appointment('cancelled')] })).toBe('bedomd');
  });

  it('a completed or revoked request is closed whatever the Task says', () => {
    expect(referralStatus({ request: request('completed'), tasks: [task('received')], appointments: [] })).toBe('avslutad');
    expect(referralStatus({ request: request('revoked'), tasks: [], appointments: [appointment('booked')] })).toBe('avslutad');
  });

  it('the newest Task decides (a referral forwarded and received again)', () => {
    const tasks = [task('rejected', '2026-03-01T10:00:00Z'), task('received', '2026-03-05T10:00:00Z')];
    expect(referralStatus({ request: request(), tasks, appointments: [] })).toBe('mottagen');
  });

  it('a rejected referral says why', () => {
    expect(closedReason({ request: request(), tasks: [task('rejected', undefined, 'Remissen avvisad: fel mottagare')], appointments: [] })).toBe('Remissen avvisad: fel mottagare');
    expect(closedReason({ request: request(), tasks: [task('accepted')], appointments: [] })).toBeUndefined();
  });
});
