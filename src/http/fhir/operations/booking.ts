/**
 * @module http/fhir/operations/booking
 * The $operations of the booking e-service (see src/domain/booking/).
 */
import type { OperationDef } from './operation.js';

export const bookingOperations: OperationDef[] = [];
