/**
 * @module auth/principal
 * Who is calling: a system client, a citizen (by personnummer, standing in for BankID) or a member of
 * staff (by HSA-id with units and roles, standing in for SITHS). Built from a verified token; what they
 * may see is worked out per request (`Access`, see resolve-access.ts).
 */
import type { Grant } from './scopes.js';

/** Personalverktyget's roles (DOMAIN.md section 8), plus `granskare`: reviews the unit's access log. */
export const STAFF_ROLES = ['arendemottagare', 'arendehanterare', 'administrator', 'nurse', 'granskare'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

interface Base {
  /** The token's scopes, parsed. */
  grants: readonly Grant[];
  /** The raw scope string, for audit and the token response. */
  scope: string;
  /** The OAuth client that obtained the token. */
  clientId: string;
  /**
   * Set for tokens of a SMART App Launch: the grant they came from (revoking it ends the token) and
   * the patient in the launch context, to whom `patient/` scopes are limited.
   */
  smart?: { grantId: string; patient?: string };
}

export interface SystemPrincipal extends Base {
  kind: 'system';
}

export interface CitizenPrincipal extends Base {
  kind: 'citizen';
  personnummer: string;
}

export interface StaffPrincipal extends Base {
  kind: 'staff';
  hsaId: string;
  /** Organization ids (the units the person works for). */
  units: readonly string[];
  roles: readonly StaffRole[];
}

export type Principal = SystemPrincipal | CitizenPrincipal | StaffPrincipal;

/** The principal used when LOTS_AUTH=off: everything allowed. */
export const UNRESTRICTED: SystemPrincipal = { kind: 'system', grants: [{ context: 'system', type: '*', ops: new Set(['c', 'r', 'u', 'd', 's']) }], scope: 'system/*.*', clientId: 'lots-auth-off' };
