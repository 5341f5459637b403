/**
 * @module http/fhir/operations/cases
 * The $operations of the cases e-service (see src/domain/cases/).
 */
import type { OperationDef } from './operation.js';

export const casesOperations: OperationDef[] = [];
