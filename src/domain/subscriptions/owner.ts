/**
 * @module domain/subscriptions/owner
 * Who a Subscription delivers to, and so what it may carry: the person or client that last wrote it.
 * The server stamps them on every client write (an extension the client cannot set), and delivery
 * applies that owner's access policy (DOMAIN.md section 5) to every event, so a subscriber never
 * receives a resource it may not read. Only system clients and staff administrators may write
 * Subscriptions (auth/policy.ts); a citizen cannot.
 */
import type { Extension, Resource, Subscription } from '@medplum/fhirtypes';
import { accessFilter, type Access } from '../../auth/policy.js';
import type { Principal, StaffRole } from '../../auth/principal.js';
import { parseScopes } from '../../auth/scopes.js';
import type { AccessFilter } from '../../store/store.js';
import type { Acting } from '../repository.js';

export const OWNER_EXTENSION = 'https://lots.example/fhir/StructureDefinition/subscription-owner';

export interface Owner {
  principal: Principal;
  access: Access;
}

/** Sets the owner of a Subscription written by a caller; a write by the server itself keeps it. */
export function stampOwner(resource: Resource, acting: Acting): void {
  if (resource.resourceType !== 'Subscription' || acting.software) return;
  const s = resource as Subscription;
  const others = (s.extension ?? []).filter((e) => e.url !== OWNER_EXTENSION);
  s.extension = [...others, ownerExtension(acting.principal)];
}

function ownerExtension(p: Principal): Extension {
  const part: Extension[] = [
    { url: 'kind', valueCode: p.kind },
    { url: 'id', valueString: p.kind === 'staff' ? p.hsaId : p.kind === 'citizen' ? 'citizen' : p.clientId },
    { url: 'scope', valueString: p.scope },
  ];
  if (p.kind === 'staff') {
    for (const u of p.units) part.push({ url: 'unit', valueString: u.replace(/^Organization\//, '') });
    for (const r of p.roles) part.push({ url: 'role', valueCode: r });
  }
  return { url: OWNER_EXTENSION, extension: part };
}

/** The owner stamped on `s`, or undefined (then nothing is delivered). */
export function ownerOf(s: Subscription): Owner | undefined {
  const ext = s.extension?.find((e) => e.url === OWNER_EXTENSION)?.extension ?? [];
  const one = (url: string) => ext.find((e) => e.url === url);
  const kind = one('kind')?.valueCode;
  const id = one('id')?.valueString ?? '';
  const scope = one('scope')?.valueString ?? '';
  const grants = parseScopes(scope);
  if (kind === 'system') return { principal: { kind: 'system', clientId: id, scope, grants }, access: { kind: 'unrestricted' } };
  if (kind === 'staff') {
    const units = ext.filter((e) => e.url === 'unit').map((e) => e.valueString ?? '');
    const roles = ext.filter((e) => e.url === 'role').map((e) => e.valueCode as StaffRole);
    return { principal: { kind: 'staff', hsaId: id, units, roles, scope, grants, clientId: 'lots-subscriptions' }, access: { kind: 'staff', units, roles } };
  }
  return undefined;
}

/** What the owner may read, as the store's filter (undefined: everything). */
export function ownerFilter(o: Owner): AccessFilter | undefined {
  return accessFilter(o.access, o.principal.grants, 'r');
}

/**
 * Hides a Subscription's channel headers (they carry the endpoint's secrets, e.g. an Authorization
 * token) from everybody but its owner; the server's own work (delivery) sees them. A caller who is not
 * the owner and writes the Subscription back becomes its owner, with the headers they send.
 */
export function hideOthersSecrets(type: string, json: string, acting: Acting): string {
  if (type !== 'Subscription' || acting.software || !json.includes('"header"')) return json;
  const s = JSON.parse(json) as Subscription;
  if (!s.channel?.header || isOwner(s, acting.principal)) return json;
  const { header: _hidden, ...channel } = s.channel;
  return JSON.stringify({ ...s, channel });
}

function isOwner(s: Subscription, p: Principal): boolean {
  return ownerKey(s) === `${p.kind}/${p.kind === 'staff' ? p.hsaId : p.kind === 'system' ? p.clientId : ''}`;
}

/** `kind/id` of the owner stamped on `s` (empty when none). */
export function ownerKey(s: Subscription): string {
  const ext = s.extension?.find((e) => e.url === OWNER_EXTENSION)?.extension ?? [];
  const kind = ext.find((e) => e.url === 'kind')?.valueCode;
  const id = ext.find((e) => e.url === 'id')?.valueString;
  return kind ? `${kind}/${id ?? ''}` : '';
}
