/**
 * @module http/auth/demo-identity
 * The checks of the demo login (the stand-in for BankID and SITHS), shared by `POST /auth/demo/token`
 * and the SMART login page: a valid personnummer, or an HSA-id with existing units and known roles.
 */
import type { Organization } from '@medplum/fhirtypes';
import { STAFF_ROLES, type StaffRole } from '../../auth/principal.js';
import { find, type Lookup } from '../../auth/resolve-access.js';
import type { Person } from '../../auth/smart/grant.js';
import { swedishIdProblem } from '../../fhir/identifiers/personnummer.js';
import { OAuthError } from './oauth-error.js';

const HSA_ID = /^SE\d{10}-[A-Za-z0-9]+$/;

export function citizenIdentity(personnummer: string): Person {
  const problem = swedishIdProblem(personnummer, 'personnummer');
  if (problem) throw new OAuthError(400, 'invalid_request', problem);
  return { kind: 'citizen', personnummer };
}

export async function staffIdentity(lookup: Lookup, hsaId: string, units: string[], roles: string[]): Promise<Person & { kind: 'staff' }> {
  if (!HSA_ID.test(hsaId)) throw new OAuthError(400, 'invalid_request', 'hsa_id must look like SE2321000065-P000000123456');
  if (units.length === 0) throw new OAuthError(400, 'invalid_request', 'Give at least one unit (an Organization id, e.g. Organization/abc)');
  const bad = roles.filter((r) => !(STAFF_ROLES as readonly string[]).includes(r));
  if (roles.length === 0 || bad.length) throw new OAuthError(400, 'invalid_request', `role must be one or more of ${STAFF_ROLES.join(', ')}`);
  const unitRefs = units.map((u) => (u.startsWith('Organization/') ? u : `Organization/${u}`));
  const ids = unitRefs.map((u) => u.slice('Organization/'.length));
  const badId = ids.find((id) => !/^[A-Za-z0-9.-]{1,64}$/.test(id));
  if (badId !== undefined) throw new OAuthError(400, 'invalid_request', `unit "${badId}" is not an Organization id`);
  const found = new Set((await find<Organization>(lookup, 'Organization', [['_id', ids.join(',')]], ids.length)).map((o) => o.id));
  const missing = unitRefs.filter((_, i) => !found.has(ids[i]));
  if (missing.length) throw new OAuthError(400, 'invalid_request', `No such unit on this server: ${missing.join(', ')} (units are Organization ids, e.g. vc-centrum after npm run seed)`);
  return { kind: 'staff', hsaId, units: unitRefs, roles: roles as StaffRole[] };
}
