/**
 * @module domain/booking/resolve
 * Who and where a Schedule (and so its Slots) is for: the unit (Organization) it belongs to, and the
 * practitioner role, room or service and the Location that become an Appointment's participants. A
 * Schedule's actors are a PractitionerRole, a Location (a room) or a HealthcareService, usually with
 * the clinic's Location; the unit is the role's organization, the location's managing organization or
 * the service's provider. Catalogue data, read by the server.
 */
import type { HealthcareService, Location, Organization, Practitioner, PractitionerRole, Reference, Resource, Schedule } from '@medplum/fhirtypes';
import { errors } from '../../fhir/error.js';
import type { ServerRepository } from '../repository.js';

export interface Actor {
  reference: string;
  display?: string;
}

export interface ScheduleFacts {
  schedule: Schedule;
  /** `Organization/x`. */
  unit: string;
  practitionerRole?: Actor;
  location?: Actor;
  healthcareService?: Actor;
}

/** The current version of a resource, or undefined when it does not exist or is deleted. */
export function current<T extends Resource>(server: ServerRepository, type: T['resourceType'], id: string): Promise<T | undefined> {
  return server.lookup<T>(type, id);
}

/** The id in a `Type/id` reference, or 400 naming the parameter. */
export function refId(reference: string | undefined, type: string, what: string): string {
  const m = new RegExp(`^(?:.*/)?${type}/([A-Za-z0-9\\-.]{1,64})$`).exec(reference ?? '');
  if (!m) throw errors.badRequest(`${what} must be a reference to a ${type} (${type}/id); got ${JSON.stringify(reference ?? '')}`, [what]);
  return m[1]!;
}

const typed = (ref: Reference | undefined, type: string): string | undefined => {
  const m = /^([A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})$/.exec(ref?.reference ?? '');
  return m && m[1] === type ? m[2] : undefined;
};

export async function scheduleFacts(store: ServerRepository, scheduleRef: string | undefined): Promise<ScheduleFacts> {
  const id = refId(scheduleRef, 'Schedule', 'Slot.schedule');
  const schedule = await current<Schedule>(store, 'Schedule', id);
  if (!schedule) throw errors.businessRule(`The slot's Schedule/${id} does not exist`);
  let unit: string | undefined;
  const facts: Omit<ScheduleFacts, 'unit'> = { schedule };
  for (const actor of schedule.actor ?? []) {
    const roleId = typed(actor, 'PractitionerRole');
    const locationId = typed(actor, 'Location');
    const serviceId = typed(actor, 'HealthcareService');
    if (roleId && !facts.practitionerRole) {
      const role = await current<PractitionerRole>(store, 'PractitionerRole', roleId);
      if (!role) continue;
      facts.practitionerRole = { reference: `PractitionerRole/${roleId}`, display: actor.display ?? (await practitionerName(store, role)) };
      unit ??= role.organization?.reference;
      const roleLocation = typed(role.location?.[0], 'Location');
      if (roleLocation && !facts.location) facts.location = await locationActor(store, roleLocation);
    } else if (locationId) {
      const location = await current<Location>(store, 'Location', locationId);
      if (!location) continue;
      // A Location named on the Schedule (a room, or the clinic) wins over the role's own.
      facts.location = { reference: `Location/${locationId}`, ...(location.name ? { display: location.name } : {}) };
      unit ??= location.managingOrganization?.reference;
    } else if (serviceId && !facts.healthcareService) {
      const service = await current<HealthcareService>(store, 'HealthcareService', serviceId);
      if (!service) continue;
      facts.healthcareService = { reference: `HealthcareService/${serviceId}`, ...(service.name ? { display: service.name } : {}) };
      unit ??= service.providedBy?.reference;
      const serviceLocation = typed(service.location?.[0], 'Location');
      if (serviceLocation && !facts.location) facts.location = await locationActor(store, serviceLocation);
    }
  }
  if (!unit || !/^Organization\/[A-Za-z0-9\-.]{1,64}$/.test(unit)) {
    throw errors.businessRule(`Schedule/${id} belongs to no unit: name a PractitionerRole, Location or HealthcareService of the unit among its actors`);
  }
  return { ...facts, unit };
}

async function locationActor(store: ServerRepository, id: string): Promise<Actor | undefined> {
  const location = await current<Location>(store, 'Location', id);
  return location ? { reference: `Location/${id}`, ...(location.name ? { display: location.name } : {}) } : undefined;
}

async function practitionerName(store: ServerRepository, role: PractitionerRole): Promise<string | undefined> {
  if (role.practitioner?.display) return role.practitioner.display;
  const id = typed(role.practitioner, 'Practitioner');
  const p = id ? await current<Practitioner>(store, 'Practitioner', id) : undefined;
  const name = p?.name?.[0];
  if (!name) return undefined;
  return name.text ?? [...(name.given ?? []), name.family].filter(Boolean).join(' ');
}

export interface ClinicInfo {
  name: string;
  phone?: string;
}

/** The unit's name and phone number, for messages. */
export async function clinicInfo(store: ServerRepository, unit: string): Promise<ClinicInfo> {
  const org = await current<Organization>(store, 'Organization', refId(unit, 'Organization', 'unit'));
  const phone = org?.telecom?.find((t) => t.system === 'phone')?.value;
  return { name: org?.name ?? unit, ...(phone ? { phone } : {}) };
}
