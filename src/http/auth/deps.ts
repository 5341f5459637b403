/**
 * @module http/auth/deps
 * What the token issuer's routes need from the composition root, named here so that http/auth does not
 * import app.ts (test/architecture/layering.test.ts): the composition root's `Deps` has all of it.
 */
import type { AuditQueue } from '../../auth/audit-queue.js';
import type { ClientRegistry } from '../../auth/clients.js';
import type { Access } from '../../auth/policy.js';
import type { Principal } from '../../auth/principal.js';
import type { Lookup } from '../../auth/resolve-access.js';
import type { SmartStore } from '../../auth/smart/store.js';
import type { TokenService } from '../../auth/tokens.js';
import type { Config } from '../../config.js';
import type { FhirContext } from '../fhir/types.js';

export interface AuthDeps {
  config: Config;
  tokens: TokenService;
  audit: AuditQueue;
  /** The server's own lookups (logins, launch context): no policy, not logged. */
  lookup: Lookup;
  /** A person's own context, for what they are shown (the patient picker is a logged read). */
  contextFor(principal: Principal, access: Access): FhirContext;
  clients: ClientRegistry;
  smart: SmartStore;
}
