/**
 * @module domain/growth/parameters
 * The `$growth-chart` answer as a FHIR Parameters resource: the references used, one `point` per day
 * and the `curve` lines (docs/growth.md shows its shape). Pure.
 */
import type { Parameters, ParametersParameter } from '@medplum/fhirtypes';
import type { Chart, ScoredPoint } from './chart.js';
import { UCUM, UNITS } from './measures.js';

function point(p: ScoredPoint, chart: Chart): ParametersParameter {
  const u = UNITS[chart.measure];
  const part: ParametersParameter[] = [
    { name: 'date', valueDate: p.date },
    { name: 'ageDays', valueInteger: p.ageDays },
  ];
  if (p.value !== undefined) part.push({ name: 'value', valueQuantity: { value: Math.round(p.value * 1000) / 1000, unit: u.unit, system: UCUM, code: u.ucum } });
  if (p.sdScore !== undefined) part.push({ name: 'sdScore', valueDecimal: p.sdScore }, { name: 'percentile', valueDecimal: p.percentile! });
  if (p.reference) part.push({ name: 'reference', valueId: p.reference });
  if (p.computed) part.push({ name: 'computed', valueBoolean: true });
  for (const ref of p.observations) part.push({ name: 'observation', valueReference: { reference: ref } });
  if (p.note) part.push({ name: 'note', valueString: p.note });
  return { name: 'point', part };
}

export function chartParameters(chart: Chart): Parameters {
  const refs = [...new Map(chart.tables.map((t) => [t.reference.id, t])).values()];
  const parameter: ParametersParameter[] = [
    { name: 'measure', valueCode: chart.measure },
    ...(chart.sex ? [{ name: 'sex', valueCode: chart.sex }] : []),
    { name: 'fromDays', valueInteger: chart.span.fromDays },
    { name: 'toDays', valueInteger: chart.span.toDays },
    ...refs.map((t) => ({
      name: 'reference',
      part: [
        { name: 'id', valueId: t.reference.id },
        { name: 'name', valueString: t.reference.name },
        { name: 'source', valueUri: t.reference.source },
        { name: 'licence', valueString: t.reference.licence },
        ...chart.tables.filter((x) => x.reference.id === t.reference.id).map((x) => ({ name: 'ages', valueString: `${x.from}–${x.to} ${x.ageUnit}s` })),
      ],
    })),
    ...chart.points.map((p) => point(p, chart)),
    ...chart.curves.map((c) => ({
      name: 'curve',
      part: [{ name: 'sd', valueDecimal: c.sd }, ...c.points.map((p) => ({ name: 'point', part: [{ name: 'ageDays', valueInteger: p.ageDays }, { name: 'value', valueDecimal: p.value }] }))],
    })),
  ];
  return { resourceType: 'Parameters', parameter };
}
