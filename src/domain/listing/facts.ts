/**
 * @module domain/listing/facts
 * What the listing rules need, read with the server's rights (catalogue data and the person's own
 * listings, to decide; not shown to the caller): a unit's listing service, cap, region and position;
 * a doctor's role and cap; the person's listings; counts of listed patients. Nothing here writes.
 */
import type { EpisodeOfCare, Extension, HealthcareService, Location, Organization, PractitionerRole } from '@medplum/fhirtypes';
import { errors } from '../../fhir/error.js';
import type { ServerRepository } from '../repository.js';
import { FAST_LAKARKONTAKT, LISTING_SERVICE_TYPE, LISTING_SETTINGS, LISTING_TYPE, OAUTH_CLIENT_SYSTEM } from './codes.js';

export interface UnitFacts {
  /** `Organization/x`. */
  ref: string;
  name: string;
  organization: Organization;
  service?: HealthcareService;
  open: boolean;
  cap?: number;
  /** `Organization/x` of the region (the top of `partOf`). */
  region?: Organization;
  /** The county (län) of the region, from its address `district`. */
  county?: string;
  position?: { latitude: number; longitude: number };
}

const sub = (ext: Extension[] | undefined, url: string, name: string): Extension | undefined =>
  ext?.find((e) => e.url === url)?.extension?.find((e) => e.url === name);

export const idOf = (ref: string): string => ref.slice(ref.indexOf('/') + 1);

/** The unit (`Organization/x`) as listing sees it; 404 when it is not known. */
export async function unitFacts(server: ServerRepository, ref: string): Promise<UnitFacts> {
  const organization = await server.lookup<Organization>('Organization', idOf(ref));
  if (!organization) throw errors.notFound(`${ref} is not known`);
  const [service] = await server.find<HealthcareService>('HealthcareService', [
    ['organization', ref],
    ['service-type', `${LISTING_SERVICE_TYPE.system}|${LISTING_SERVICE_TYPE.code}`],
  ], 1);
  const open = service !== undefined && service.active !== false && sub(service.extension, LISTING_SETTINGS, 'open')?.valueBoolean !== false;
  const cap = sub(service?.extension, LISTING_SETTINGS, 'cap')?.valueInteger;
  const region = await regionOf(server, organization);
  const [location] = await server.find<Location>('Location', [['organization', ref]], 1);
  const position = location?.position ? { latitude: location.position.latitude, longitude: location.position.longitude } : undefined;
  const county = region?.address?.find((a) => a.district)?.district;
  return {
    ref,
    name: organization.name ?? ref,
    organization,
    ...(service ? { service } : {}),
    open,
    ...(cap !== undefined ? { cap } : {}),
    ...(region ? { region } : {}),
    ...(county ? { county } : {}),
    ...(position ? { position } : {}),
  };
}

/** The top of the unit's `partOf` chain (the region), or undefined for a unit without one. */
async function regionOf(server: ServerRepository, unit: Organization): Promise<Organization | undefined> {
  let current = unit;
  for (let depth = 0; depth < 10 && current.partOf?.reference?.startsWith('Organization/'); depth++) {
    const parent = await server.lookup<Organization>('Organization', idOf(current.partOf.reference));
    if (!parent) break;
    current = parent;
  }
  return current === unit ? undefined : current;
}

/** The OAuth client id of the region's systems, if the region names one. */
export function regionClient(region: Organization | undefined): string | undefined {
  return region?.identifier?.find((i) => i.system === OAUTH_CLIENT_SYSTEM)?.value;
}

export interface DoctorFacts {
  role: PractitionerRole;
  /** `Practitioner/x`: what EpisodeOfCare.careManager names. */
  practitioner: string;
  cap?: number;
}

/**
 * The fast läkarkontakt chosen (`PractitionerRole/x`, or `Practitioner/x` with a role at the unit):
 * 404 when unknown, 422 when they do not work at the unit or do not take patients.
 */
export async function doctorFacts(server: ServerRepository, ref: string, unit: UnitFacts): Promise<DoctorFacts> {
  const roles = ref.startsWith('PractitionerRole/')
    ? [await server.lookup<PractitionerRole>('PractitionerRole', idOf(ref))].filter((r) => r !== undefined)
    : await server.find<PractitionerRole>('PractitionerRole', [['practitioner', ref]], 50);
  if (!roles.length) throw errors.notFound(`${ref} is not known`);
  const role = roles.find((r) => r.organization?.reference === unit.ref && r.active !== false);
  if (!role) throw errors.businessRule(`${ref} does not work at ${unit.name}; choose a fast läkarkontakt there`, ['practitioner']);
  const accepting = sub(role.extension, FAST_LAKARKONTAKT, 'accepting')?.valueBoolean === true;
  if (!accepting || !role.practitioner?.reference) throw errors.businessRule(`${ref} does not take patients as fast läkarkontakt at ${unit.name}`, ['practitioner']);
  const cap = sub(role.extension, FAST_LAKARKONTAKT, 'cap')?.valueInteger;
  return { role, practitioner: role.practitioner.reference, ...(cap !== undefined ? { cap } : {}) };
}

/** Every listing of the person (any status), through the server's door. */
export function listingsOf(server: ServerRepository, patient: string): Promise<EpisodeOfCare[]> {
  return server.findAll<EpisodeOfCare>('EpisodeOfCare', [['patient', patient], ['type', `${LISTING_TYPE.system}|${LISTING_TYPE.code}`]]);
}

/** Listings of `status` at a unit (optionally with one careManager). */
export function listingsAt(server: ServerRepository, unit: string, status: EpisodeOfCare['status'], careManager?: string): Promise<EpisodeOfCare[]> {
  return server.findAll<EpisodeOfCare>('EpisodeOfCare', [
    ['organization', unit],
    ['status', status],
    ['type', `${LISTING_TYPE.system}|${LISTING_TYPE.code}`],
    ...(careManager ? ([['care-manager', careManager]] as [string, string][]) : []),
  ]);
}

/** How many are listed (active) at a unit, or with one doctor there. Counted in SQL on the index. */
export function countListed(server: ServerRepository, unit: string, careManager?: string): Promise<number> {
  const req = server.parseSearch(['EpisodeOfCare'], [
    ['organization', unit],
    ['status', 'active'],
    ['type', `${LISTING_TYPE.system}|${LISTING_TYPE.code}`],
    ...(careManager ? ([['care-manager', careManager]] as [string, string][]) : []),
  ]);
  return server.count(req);
}

/** Every unit that takes listings (its listing HealthcareService), for offering alternatives. */
export async function listingUnits(server: ServerRepository): Promise<string[]> {
  const services = await server.findAll<HealthcareService>('HealthcareService', [['service-type', `${LISTING_SERVICE_TYPE.system}|${LISTING_SERVICE_TYPE.code}`], ['active', 'true']]);
  return [...new Set(services.map((s) => s.providedBy?.reference).filter((r): r is string => r !== undefined))];
}
