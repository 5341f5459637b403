/**
 * @module domain/citizen/settings-service
 * Reading and changing the citizen's contact settings (contact-settings.ts) and donation will
 * (donation.ts). A change is one transaction under a per-patient lock: the current entry becomes
 * inactive and the new one is created (so exactly one is active and the history stays), and for
 * contact sharing the Patient's telecom gets the shared details (DOMAIN.md section 9: telecom only
 * if shared via PU).
 */
import type { Consent, Patient } from '@medplum/fhirtypes';
import { errors } from '../../fhir/error.js';
import { CONTACT_SHARING_CATEGORY } from '../cases/codes.js';
import { contactSharing } from '../cases/notifications.js';
import type { DomainContext } from '../context.js';
import type { Repository, ServerRepository } from '../repository.js';
import { checkSettings, settingsConsent, settingsOf, type ContactSettings } from './contact-settings.js';
import { checkDonationAge, currentEntry, DONATION_CATEGORY, donationConsent, type DonationInput } from './donation.js';
import { hasEmail, hasMobile, ownRecord, serverFor, sharedTelecom } from './own-record.js';

const category = (c: { system: string; code: string }) => ['category', `${c.system}|${c.code}`] as [string, string];

async function activeConsents(repo: ServerRepository, patientId: string, cat: { system: string; code: string }): Promise<Consent[]> {
  return (await repo.find<Consent>('Consent', [['patient', `Patient/${patientId}`], category(cat), ['status', 'active']], 100));
}

/** The transaction's repository keeps the server's rights (the door binds the same acting party). */
const server = (tx: Repository) => tx as ServerRepository;

async function retire(repo: Repository, consents: readonly Consent[]): Promise<void> {
  for (const c of consents) await repo.update({ ...c, status: 'inactive' });
}

export async function readContactSettings(ctx: DomainContext, patientId: string, now = new Date()): Promise<ContactSettings> {
  await ownRecord(ctx, patientId, 'contact settings');
  return settingsOf(contactSharing(await activeConsents(serverFor(ctx).repo, patientId, CONTACT_SHARING_CATEGORY), now));
}

export interface ContactChange extends ContactSettings {
  mobile?: string;
  email?: string;
}

export async function changeContactSettings(ctx: DomainContext, patientId: string, change: ContactChange, now = new Date()): Promise<ContactSettings> {
  const patient = await ownRecord(ctx, patientId, 'contact settings');
  const { mobile, email, ...settings } = change;
  checkSettings(settings);
  if (mobile !== undefined && !settings.shareMobile) throw errors.businessRule('mobile: given but not shared (shareMobile=false)', ['mobile']);
  if (email !== undefined && !settings.shareEmail) throw errors.businessRule('email: given but not shared (shareEmail=false)', ['email']);
  if (settings.shareMobile && mobile === undefined && !hasMobile(patient)) throw errors.businessRule('mobile: give the mobile number to share', ['mobile']);
  if (settings.shareEmail && email === undefined && !hasEmail(patient)) throw errors.businessRule('email: give the e-mail address to share', ['email']);
  const consent = settingsConsent(`Patient/${patientId}`, settings, now);
  await ctx.repo.checkWrite(consent, 'c');
  await serverFor(ctx).repo.transaction(async (tx) => {
    await tx.lock(`contact-settings:${patientId}`);
    await retire(tx, await server(tx).find<Consent>('Consent', [['patient', `Patient/${patientId}`], category(CONTACT_SHARING_CATEGORY), ['status', 'active']], 100));
    await tx.create(consent);
    const current = await server(tx).lookup<Patient>('Patient', patientId);
    if (!current) throw errors.conflict(`Patient/${patientId} was removed meanwhile`);
    const telecom = sharedTelecom(current.telecom ?? [], {
      mobile: settings.shareMobile ? mobile : false,
      email: settings.shareEmail ? email : false,
    });
    if (JSON.stringify(telecom) !== JSON.stringify(current.telecom ?? [])) await tx.update({ ...current, telecom });
  });
  return settings;
}

export async function readDonation(ctx: DomainContext, patientId: string): Promise<Consent | undefined> {
  await ownRecord(ctx, patientId, 'donation will');
  return currentEntry(await activeConsents(serverFor(ctx).repo, patientId, DONATION_CATEGORY));
}

/** Registers the choice (or deletes the entry); returns the entry that now holds. */
export async function registerDonation(ctx: DomainContext, patientId: string, choice: DonationInput, now = new Date()): Promise<Consent | undefined> {
  const patient = await ownRecord(ctx, patientId, 'donation will');
  if (ctx.principal.kind === 'citizen') checkDonationAge(patient.birthDate, now);
  const consent = choice === 'delete' ? undefined : donationConsent(`Patient/${patientId}`, choice, now);
  await ctx.repo.checkWrite(consent ?? donationConsent(`Patient/${patientId}`, 'no', now), 'c');
  return serverFor(ctx).repo.transaction(async (tx) => {
    await tx.lock(`donation:${patientId}`);
    await retire(tx, await server(tx).find<Consent>('Consent', [['patient', `Patient/${patientId}`], category(DONATION_CATEGORY), ['status', 'active']], 100));
    if (!consent) return undefined;
    return JSON.parse((await tx.create(consent)).json!) as Consent;
  });
}
