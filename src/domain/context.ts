/**
 * @module domain/context
 * What a domain service needs from a request: the store, who is calling and what they may reach, the
 * search registry, validation and the access log. The HTTP layer's FhirContext is one of these.
 */
import type { AuditQueue } from '../auth/audit-queue.js';
import type { Access } from '../auth/policy.js';
import type { Principal } from '../auth/principal.js';
import type { Config } from '../config.js';
import type { SearchRegistry } from '../fhir/search/registry.js';
import type { Validator } from '../fhir/validate.js';
import type { Logger } from '../log.js';
import type { FhirStore } from '../store/store.js';
import type { Resource } from '@medplum/fhirtypes';
import type { IndexEntries } from '../fhir/search/index-entries.js';
import type { Issue } from '../fhir/error.js';
import type { GrowthReferences } from './growth/load-references.js';

export interface DomainContext {
  config: Config;
  store: FhirStore;
  validator: Validator;
  log: Logger;
  resourceTypes: ReadonlySet<string>;
  searchParams: SearchRegistry;
  /** Who is calling (UNRESTRICTED for the server itself and with LOTS_AUTH=off). */
  principal: Principal;
  /** What the caller may reach, resolved for this request. */
  access: Access;
  audit: AuditQueue;
  /** What a resource is searchable by, and its patient compartments (the store's own extractor). */
  indexer: (resource: Resource) => IndexEntries;
  /** Checks of a resource against other stored resources, run at every write after validation. */
  storedChecks: readonly StoredCheck[];
  /**
   * Set inside a transaction: the resources written so far, whose stored checks run once every entry
   * is written (so that two resources changed together are checked together).
   */
  pendingChecks?: Resource[];
  /** The growth references loaded at start (LOTS_GROWTH_REFERENCES). */
  growth: GrowthReferences;
}

/** Issues with `resource` given what is stored (and written earlier in the same transaction). */
export type StoredCheck = (ctx: DomainContext, resource: Resource) => Promise<Issue[]>;
