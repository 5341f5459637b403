/**
 * @module domain/growth/measures
 * Which Observations are growth measurements (LOINC codes of the FHIR vital signs profile and those
 * common apps send), and their values in the units the references use: kg, cm and kg/m². Any UCUM
 * unit of the right kind is converted (g → kg, mm or [in_i] → cm); a unit that is not a mass, a
 * length or a mass per area is refused. Also the write-time check that refuses such an Observation
 * with 422 (wired into the validator in src/app.ts). Pure.
 */
import type { Observation, Quantity, Resource } from '@medplum/fhirtypes';
import type { Issue } from '../../fhir/error.js';
import { canonicalQuantity } from '../../fhir/search/values/ucum.js';

export const MEASURES = ['weight', 'height', 'head-circumference', 'bmi'] as const;
export type Measure = (typeof MEASURES)[number];

export const LOINC = 'http://loinc.org';
export const UCUM = 'http://unitsofmeasure.org';

/** LOINC code → measure, and for lengths how the child was measured when the code says so. */
export const GROWTH_CODES: Record<string, { measure: Measure; position?: 'lying' | 'standing' }> = {
  '29463-7': { measure: 'weight' }, // Body weight
  '3141-9': { measure: 'weight' }, // Body weight Measured (sent by many devices and apps)
  '8302-2': { measure: 'height' }, // Body height (position not stated)
  '8306-3': { measure: 'height', position: 'lying' }, // Body height --lying (length)
  '8308-9': { measure: 'height', position: 'standing' }, // Body height --standing
  '9843-4': { measure: 'head-circumference' }, // Head Occipital-frontal circumference
  '8287-5': { measure: 'head-circumference' }, // Head circumference by tape measure (common apps)
  '39156-5': { measure: 'bmi' }, // Body mass index (BMI) [Ratio]
};

/** The LOINC codes of one measure, for the search that fetches them. */
export function codesOf(measure: Measure): string[] {
  return Object.entries(GROWTH_CODES)
    .filter(([, v]) => v.measure === measure)
    .map(([code]) => code);
}

/** The unit each measure is charted in, and the UCUM base unit (with its factor) it converts from. */
export const UNITS: Record<Measure, { unit: string; ucum: string; base: string; factor: number; kind: string }> = {
  weight: { unit: 'kg', ucum: 'kg', base: 'g', factor: 1 / 1000, kind: 'a mass (kg, g, [lb_av])' },
  height: { unit: 'cm', ucum: 'cm', base: 'm', factor: 100, kind: 'a length (cm, mm, m, [in_i])' },
  'head-circumference': { unit: 'cm', ucum: 'cm', base: 'm', factor: 100, kind: 'a length (cm, mm, m, [in_i])' },
  bmi: { unit: 'kg/m²', ucum: 'kg/m2', base: 'g.m-2', factor: 1 / 1000, kind: 'a mass per area (kg/m2)' },
};

/** The growth measure an Observation records, from its LOINC codes (the first that is one). */
export function growthCode(obs: Observation): { measure: Measure; position?: 'lying' | 'standing' } | undefined {
  for (const c of obs.code?.coding ?? []) {
    if (c.system === LOINC && c.code && GROWTH_CODES[c.code]) return GROWTH_CODES[c.code];
  }
  return undefined;
}

export type Converted = { ok: true; value: number } | { ok: false; problem: string };

/**
 * The quantity in the measure's chart unit. The UCUM code is read from `code` (with system UCUM or
 * none), else from `unit`, since some apps send only `unit: "kg"`.
 */
export function toChartUnit(measure: Measure, q: Quantity): Converted {
  const target = UNITS[measure];
  if (q.value === undefined || !Number.isFinite(q.value)) return { ok: false, problem: 'the quantity has no value' };
  if (q.system !== undefined && q.system !== UCUM) return { ok: false, problem: `the unit must be UCUM (${UCUM}), not ${q.system}` };
  const code = q.code ?? q.unit;
  if (!code) return { ok: false, problem: `the quantity has no unit; it must be ${target.kind}` };
  const canonical = canonicalQuantity(String(q.value), code);
  if (!canonical || canonical.code !== target.base) return { ok: false, problem: `the unit "${code}" is not ${target.kind}` };
  // 12 significant digits drop the binary noise of the factor (8400 g → 8.4 kg, not 8.400000000000001).
  return { ok: true, value: Number((Number(canonical.value) * target.factor).toPrecision(12)) };
}

/** Write-time check: a growth Observation's valueQuantity must be of the measure's kind (422 otherwise). */
export function checkGrowthUnits(resource: Resource): Issue[] {
  if (resource.resourceType !== 'Observation') return [];
  const growth = growthCode(resource);
  const q = resource.valueQuantity;
  if (!growth || !q || q.value === undefined) return [];
  // Only a UCUM unit can be judged here; another system's unit (a SNOMED CT kg) is stored as sent and
  // listed on the chart without a score.
  if (q.system !== undefined && q.system !== 'http://unitsofmeasure.org') return [];
  const converted = toChartUnit(growth.measure, q);
  if (converted.ok) return [];
  return [{ severity: 'error', code: 'value', diagnostics: `A ${growth.measure} Observation: ${converted.problem}`, expression: ['Observation.valueQuantity'] }];
}
