/**
 * @module http/fhir/operations/growth-chart
 * `GET Patient/[id]/$growth-chart?measure=weight|height|head-circumference|bmi` (Lots' own operation,
 * docs/growth.md): the child's measurements with SD scores against the configured growth references,
 * and the SD curves. `Accept: image/svg+xml` answers with the chart drawn; anything else with a FHIR
 * Parameters. Optional: `reference` (a reference id), `from` and `to` (ages: 90, 90d, 12w, 6m, 2y).
 */
import { z } from 'zod';
import { collectBody, collectQuery, one, optionalOne, parseInput } from '../../../fhir/parameters.js';
import { errors } from '../../../fhir/error.js';
import { MEASURES } from '../../../domain/growth/measures.js';
import { chartParameters } from '../../../domain/growth/parameters.js';
import { DAYS_PER } from '../../../domain/growth/reference.js';
import { growthChart } from '../../../domain/growth/service.js';
import { renderSvg } from '../../../domain/growth/svg.js';
import type { OperationDef } from './operation.js';

const UNIT: Record<string, number> = { d: DAYS_PER.day, w: DAYS_PER.week, m: DAYS_PER.month, y: DAYS_PER.year };
const age = z
  .string()
  .regex(/^\d{1,5}(\.\d{1,3})?[dwmy]?$/, 'must be an age such as 90, 90d, 12w, 6m or 2y (no unit = days)')
  .transform((s) => Math.round(parseFloat(s) * (UNIT[s.slice(-1)] ?? 1)));

const input = z.strictObject({
  measure: one(z.enum(MEASURES, { error: `must be one of ${MEASURES.join(', ')}` })),
  reference: optionalOne(z.string().min(1)),
  from: optionalOne(age),
  to: optionalOne(age),
});

export const SVG = 'image/svg+xml';

/** True when the Accept header prefers SVG to JSON (by q, then by order). */
export function prefersSvg(accept: string | undefined): boolean {
  if (!accept) return false;
  const ranges = accept.split(',').map((r, i) => {
    const [type = '', ...params] = r.split(';').map((s) => s.trim().toLowerCase());
    const q = params.find((p) => p.startsWith('q='));
    return { type, q: q ? Number(q.slice(2)) : 1, i };
  });
  const best = ranges.filter((r) => r.q > 0 && (r.type === SVG || r.type.includes('json') || r.type === '*/*')).sort((a, b) => b.q - a.q || a.i - b.i)[0];
  return best?.type === SVG;
}

export const growthChartOperation: OperationDef = {
  name: 'growth-chart',
  levels: ['instance'],
  types: ['Patient'],
  affectsState: false,
  async handler(ctx, req, { id }) {
    const p = parseInput(input, req.method === 'POST' ? collectBody(req.body, 'growth-chart') : collectQuery(req.query));
    if (p.from !== undefined && p.to !== undefined && p.to <= p.from) throw errors.badRequest('to: must be an age after from', ['to']);
    const chart = await growthChart(ctx, ctx.growth, {
      patientId: id!,
      measure: p.measure,
      ...(p.reference !== undefined ? { reference: p.reference } : {}),
      ...(p.from !== undefined ? { fromDays: p.from } : {}),
      ...(p.to !== undefined ? { toDays: p.to } : {}),
    });
    if (!prefersSvg(req.headers.accept)) return { status: 200, resource: chartParameters(chart) };
    const body = new Response(renderSvg(chart)).body!;
    return { status: 200, stream: body, headers: { 'Content-Type': `${SVG}; charset=utf-8`, 'Cache-Control': 'no-store' } };
  },
};
