/**
 * @module auth/labels
 * Security labels Lots acts on. Protected identity uses the HL7 Sweden SecurityLabel codes; sealing
 * (försegling) uses Lots' own code, since no standard code exists.
 */
import type { Coding, Resource } from '@medplum/fhirtypes';

export const SE_SECURITY_SYSTEM = 'http://hl7.se/fhir/ig/base/CodeSystem/SecurityLabel';
export const LOTS_SECURITY_SYSTEM = 'https://lots.example/fhir/CodeSystem/security';
/** Försegling: hidden from the citizen's own online access (and from anyone acting for them online). */
export const SEALED = 'forseglad';
export const PROTECTED_IDENTITY = ['sekretessmarkering', 'skyddadFolkbokforing'] as const;

export const hasLabel = (r: Pick<Resource, 'meta'>, system: string, code: string): boolean =>
  (r.meta?.security ?? []).some((c: Coding) => c.system === system && c.code === code);

export const isProtectedIdentity = (r: Pick<Resource, 'meta'>): boolean => PROTECTED_IDENTITY.some((code) => hasLabel(r, SE_SECURITY_SYSTEM, code));

export const isSealed = (r: Pick<Resource, 'meta'>): boolean => hasLabel(r, LOTS_SECURITY_SYSTEM, SEALED);
