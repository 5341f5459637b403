/**
 * @module auth/redact
 * Protected identity (sekretessmarkering, skyddad folkbokföring; DOMAIN.md section 5): the address and
 * contact details of such a person are removed from what system clients receive (exports,
 * integrations, statistics). Staff who can see the patient at their unit, and the person themself,
 * keep them. Cheap when there is nothing to do: a substring test before any parsing.
 */
import type { Resource } from '@medplum/fhirtypes';
import { isProtectedIdentity, PROTECTED_IDENTITY } from './labels.js';
import type { Principal } from './principal.js';

const PERSON_TYPES = new Set(['Patient', 'RelatedPerson', 'Person']);
const HIDDEN = ['address', 'telecom', 'contact', 'photo'];

export function mustRedact(principal: Principal): boolean {
  return principal.kind === 'system';
}

/** The JSON text with protected persons' contact details removed (the same text when there are none). */
export function redactJson(json: string): string {
  if (!PROTECTED_IDENTITY.some((code) => json.includes(code))) return json;
  const value = JSON.parse(json) as Resource;
  return JSON.stringify(redactResource(value));
}

function redactResource(r: Resource): Resource {
  if (r.resourceType === 'Bundle') {
    for (const e of r.entry ?? []) if (e.resource) e.resource = redactResource(e.resource);
    return r;
  }
  if (!PERSON_TYPES.has(r.resourceType) || !isProtectedIdentity(r)) return r;
  const out = { ...r } as Record<string, unknown>;
  for (const key of HIDDEN) delete out[key];
  return out as unknown as Resource;
}
