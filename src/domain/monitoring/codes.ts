/**
 * @module domain/monitoring/codes
 * The canonical URLs and codes of egenmonitorering (home self-monitoring). The templates they name are
 * data in seed/60-monitoring.json; docs/monitoring.md describes the model for clinicians and app makers.
 */
import type { Coding } from '@medplum/fhirtypes';

const BASE = 'https://lots.example/fhir';
const SD = `${BASE}/StructureDefinition`;

/** Lots' extensions (documented in docs/monitoring.md). */
export const EXT = {
  /** On a template action and a regime (ServiceRequest): the yellow and red limits of one quantity. */
  range: `${SD}/monitoring-range`,
  /** On a template action and a regime: the advice the citizen sees for one colour; on an Observation: the advice given. */
  advice: `${SD}/monitoring-advice`,
  /** On a template action and a regime: a rule on the change of the patient's recent values. */
  changeRule: `${SD}/monitoring-change-rule`,
  /** On an evaluated Observation: the colour (green, yellow, red). */
  colour: `${SD}/monitoring-colour`,
} as const;

/** A PlanDefinition is a monitoring template when its topic carries this code. */
export const TEMPLATE_TOPIC: Coding = { system: `${BASE}/CodeSystem/plan-kind`, code: 'monitoring', display: 'Egenmonitorering' };

export const PLAN_TYPE: Coding = { system: 'http://terminology.hl7.org/CodeSystem/plan-definition-type', code: 'clinical-protocol' };

/** The Task a deviation creates, and the one a missed measurement creates. */
export const TASK_CODE_SYSTEM = `${BASE}/CodeSystem/monitoring-task`;
export const ASSESS: Coding = { system: TASK_CODE_SYSTEM, code: 'assess-measurement', display: 'Bedöm mätvärde' };
export const MISSING: Coding = { system: TASK_CODE_SYSTEM, code: 'missing-measurement', display: 'Mätvärde saknas' };
/** Identifies the Task of one missed period of one regime: `<ServiceRequest id>/<first date>`. */
export const MISSED_PERIOD_SYSTEM = `${BASE}/NamingSystem/monitoring-missed-period`;

export const COLOURS = ['green', 'yellow', 'red'] as const;
export type Colour = (typeof COLOURS)[number];
export const isColour = (c: unknown): c is Colour => (COLOURS as readonly unknown[]).includes(c);
export const COLOUR_RANK: Record<Colour, number> = { green: 0, yellow: 1, red: 2 };
export const worst = (a: Colour, b: Colour): Colour => (COLOUR_RANK[a] >= COLOUR_RANK[b] ? a : b);

export const LOINC = 'http://loinc.org';
export const UCUM = 'http://unitsofmeasure.org';
export const INTERPRETATION_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation';
export const VITAL_SIGNS: Coding = { system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs', display: 'Vital Signs' };
