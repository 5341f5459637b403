/**
 * @module domain/context
 * What a domain service needs from a request: who is calling and what they may reach, the door to
 * resources built for them (`repo`, domain/repository.ts), the search registry and validation. The
 * HTTP layer's FhirContext is one of these. There is no store here: resources go through `repo`.
 */
import type { AuditQueue } from '../auth/audit-queue.js';
import type { Access } from '../auth/policy.js';
import type { Principal } from '../auth/principal.js';
import type { Config } from '../config.js';
import type { SearchRegistry } from '../fhir/search/registry.js';
import type { Validator } from '../fhir/validate.js';
import type { Logger } from '../log.js';
import type { Repository } from './repository.js';
import type { GrowthReferences } from './growth/load-references.js';

export interface DomainContext {
  config: Config;
  /** The door to resources, for this caller: policy, validation, write check and access log applied. */
  repo: Repository;
  validator: Validator;
  log: Logger;
  resourceTypes: ReadonlySet<string>;
  searchParams: SearchRegistry;
  /** Who is calling (UNRESTRICTED for the server itself and with LOTS_AUTH=off). */
  principal: Principal;
  /** What the caller may reach, resolved for this request. */
  access: Access;
  audit: AuditQueue;
  /** The growth references loaded at start (LOTS_GROWTH_REFERENCES). */
  growth: GrowthReferences;
}
