/**
 * @module domain/cases/server
 * What the cases service needs around the repository: acting as the server once it has checked the
 * caller itself, lookups that decide (not reads shown to the caller, so not logged), and the caller's
 * PractitionerRole at a clinic.
 */
import type { Organization, Practitioner, PractitionerRole, Reference, Resource } from '@medplum/fhirtypes';
import { find, type Lookup } from '../../auth/resolve-access.js';
import { UNRESTRICTED, type Principal } from '../../auth/principal.js';
import { errors } from '../../fhir/error.js';
import type { DomainContext } from '../context.js';
import { HSA_ID_SYSTEMS } from './codes.js';

/**
 * The context for writes the server makes on the caller's behalf (a Task owned by the clinic, a
 * Communication, the notification outbox), used only after the service has checked the caller. Access
 * and scopes are unrestricted, but the principal keeps the caller's identity, so the AuditEvents of
 * these writes name the person who made them (the access log must say who, not "the server").
 */
export function asServer(ctx: DomainContext): DomainContext {
  const principal: Principal = { ...ctx.principal, grants: UNRESTRICTED.grants };
  return { ...ctx, principal, access: { kind: 'unrestricted' } };
}

export function lookupOf(ctx: DomainContext): Lookup {
  return { store: ctx.store, registry: ctx.searchParams, resourceTypes: ctx.resourceTypes, baseUrl: ctx.config.baseUrl };
}

/** A search as the server, to decide something (not shown to the caller, so not in the access log). */
export function findAsServer<T extends Resource>(ctx: DomainContext, type: T['resourceType'], params: [string, string][], count = 100): Promise<T[]> {
  return find<T>(lookupOf(ctx), type, params, count);
}

/** The current version as the server, or undefined. */
export async function readAsServer<T extends Resource>(ctx: DomainContext, type: T['resourceType'], id: string): Promise<T | undefined> {
  const v = await ctx.store.read(type, id);
  return v && !v.deleted ? (JSON.parse(v.json!) as T) : undefined;
}

/** `Type/id` -> id when the reference is to `type`; undefined otherwise. */
export function idOf(ref: string | Reference | undefined, type: string): string | undefined {
  const s = typeof ref === 'string' ? ref : ref?.reference;
  if (!s) return undefined;
  const m = /^([A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})$/.exec(s);
  return m && m[1] === type ? m[2] : undefined;
}

/** The clinic (Organization) or a 422 naming the parameter. */
export async function clinic(ctx: DomainContext, unit: string, param = 'unit'): Promise<Organization & { id: string }> {
  const id = idOf(unit, 'Organization');
  const org = id ? await readAsServer<Organization>(ctx, 'Organization', id) : undefined;
  if (!org) throw errors.businessRule(`${param}: ${unit} is not a known clinic (Organization)`, [param]);
  return org as Organization & { id: string };
}

export const unitName = (org: Organization): string => org.name ?? `Organization/${org.id}`;

/** The staff member's PractitionerRole at the clinic (`PractitionerRole/x`), found by their HSA-id. */
export async function staffRoleAt(ctx: DomainContext, unitId: string): Promise<string | undefined> {
  if (ctx.principal.kind !== 'staff') return undefined;
  const hsaId = ctx.principal.hsaId;
  const people = await findAsServer<Practitioner>(ctx, 'Practitioner', [['identifier', HSA_ID_SYSTEMS.map((s) => `${s}|${hsaId}`).join(',')]], 10);
  if (people.length === 0) return undefined;
  const roles = await findAsServer<PractitionerRole>(ctx, 'PractitionerRole', [
    ['practitioner', people.map((p) => `Practitioner/${p.id}`).join(',')],
    ['organization', `Organization/${unitId}`],
  ], 10);
  const role = roles.find((r) => r.active !== false);
  return role ? `PractitionerRole/${role.id}` : undefined;
}

/** Whether a staff principal works at the unit (by Organization id). */
export function worksAt(principal: Principal, unitId: string): boolean {
  return principal.kind === 'staff' && principal.units.some((u) => u === `Organization/${unitId}` || u === unitId);
}

/** Who made a move, as a Reference for the Task's move record and a Communication's sender. */
export function actorReference(ctx: DomainContext, role: string | undefined, citizenRef?: string): Reference {
  const p = ctx.principal;
  if (p.kind === 'citizen' && citizenRef) return { reference: citizenRef };
  if (p.kind === 'staff') return role ? { reference: role } : { identifier: { system: HSA_ID_SYSTEMS[0], value: p.hsaId } };
  return { display: `System client ${p.clientId}` };
}
