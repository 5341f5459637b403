/**
 * @module http/middleware/authenticate
 * Verifies the bearer token of a FHIR request and builds the request's FhirContext: who is calling
 * (principal) and what they may reach (access). No token is 401 with `WWW-Authenticate: Bearer`; with
 * LOTS_AUTH=off every request is unrestricted.
 */
import type { MiddlewareHandler } from 'hono';
import { UNRESTRICTED } from '../../../auth/principal.js';
import type { Access } from '../../../auth/policy.js';
import type { Principal } from '../../../auth/principal.js';
import { resolveAccess, type Lookup } from '../../../auth/resolve-access.js';
import type { TokenService } from '../../../auth/tokens.js';
import { FhirError, errors } from '../../../fhir/error.js';
import type { FhirContext } from '../../fhir/types.js';

declare module 'hono' {
  interface ContextVariableMap {
    fhir: FhirContext;
  }
}

export interface AuthenticateOptions {
  base: FhirContext;
  /** Builds the request's context (and its repository) for the caller. */
  contextFor: (principal: Principal, access: Access) => FhirContext;
  /** The server's own lookups for working out what a caller may reach. */
  lookup: Lookup;
  tokens: TokenService;
  enabled: boolean;
  /** Paths (below the FHIR base) that need no token, e.g. `/metadata`. */
  open: readonly string[];
  /** Whether a SMART grant was revoked (its tokens then stop working at once). */
  revoked?: (grantId: string) => Promise<boolean>;
}

export const authenticate = ({ base, contextFor, lookup, tokens, enabled, open, revoked }: AuthenticateOptions): MiddlewareHandler =>
  async function authenticate(c, next) {
    const path = new URL(c.req.url).pathname.slice(base.config.basePath.length) || '/';
    if (!enabled || open.includes(path)) {
      c.set('fhir', contextFor(UNRESTRICTED, { kind: 'unrestricted' }));
      return next();
    }
    const header = c.req.header('authorization');
    const m = /^Bearer\s+(\S+)$/i.exec(header ?? '');
    if (!m) throw challenge(errors.unauthorized('This request needs an access token: Authorization: Bearer <token> (see /fhir/.well-known/smart-configuration)'));
    let principal;
    try {
      principal = await tokens.verify(m[1]!);
    } catch (err) {
      throw err instanceof FhirError ? challenge(err, 'invalid_token') : err;
    }
    if (principal.smart && revoked && (await revoked(principal.smart.grantId))) {
      throw challenge(errors.unauthorized('The access token was revoked (the app lost its access, or its code or refresh token was used twice); log in again'), 'invalid_token');
    }
    const access = await resolveAccess(lookup, principal);
    c.set('fhir', contextFor(principal, access));
    return next();
  };

function challenge(err: FhirError, code?: string): FhirError {
  const value = code ? `Bearer realm="lots", error="${code}", error_description="${err.message.replace(/"/g, "'")}"` : 'Bearer realm="lots"';
  return new FhirError(err.status, err.issues, { ...err.headers, 'WWW-Authenticate': value });
}
