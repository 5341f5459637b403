/**
 * @module domain/monitoring/chart
 * A measurement series as an SVG line chart (`Observation/$chart`): the patient's yellow and red bands
 * shaded, Swedish local time on the axis, each point a link to its Observation. Pure: the caller
 * gives the points (already in one unit) and the limits; values and times are escaped, nothing else
 * from the request reaches the markup.
 */
import type { Range } from '@medplum/fhirtypes';
import { stockholmWallClock } from '../booking/time.js';

export interface ChartPoint {
  id: string;
  at: number;
  value: number;
}

export interface ChartInput {
  title: string;
  unit: string;
  start: number;
  end: number;
  points: readonly ChartPoint[];
  yellow?: Range;
  red?: Range;
  /** The FHIR base URL, for the links. */
  baseUrl: string;
}

const W = 800;
const H = 360;
const PAD = { left: 56, right: 16, top: 36, bottom: 48 };

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const num = (x: number): string => String(Math.round(x * 100) / 100);

export function chartSvg(i: ChartInput): string {
  const limits = [i.yellow?.low?.value, i.yellow?.high?.value, i.red?.low?.value, i.red?.high?.value].filter((v): v is number => v !== undefined);
  const values = [...i.points.map((p) => p.value), ...limits];
  let lo = values.length ? Math.min(...values) : 0;
  let hi = values.length ? Math.max(...values) : 1;
  const margin = (hi - lo || Math.abs(hi) || 1) * 0.1;
  lo -= margin;
  hi += margin;
  const span = Math.max(1, i.end - i.start);
  const x = (t: number) => PAD.left + ((t - i.start) / span) * (W - PAD.left - PAD.right);
  const y = (v: number) => PAD.top + (1 - (v - lo) / (hi - lo)) * (H - PAD.top - PAD.bottom);
  const top = PAD.top;
  const bottom = H - PAD.bottom;
  const band = (cls: string, from: number, to: number) => {
    const y1 = Math.max(top, Math.min(bottom, y(to)));
    const y2 = Math.max(top, Math.min(bottom, y(from)));
    return y2 > y1 ? `<rect class="${cls}" data-from="${num(from)}" data-to="${num(to)}" x="${PAD.left}" y="${num(y1)}" width="${W - PAD.left - PAD.right}" height="${num(y2 - y1)}"/>` : '';
  };
  const parts: string[] = [];
  // Red outside the red range, yellow between it and the yellow range (an open side reaches the edge).
  const rLo = i.red?.low?.value;
  const rHi = i.red?.high?.value;
  const yLo = i.yellow?.low?.value;
  const yHi = i.yellow?.high?.value;
  if (rLo !== undefined) parts.push(band('band-red', lo, rLo));
  if (rHi !== undefined) parts.push(band('band-red', rHi, hi));
  if (yLo !== undefined) parts.push(band('band-yellow', rLo ?? lo, yLo));
  if (yHi !== undefined) parts.push(band('band-yellow', yHi, rHi ?? hi));
  parts.push(axes(i, x, y, lo, hi));
  const sorted = [...i.points].sort((a, b) => a.at - b.at);
  if (sorted.length > 1) parts.push(`<polyline class="line" fill="none" stroke="#1f4e8c" stroke-width="2" points="${sorted.map((p) => `${num(x(p.at))},${num(y(p.value))}`).join(' ')}"/>`);
  for (const p of sorted) {
    const when = stockholmWallClock(new Date(p.at));
    parts.push(
      `<a href="${esc(`${i.baseUrl}/Observation/${p.id}`)}"><circle class="point" data-id="${esc(p.id)}" data-value="${num(p.value)}" data-time="${new Date(p.at).toISOString()}" cx="${num(x(p.at))}" cy="${num(y(p.value))}" r="4" fill="#1f4e8c"><title>${esc(`${when.date} ${when.time}: ${num(p.value)} ${i.unit}`)}</title></circle></a>`,
    );
  }
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" font-family="sans-serif" font-size="12" role="img" aria-label="${esc(i.title)}">`,
    '<style>.band-red{fill:#f4b6b6}.band-yellow{fill:#f9e79f}.axis{stroke:#555}.grid{stroke:#ddd}</style>',
    `<text x="${PAD.left}" y="20" font-size="14" font-weight="bold">${esc(`${i.title} (${i.unit})`)}</text>`,
    ...parts,
    '</svg>',
  ].join('\n');
}

/** Axes: five value ticks, and a tick per day (Swedish midnight) or fewer for long periods. */
function axes(i: ChartInput, x: (t: number) => number, y: (v: number) => number, lo: number, hi: number): string {
  const out: string[] = [];
  const bottom = H - PAD.bottom;
  out.push(`<line class="axis" x1="${PAD.left}" y1="${PAD.top}" x2="${PAD.left}" y2="${bottom}"/>`, `<line class="axis" x1="${PAD.left}" y1="${bottom}" x2="${W - PAD.right}" y2="${bottom}"/>`);
  for (let k = 0; k <= 4; k++) {
    const v = lo + ((hi - lo) * k) / 4;
    out.push(`<line class="grid" x1="${PAD.left}" y1="${num(y(v))}" x2="${W - PAD.right}" y2="${num(y(v))}"/><text x="${PAD.left - 6}" y="${num(y(v) + 4)}" text-anchor="end">${num(v)}</text>`);
  }
  const days = (i.end - i.start) / 86_400_000;
  const every = Math.max(1, Math.ceil(days / 10));
  const ticks: number[] = [];
  for (let t = i.start, n = 0; t <= i.end && n < 400; t += 86_400_000, n++) if (n % every === 0) ticks.push(t);
  for (const t of ticks) {
    const w = stockholmWallClock(new Date(t));
    const [, m, d] = w.date.split('-');
    // The last label would run off the right edge if centred.
    const anchor = x(t) > W - PAD.right - 40 ? 'end' : 'middle';
    out.push(`<text class="tick" data-time="${new Date(t).toISOString()}" x="${num(x(t))}" y="${bottom + 16}" text-anchor="${anchor}">${Number(d)}/${Number(m)} ${w.time}</text>`);
  }
  out.push(`<text x="${W - PAD.right}" y="${H - 8}" text-anchor="end">Svensk tid</text>`);
  return out.join('\n');
}
