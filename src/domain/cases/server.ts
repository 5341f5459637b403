/**
 * @module domain/cases/server
 * What the cases service needs around the repository: acting as the server once it has checked the
 * caller itself, lookups that decide (not reads shown to the caller, so not logged), and the caller's
 * PractitionerRole at a clinic.
 */
import type { Organization, Practitioner, PractitionerRole, Reference, Resource } from '@medplum/fhirtypes';
import type { Principal } from '../../auth/principal.js';
import type { Lookup } from '../../auth/resolve-access.js';
import { errors } from '../../fhir/error.js';
import type { DomainContext } from '../context.js';
import { asServer as serverContext, type ServerRepository } from '../repository.js';
import { HSA_ID_SYSTEMS } from './codes.js';

export const CASES_SOFTWARE = 'lots-cases';

/**
 * The context for writes the server makes on the caller's behalf (a Task owned by the clinic, a
 * Communication, the notification outbox), used only after the service has checked the caller. Through
 * the one door (domain/repository.ts): the access log names the person and `lots-cases` as the software.
 */
export function asServer(ctx: DomainContext): DomainContext & { repo: ServerRepository } {
  return serverContext(ctx, CASES_SOFTWARE);
}

/** A search as the server, to decide something (not shown to the caller, so not in the access log). */
export function findAsServer<T extends Resource>(ctx: DomainContext, type: T['resourceType'], params: [string, string][], count = 100): Promise<T[]> {
  return asServer(ctx).repo.find<T>(type, params, count);
}

/** The server's lookups, for auth's questions (which children a guardian acts for). */
export function lookupOf(ctx: DomainContext): Lookup {
  const server = asServer(ctx).repo;
  return { find: <T extends Resource>(type: string, params: [string, string][], count?: number) => server.find<T>(type as T['resourceType'], params, count) };
}

/** The current version as the server, or undefined (not logged). */
export function readAsServer<T extends Resource>(ctx: DomainContext, type: T['resourceType'], id: string): Promise<T | undefined> {
  return asServer(ctx).repo.lookup<T>(type, id);
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
