/**
 * @module http/auth/smart/code
 * Authorization codes (RFC 6749 section 4.1.2): 60 seconds, single-use, kept hashed with what they
 * stand for: the grant the person consented to, the redirect URI and the PKCE challenge they are bound to.
 */
import { consented } from '../../../auth/smart/consent-scopes.js';
import { CODE_TTL_SECONDS, type GrantData } from '../../../auth/smart/grant.js';
import { hashOpaque, newOpaque } from '../../../auth/smart/secrets.js';
import type { AuthDeps } from '../deps.js';
import type { AuthRequest } from './request-state.js';

export interface CodeData {
  grant: GrantData;
  redirectUri: string;
  codeChallenge: string;
}

/** A new grant (of the scopes the person left ticked) and the code that carries it to the app. */
export async function issueCode(deps: AuthDeps, r: AuthRequest, ticked: string[]): Promise<string> {
  const grant: GrantData = {
    person: r.person!,
    scope: consented(r.grantable!, ticked).join(' '),
    needPatientBanner: !r.launch,
    authTime: r.authTime ?? Math.floor(Date.now() / 1000),
    ...(r.patient ? { patient: r.patient } : {}),
    ...(r.launch?.context.encounter ? { encounter: r.launch.context.encounter } : {}),
    ...(r.fhirUser ? { fhirUser: r.fhirUser } : {}),
    ...(r.nonce ? { nonce: r.nonce } : {}),
  };
  const grantId = crypto.randomUUID();
  await deps.smart.createGrant(grantId, r.clientId);
  const code = newOpaque();
  const data: CodeData = { grant, redirectUri: r.redirectUri, codeChallenge: r.codeChallenge };
  await deps.smart.put(hashOpaque(code), { kind: 'code', grantId, clientId: r.clientId, data: JSON.stringify(data), expiresAt: new Date(Date.now() + CODE_TTL_SECONDS * 1000) });
  return code;
}
