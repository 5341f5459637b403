/**
 * @module domain/catalogue/service
 * Reads for the catalogue's operations (docs/catalogue.md): the facts of a unit's kontaktkort, and the
 * Verksamhetskatalogen search across units by name, service, municipality or postcode. The catalogue
 * is open to everyone (auth/policy.ts CATALOGUE_TYPES); the count of listed patients on the card is
 * read with the server's rights and shows no one.
 */
import { randomUUID } from 'node:crypto';
import type { Bundle, BundleEntry, Composition, HealthcareService, Location, Organization } from '@medplum/fhirtypes';
import { errors } from '../../fhir/error.js';
import { CASE_TYPE_SYSTEM } from '../cases/codes.js';
import { VISIT_TYPE_DISPLAY } from '../booking/codes.js';
import { onlineVisitTypes, parseBookingSettings } from '../booking/settings.js';
import { stockholmDate } from '../calendar/working-days.js';
import type { DomainContext } from '../context.js';
import { LISTING_SERVICE_TYPE, LISTING_SOFTWARE } from '../listing/codes.js';
import { countListed, listingsAt, unitFacts } from '../listing/facts.js';
import { asServer, readResource, searchResources } from '../repository.js';
import { cardSections, contactCard, sectionDiv, type ContactCard } from './contact-card.js';

export interface UnitCard {
  card: ContactCard;
  organization: Organization;
  location?: Location;
  services: HealthcareService[];
}

/** The card of `Organization/id` for the Swedish date `day` (today when absent). */
export async function unitCard(ctx: DomainContext, id: string, day = stockholmDate(new Date())): Promise<UnitCard> {
  const organization = await readResource<Organization>(ctx, 'Organization', id);
  if (!organization) throw errors.notFound(`Organization/${id} is not known`);
  const [location] = await searchResources<Location>(ctx, 'Location', [['organization', `Organization/${id}`], ['status', 'active']], 1);
  const services = await searchResources<HealthcareService>(ctx, 'HealthcareService', [['organization', `Organization/${id}`], ['active', 'true']]);
  const eServices = [...caseTypeLines(services), ...bookingLines(services), ...(await listingLines(ctx, `Organization/${id}`, services))];
  const card = contactCard({ organization, ...(location ? { location } : {}), services, eServices }, day);
  return { card, organization, ...(location ? { location } : {}), services };
}

function caseTypeLines(services: readonly HealthcareService[]): string[] {
  const names = services.flatMap((s) => (s.type ?? []).flatMap((t) => t.coding ?? []).filter((c) => c.system === CASE_TYPE_SYSTEM).map((c) => c.display ?? c.code ?? ''));
  return names.length ? [`Ärenden via 1177: ${[...new Set(names)].join(', ')}`] : [];
}

function bookingLines(services: readonly HealthcareService[]): string[] {
  const types = services.flatMap((s) => {
    const settings = parseBookingSettings(s);
    return settings ? onlineVisitTypes(settings) : [];
  });
  return types.length ? [`Boka tid online: ${[...new Set(types)].map((t) => VISIT_TYPE_DISPLAY[t]).join(', ')}`] : [];
}

async function listingLines(ctx: DomainContext, unit: string, services: readonly HealthcareService[]): Promise<string[]> {
  const listing = services.some((s) => (s.type ?? []).some((t) => (t.coding ?? []).some((c) => c.system === LISTING_SERVICE_TYPE.system && c.code === LISTING_SERVICE_TYPE.code)));
  if (!listing) return ['Listning: tar inte emot listningar'];
  const server = asServer(ctx, LISTING_SOFTWARE).repo;
  const facts = await unitFacts(server, unit);
  if (!facts.open) return ['Listning: stängd för nya listningar'];
  if (facts.cap === undefined || (await countListed(server, unit)) < facts.cap) return ['Listning: öppen för nya listningar'];
  const queue = (await listingsAt(server, unit, 'waitlist')).length;
  return [`Listning: fullt (listningstak ${facts.cap}); ställ dig i kön${queue ? ` (${queue} väntar)` : ''}`];
}

/** The card as a FHIR document: a Composition with one section per part, then the unit's resources. */
export function cardBundle(base: string, u: UnitCard, now = new Date()): Bundle {
  const org = `Organization/${u.organization.id}`;
  const composition: Composition = {
    resourceType: 'Composition',
    id: randomUUID(),
    status: 'final',
    type: { text: 'Kontaktkort' },
    subject: { reference: org, display: u.card.name },
    date: now.toISOString(),
    author: [{ reference: org, display: u.card.name }],
    title: `Kontaktkort: ${u.card.name}`,
    section: cardSections(u.card).map((s) => ({ title: s.title, code: { text: s.code }, text: { status: 'generated', div: sectionDiv(s.lines) } })),
  };
  const entry: BundleEntry[] = [
    { fullUrl: `urn:uuid:${composition.id}`, resource: composition },
    { fullUrl: `${base}/${org}`, resource: u.organization },
    ...(u.location ? [{ fullUrl: `${base}/Location/${u.location.id}`, resource: u.location }] : []),
    ...u.services.map((s) => ({ fullUrl: `${base}/HealthcareService/${s.id}`, resource: s })),
  ];
  return { resourceType: 'Bundle', type: 'document', identifier: { system: 'urn:ietf:rfc:3986', value: `urn:uuid:${randomUUID()}` }, timestamp: now.toISOString(), entry };
}
