/**
 * @module domain/growth/service
 * The growth chart of one child: reads the child and their measurements as the caller, picks the
 * references the region configured, and builds the chart (chart.ts). Errors are FhirErrors.
 */
import { errors, FhirError } from '../../fhir/error.js';
import type { DomainContext } from '../context.js';
import { buildChart, type Chart } from './chart.js';
import { readChild, readGrowthObservations } from './data.js';
import type { GrowthReferences } from './load-references.js';
import { codesOf, type Measure } from './measures.js';
import { birthDateOf, measurementsOf } from './points.js';
import type { Sex } from './reference.js';

export interface ChartRequest {
  patientId: string;
  measure: Measure;
  /** A reference id: only its tables are used. */
  reference?: string;
  fromDays?: number;
  toDays?: number;
}

export async function growthChart(ctx: DomainContext, refs: GrowthReferences, req: ChartRequest): Promise<Chart> {
  let tables = refs.selection[req.measure];
  if (req.reference !== undefined) {
    tables = tables.filter((t) => t.reference.id === req.reference);
    if (!tables.length) {
      const known = [...new Set(refs.selection[req.measure].map((t) => t.reference.id))].join(', ') || 'none';
      throw errors.badRequest(`reference: "${req.reference}" is not configured for ${req.measure} (configured: ${known})`, ['reference']);
    }
  }
  const child = await readChild(ctx, req.patientId);
  if (!child) throw errors.notFound(`Patient/${req.patientId} is not known`);
  const birthDate = birthDateOf(child);
  if (!birthDate) throw new FhirError(422, { code: 'business-rule', diagnostics: 'The child’s birth date is not known to the day (Patient.birthDate or a personnummer), so ages cannot be computed', expression: ['Patient.birthDate'] });
  const codes = req.measure === 'bmi' ? [...codesOf('bmi'), ...codesOf('weight'), ...codesOf('height')] : codesOf(req.measure);
  const observations = await readGrowthObservations(ctx, req.patientId, codes);
  const sex: Sex | undefined = child.gender === 'male' || child.gender === 'female' ? child.gender : undefined;
  return buildChart({
    measure: req.measure,
    ...(sex ? { sex } : {}),
    tables,
    measurements: measurementsOf(observations, birthDate, req.measure),
    span: { ...(req.fromDays !== undefined ? { fromDays: req.fromDays } : {}), ...(req.toDays !== undefined ? { toDays: req.toDays } : {}) },
  });
}
