/**
 * @module http/fhir/operations/triage
 * The $operations of the triage e-service (see src/domain/triage/).
 */
import type { OperationDef } from './operation.js';

export const triageOperations: OperationDef[] = [];
