/**
 * @module domain/citizen/referrals
 * The citizen's referrals (1177 Journalen): the patient's ServiceRequests that are referrals, newest
 * first, each with its status in the citizen's words (referral-status.ts). The requests are searched as
 * the caller (policy applied, so sealed records stay hidden, and logged); the receiving unit's Tasks
 * and Appointments are looked up by the server only to decide the status word, so they are not shown.
 */
import type { Appointment, ParametersParameter, ServiceRequest, Task } from '@medplum/fhirtypes';
import { errors } from '../../fhir/error.js';
import type { DomainContext } from '../context.js';
import { asServer, searchResources } from '../repository.js';
import { CITIZEN_SOFTWARE } from './codes.js';
import { closedReason, REFERRAL_STATUS_SYSTEM, REFERRAL_STATUSES, referralStatus } from './referral-status.js';

/** ServiceRequest.category of a referral: SNOMED CT 3457005 "Patient referral" (remiss) and 306206005 "Referral to service". */
export const REFERRAL_CATEGORIES = ['http://snomed.info/sct|3457005', 'http://snomed.info/sct|306206005'];
/** Not sent yet, or never was: not shown as referrals. */
const NOT_SENT = ['draft', 'entered-in-error'];

export async function referrals(ctx: DomainContext, patientId: string): Promise<ParametersParameter[]> {
  if (!(await ctx.repo.exists('Patient', patientId, true))) throw errors.notFound(`Patient/${patientId} is not known`);
  const found = await searchResources<ServiceRequest>(ctx, 'ServiceRequest', [
    ['subject', `Patient/${patientId}`],
    ['category', REFERRAL_CATEGORIES.join(',')],
    ['_sort', '-authored'],
  ], 200);
  const server = asServer(ctx, CITIZEN_SOFTWARE).repo;
  const out: ParametersParameter[] = [];
  for (const request of found.filter((r) => !NOT_SENT.includes(r.status))) {
    const ref = `ServiceRequest/${request.id}`;
    const tasks = await server.find<Task>('Task', [['focus', ref]], 20);
    const appointments = await server.find<Appointment>('Appointment', [['based-on', ref]], 20);
    const facts = { request, tasks, appointments };
    const status = referralStatus(facts);
    const reason = closedReason(facts);
    const booked = appointments.find((a) => a.status === 'booked');
    out.push({
      name: 'referral',
      part: [
        { name: 'request', resource: request },
        { name: 'status', valueCoding: { system: REFERRAL_STATUS_SYSTEM, code: status, display: REFERRAL_STATUSES[status] } },
        ...(reason ? [{ name: 'reason', valueString: reason }] : []),
        ...(booked?.start ? [{ name: 'appointmentStart', valueDateTime: booked.start }] : []),
      ],
    });
  }
  return out;
}
