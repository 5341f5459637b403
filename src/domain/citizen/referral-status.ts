/**
 * @module domain/citizen/referral-status
 * A referral's status as the citizen understands it (1177 Journalen: "Remiss skickad", "mottagen",
 * "bedömd", "tid bokad", "avslutad"), derived from the ServiceRequest, the receiving unit's Task
 * (`Task.focus` = the ServiceRequest, https://hl7.org/fhir/R4/task.html#statemachine) and any
 * Appointment booked on it (`Appointment.basedOn`). Pure.
 */
import type { Appointment, ServiceRequest, Task } from '@medplum/fhirtypes';

export const REFERRAL_STATUS_SYSTEM = 'https://lots.example/fhir/CodeSystem/referral-citizen-status';

export const REFERRAL_STATUSES = {
  skickad: 'Remiss skickad',
  mottagen: 'Remiss mottagen',
  bedomd: 'Remiss bedömd',
  'tid-bokad': 'Tid bokad',
  avslutad: 'Avslutad',
} as const;
export type ReferralStatus = keyof typeof REFERRAL_STATUSES;

export interface ReferralFacts {
  request: ServiceRequest;
  /** The receiving unit's Tasks whose focus is the request (the newest decides). */
  tasks: readonly Task[];
  appointments: readonly Appointment[];
}

const CLOSED_REQUEST = ['completed', 'revoked', 'entered-in-error'];
const CLOSED_TASK = ['completed', 'cancelled', 'rejected', 'failed', 'entered-in-error'];
const LIVE_APPOINTMENT = ['proposed', 'pending', 'booked', 'arrived', 'checked-in', 'waitlist'];

/** The newest Task (by lastModified, then authoredOn). */
function newest(tasks: readonly Task[]): Task | undefined {
  const when = (t: Task) => Date.parse(t.lastModified ?? t.authoredOn ?? t.meta?.lastUpdated ?? '1900-01-01');
  return [...tasks].sort((a, b) => when(b) - when(a))[0];
}

/**
 * The citizen's word for where the referral is: closed when the request or the unit's Task is closed
 * (a rejected referral is closed too; `Task.statusReason` says why); "tid bokad" when a live Appointment
 * is based on it or the unit has started on it; "bedömd" once accepted; "mottagen" once received.
 */
export function referralStatus(f: ReferralFacts): ReferralStatus {
  if (CLOSED_REQUEST.includes(f.request.status)) return 'avslutad';
  const task = newest(f.tasks);
  if (task && CLOSED_TASK.includes(task.status)) return 'avslutad';
  if (f.appointments.some((a) => LIVE_APPOINTMENT.includes(a.status))) return 'tid-bokad';
  switch (task?.status) {
    case 'in-progress':
      return 'tid-bokad';
    case 'accepted':
    case 'on-hold':
      return 'bedomd';
    case 'received':
    case 'ready':
      return 'mottagen';
    default:
      return 'skickad';
  }
}

/** Why it was closed, when the unit said (a rejected or cancelled Task's statusReason). */
export function closedReason(f: ReferralFacts): string | undefined {
  const task = newest(f.tasks);
  if (!task || !['rejected', 'cancelled', 'failed'].includes(task.status)) return undefined;
  return task.statusReason?.text ?? task.statusReason?.coding?.[0]?.display;
}
