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
  /** Defined by HL7 (its OperationDefinition is in the R4 spec); else by Lots. See `definitionOf`. */
  standard?: boolean;
  /** The canonical of its OperationDefinition when it is defined by an Implementation Guide. */
  canonical?: string;
  levels: readonly OperationLevel[];
  /** Resource types it applies to at type/instance level; undefined = every type. */
  types?: readonly string[];
  /** True when it changes nothing, so GET may call it. */
  affectsState: boolean;
  /** What the token's scopes must allow on the type (default: r, or u when it changes state). */
  scope?: Op;
  handler: (ctx: FhirContext, req: FhirRequest, match: RouteMatch) => Promise<FhirResponse>;
}

const HL7_DEFINITIONS = 'http://hl7.org/fhir/OperationDefinition';
const LOTS_DEFINITIONS = 'https://lots.example/fhir/OperationDefinition';

/**
 * The canonical of an operation's OperationDefinition, derived from its name and first type (HL7's and
 * Lots' own follow the same `<Type>-<name>` pattern), e.g. http://hl7.org/fhir/OperationDefinition/Resource-validate.
 */
export function definitionOf(op: Pick<OperationDef, 'name' | 'types' | 'standard' | 'canonical'>): string {
  if (op.canonical) return op.canonical;
  return `${op.standard ? HL7_DEFINITIONS : LOTS_DEFINITIONS}/${op.types?.[0] ?? 'Resource'}-${op.name}`;
}
