/**
 * @module http/fhir/operations/observation-chart
 * `GET Observation/$chart?patient=…&code=…&start=…&end=…` (Lots; docs/monitoring.md) with
 * `Accept: image/svg+xml`: one patient's values of one code (the value, or a component such as
 * systolic 8480-6) as an SVG line chart, the patient's yellow and red bands shaded, Swedish local time
 * on the axis, each point linked to its Observation. The caller's access policy applies; errors are
 * OperationOutcomes as JSON.
 */
import { errors } from '../../../fhir/error.js';
import { chartSchema, collectQuery, parseInput } from '../../../domain/monitoring/schema.js';
import { chart, parseTokens, patientId } from '../../../domain/monitoring/readback.js';
import type { OperationDef } from './operation.js';

export const chartOperation: OperationDef = {
  name: 'chart',
  levels: ['type'],
  types: ['Observation'],
  affectsState: false,
  scope: 's',
  async handler(ctx, req) {
    const i = parseInput(chartSchema, collectQuery(req.query));
    const [code] = parseTokens([i.code]);
    if (!code) throw errors.badRequest('code: name one code, e.g. http://loinc.org|8480-6', ['code']);
    if (!(Date.parse(i.end) > Date.parse(i.start))) throw errors.badRequest('end: must be after start', ['end']);
    if (Date.parse(i.end) - Date.parse(i.start) > 400 * 86_400_000) throw errors.badRequest('end: a chart covers at most 400 days', ['end']);
    const svg = await chart(ctx, { patient: patientId(i.patient, 'patient'), code, start: i.start, end: i.end });
    const bytes = new TextEncoder().encode(svg);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes);
        controller.close();
      },
    });
    return { status: 200, stream, headers: { 'Content-Type': 'image/svg+xml; charset=utf-8', 'Cache-Control': 'no-store' } };
  },
};
