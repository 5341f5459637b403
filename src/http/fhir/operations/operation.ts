/**
 * @module http/fhir/operations/operation
 * An `$operation` as data: its name, the levels and types it applies to, whether GET may call it, and
 * its handler. The route table and the CapabilityStatement are both derived from the list of these.
 */
import type { Op } from '../../../auth/scopes.js';
import type { FhirContext, FhirRequest, FhirResponse, RouteMatch } from '../types.js';

export type OperationLevel = 'system' | 'type' | 'instance';

export interface OperationDef {
  name: string;
  /** Canonical of the OperationDefinition, e.g. http://hl7.org/fhir/OperationDefinition/Resource-validate. */
  definition: string;
  levels: readonly OperationLevel[];
  /** Resource types it applies to at type/instance level; undefined = every type. */
  types?: readonly string[];
  /** True when it changes nothing, so GET may call it. */
  affectsState: boolean;
  /** What the token's scopes must allow on the type (default: r, or u when it changes state). */
  scope?: Op;
  handler: (ctx: FhirContext, req: FhirRequest, match: RouteMatch) => Promise<FhirResponse>;
}
