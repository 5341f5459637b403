/**
 * @module domain/citizen/own-record
 * Settings that are the citizen's alone (contact sharing, the donation will): read and changed by the
 * citizen for their own record only (not by a guardian, not by staff, who see only the effect), and
 * read by system clients (the notification sender, the donation registry).
 */
import type { ContactPoint, Patient } from '@medplum/fhirtypes';
import { errors } from '../../fhir/error.js';
import { PERSONNUMMER_SYSTEM } from '../../fhir/identifiers/personnummer.js';
import type { DomainContext } from '../context.js';
import { asServer, readResource } from '../repository.js';
import { CITIZEN_SOFTWARE } from './codes.js';

/** The patient, when the caller is that citizen or a system client; 403 or 404 otherwise. */
export async function ownRecord(ctx: DomainContext, patientId: string, what: string): Promise<Patient> {
  if (ctx.principal.kind === 'staff') throw errors.forbidden(`Staff do not read or change the citizen's ${what}`);
  const patient = await readResource<Patient>(ctx, 'Patient', patientId);
  if (!patient) throw errors.notFound(`Patient/${patientId} is not known`);
  if (ctx.principal.kind === 'citizen') {
    const pnr = ctx.principal.personnummer;
    const self = (patient.identifier ?? []).some((i) => i.system === PERSONNUMMER_SYSTEM && i.value === pnr);
    if (!self) throw errors.forbidden(`Only the citizen themself sets their ${what}`);
  }
  return patient;
}

/** The server's repository acting for the caller (writes logged naming them, with `lots-citizen`). */
export const serverFor = (ctx: DomainContext) => asServer(ctx, CITIZEN_SOFTWARE);

/** Patient.telecom with the shared mobile number and e-mail set, and those no longer shared removed. */
export function sharedTelecom(telecom: readonly ContactPoint[], share: { mobile?: string | false; email?: string | false }): ContactPoint[] {
  const isMobile = (c: ContactPoint) => c.system === 'sms' || (c.system === 'phone' && c.use === 'mobile');
  let out = [...telecom];
  if (share.mobile !== undefined) {
    out = out.filter((c) => !isMobile(c));
    if (share.mobile) out.push({ system: 'phone', use: 'mobile', value: share.mobile });
  }
  if (share.email !== undefined) {
    out = out.filter((c) => c.system !== 'email');
    if (share.email) out.push({ system: 'email', value: share.email });
  }
  return out;
}

export const hasMobile = (p: Patient) => (p.telecom ?? []).some((c) => !!c.value && (c.system === 'sms' || (c.system === 'phone' && c.use === 'mobile')));
export const hasEmail = (p: Patient) => (p.telecom ?? []).some((c) => !!c.value && c.system === 'email');
