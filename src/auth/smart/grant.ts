/**
 * @module auth/smart/grant
 * What a person's consent to an app amounts to (the grant), and the token claims made from it. The
 * grant travels inside an authorization code and each refresh token (as JSON, stored hashed-keyed);
 * every access token names its grant, so revoking the grant ends them all. Pure.
 */
import type { Principal, StaffRole } from '../principal.js';
import { parseScopes } from '../scopes.js';
import type { IdTokenClaims, LotsClaims } from '../tokens.js';

export type Person = { kind: 'citizen'; personnummer: string } | { kind: 'staff'; hsaId: string; units: string[]; roles: StaffRole[] };

export interface GrantData {
  person: Person;
  /** The scopes granted (space-separated). */
  scope: string;
  /** Launch context: Patient and Encounter ids. */
  patient?: string;
  encounter?: string;
  /** `Patient/x` or `Practitioner/y`: who the person is in FHIR. */
  fhirUser?: string;
  /** Standalone apps show the patient banner; inside an EHR the EHR does. */
  needPatientBanner: boolean;
  nonce?: string;
  /** When the person logged in (seconds since 1970). */
  authTime: number;
}

/** Authorization codes live 60 seconds (the issue; RFC 6749 advises at most 10 minutes). */
export const CODE_TTL_SECONDS = 60;
/** A launch value from an EHR, and an authorization request in progress. */
export const LAUNCH_TTL_SECONDS = 300;
export const REQUEST_TTL_SECONDS = 600;
/** offline_access: until revoked, renewed at each use up to this; online_access: a working day. */
export const REFRESH_TTL_SECONDS = { offline: 30 * 24 * 3600, online: 8 * 3600 } as const;

export const subjectOf = (p: Person): string => (p.kind === 'citizen' ? `personnummer:${p.personnummer}` : `hsa:${p.hsaId}`);

export function principalOf(p: Person, scope: string, clientId: string, smart?: Principal['smart']): Principal {
  const base = { grants: parseScopes(scope), scope, clientId, ...(smart ? { smart } : {}) };
  return p.kind === 'citizen' ? { kind: 'citizen', personnummer: p.personnummer, ...base } : { kind: 'staff', hsaId: p.hsaId, units: p.units, roles: p.roles, ...base };
}

export function accessClaims(g: GrantData, clientId: string, grantId: string): LotsClaims {
  const claims: LotsClaims = { sub: subjectOf(g.person), scope: g.scope, client_id: clientId, lots_kind: g.person.kind, grant: grantId };
  if (g.person.kind === 'citizen') claims.personnummer = g.person.personnummer;
  else Object.assign(claims, { hsa_id: g.person.hsaId, units: g.person.units, roles: g.person.roles });
  if (g.patient) claims.patient = g.patient;
  if (g.fhirUser) claims.fhirUser = g.fhirUser;
  return claims;
}

/** The id_token, when `openid` was granted; fhirUser only with the fhirUser scope (SMART). */
export function idTokenClaims(g: GrantData): IdTokenClaims | undefined {
  const scopes = g.scope.split(' ');
  if (!scopes.includes('openid')) return undefined;
  return {
    sub: subjectOf(g.person),
    auth_time: g.authTime,
    ...(g.nonce ? { nonce: g.nonce } : {}),
    ...(g.fhirUser && scopes.includes('fhirUser') ? { fhirUser: g.fhirUser } : {}),
  };
}

/** The grant narrowed to `scope` (a refresh may ask for less, never more). */
export function narrowed(g: GrantData, scope: string): GrantData {
  return { ...g, scope };
}
