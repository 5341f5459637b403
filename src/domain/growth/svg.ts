/**
 * @module domain/growth/svg
 * The growth chart drawn as SVG, in Swedish, for screens and paper: the SD channels (mean ±1, 2 and
 * 3 SD, as Swedish charts draw them), the child's points joined in date order, the age axis in weeks,
 * months or years depending on the span, and the reference's name, source and licence in the
 * footer. Black and grey only, so it prints. Pure: a string out.
 */
import type { Chart, Curve } from './chart.js';
import { DAYS_PER } from './reference.js';
import { UNITS, type Measure } from './measures.js';

const W = 960;
const H = 680;
const M = { left: 72, right: 86, top: 78, bottom: 112 };
const PLOT_W = W - M.left - M.right;
const PLOT_H = H - M.top - M.bottom;

const TITLES: Record<Measure, string> = { weight: 'Vikt', height: 'Längd', 'head-circumference': 'Huvudomfång', bmi: 'BMI' };
const SD_LABEL = (sd: number) => (sd === 0 ? 'Medel' : `${sd > 0 ? '+' : '−'}${Math.abs(sd)} SD`);

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const fmt = (n: number) => (Math.round(n * 10) / 10).toString();
const dec = (n: number) => fmt(n).replace('.', ',');

interface Tick {
  at: number;
  label?: string;
}

/** Age ticks: weeks for a young infant's span, months up to two years, years beyond. */
export function ageTicks(fromDays: number, toDays: number): { major: Tick[]; minor: number[]; title: string } {
  const span = toDays - fromDays;
  // Half a day of slack: one year (365.25 days) ends a 365-day chart.
  const within = (d: number) => d >= fromDays - 0.5 && d <= toDays + 0.5;
  if (span <= 120) {
    const major: Tick[] = [];
    for (let w = Math.ceil(fromDays / 7); w * 7 <= toDays; w++) major.push({ at: w * 7, label: `${w}` });
    const minor = range(Math.ceil(fromDays), toDays, 1);
    return { major, minor, title: 'Ålder (veckor)' };
  }
  if (span <= 2 * 365.25 + 2) {
    const every = span > 400 ? 2 : 1;
    const major: Tick[] = [];
    for (let m = Math.ceil(fromDays / DAYS_PER.month); m * DAYS_PER.month <= toDays + 1; m++) {
      const at = m * DAYS_PER.month;
      if (!within(at)) continue;
      major.push(m % every === 0 ? { at, label: m % 12 === 0 && m > 0 ? `${m / 12} år` : `${m}` } : { at });
    }
    const minor = span <= 366 ? range(Math.ceil(fromDays / 7) * 7, toDays, 7) : [];
    return { major, minor, title: span <= 366 ? 'Ålder (månader; små streck = veckor)' : 'Ålder (månader)' };
  }
  const major: Tick[] = [];
  for (let y = Math.ceil(fromDays / DAYS_PER.year); y * DAYS_PER.year <= toDays + 1; y++) major.push({ at: y * DAYS_PER.year, label: `${y}` });
  const minorStep = span <= 6 * 365.25 ? 3 : 6;
  const minor: number[] = [];
  for (let m = Math.ceil(fromDays / DAYS_PER.month); m * DAYS_PER.month <= toDays; m += 1) if (m % minorStep === 0 && m % 12 !== 0) minor.push(m * DAYS_PER.month);
  return { major, minor, title: 'Ålder (år)' };
}

function range(from: number, to: number, step: number): number[] {
  const out: number[] = [];
  for (let x = from; x <= to; x += step) out.push(x);
  return out;
}

/** Round value ticks: a step of 1, 2 or 5 × 10ⁿ giving 6–14 lines. */
export function valueTicks(lo: number, hi: number): { lo: number; hi: number; step: number } {
  // One value and no curves (a child who is neither male nor female, measured once): a band around it.
  if (!(hi - lo > 1e-6)) return valueTicks(lo - 1, hi + 1);
  const raw = (hi - lo) / 10;
  const pow = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((f) => f * pow).find((s) => s >= raw) ?? 10 * pow;
  return { lo: Math.floor(lo / step) * step, hi: Math.ceil(hi / step) * step, step };
}

function segments(curve: Curve, gap: number): { ageDays: number; value: number }[][] {
  const out: { ageDays: number; value: number }[][] = [];
  let cur: { ageDays: number; value: number }[] = [];
  for (const p of curve.points) {
    const prev = cur[cur.length - 1];
    if (prev && p.ageDays - prev.ageDays > gap) {
      out.push(cur);
      cur = [];
    }
    cur.push(p);
  }
  if (cur.length) out.push(cur);
  return out;
}

export function renderSvg(chart: Chart): string {
  const { fromDays, toDays } = chart.span;
  const values = [...chart.curves.flatMap((c) => c.points.map((p) => p.value)), ...chart.points.flatMap((p) => (p.value === undefined ? [] : [p.value]))];
  const yr = valueTicks(values.length ? Math.min(...values) : 0, values.length ? Math.max(...values) : 10);
  const x = (d: number) => M.left + ((d - fromDays) / Math.max(1, toDays - fromDays)) * PLOT_W;
  const y = (v: number) => M.top + PLOT_H - ((v - yr.lo) / (yr.hi - yr.lo)) * PLOT_H;
  const unit = UNITS[chart.measure].unit;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="DejaVu Sans, Arial, Helvetica, sans-serif" font-size="13">`);
  out.push(`<rect width="${W}" height="${H}" fill="#fff"/>`);
  const who = chart.sex === 'female' ? 'flicka' : chart.sex === 'male' ? 'pojke' : 'kön okänt';
  out.push(`<text x="${M.left}" y="32" font-size="22" font-weight="bold">${TITLES[chart.measure]} (${esc(unit)}), ${who}</text>`);
  const refs = chart.tables.map((t) => t.reference.name);
  out.push(`<text x="${M.left}" y="56" font-size="13" fill="#333">${esc(refs.length ? [...new Set(refs)].join(' + ') : 'Ingen referens för åldrarna')} · SD-kanaler ±1, ±2, ±3 SD</text>`);

  // Grid and axes.
  for (let v = yr.lo; v <= yr.hi + 1e-9; v += yr.step) {
    out.push(`<line x1="${M.left}" x2="${M.left + PLOT_W}" y1="${fmt(y(v))}" y2="${fmt(y(v))}" stroke="#ddd"/>`);
    out.push(`<text x="${M.left - 8}" y="${fmt(y(v) + 4)}" text-anchor="end">${dec(v)}</text>`);
  }
  const ticks = ageTicks(fromDays, toDays);
  for (const d of ticks.minor) out.push(`<line x1="${fmt(x(d))}" x2="${fmt(x(d))}" y1="${M.top + PLOT_H}" y2="${M.top + PLOT_H + 4}" stroke="#888"/>`);
  for (const t of ticks.major) {
    out.push(`<line x1="${fmt(x(t.at))}" x2="${fmt(x(t.at))}" y1="${M.top}" y2="${M.top + PLOT_H + (t.label ? 8 : 5)}" stroke="${t.label ? '#ccc' : '#eee'}"/>`);
    if (t.label) out.push(`<text x="${fmt(x(t.at))}" y="${M.top + PLOT_H + 24}" text-anchor="middle">${esc(t.label)}</text>`);
  }
  out.push(`<rect x="${M.left}" y="${M.top}" width="${PLOT_W}" height="${PLOT_H}" fill="none" stroke="#000"/>`);
  out.push(`<text x="${M.left + PLOT_W / 2}" y="${M.top + PLOT_H + 48}" text-anchor="middle" font-size="14">${ticks.title}</text>`);
  out.push(`<text transform="translate(20 ${M.top + PLOT_H / 2}) rotate(-90)" text-anchor="middle" font-size="14">${TITLES[chart.measure]} (${esc(unit)})</text>`);

  // SD channels: the ±2 SD band shaded, the lines over it.
  const gap = Math.max(2, ((toDays - fromDays) / 120) * 1.6);
  const band = (lo: Curve | undefined, hi: Curve | undefined, fill: string) => {
    if (!lo || !hi) return;
    for (const seg of segments(hi, gap)) {
      const ages = new Set(seg.map((p) => p.ageDays));
      const low = lo.points.filter((p) => ages.has(p.ageDays)).reverse();
      const pts = [...seg, ...low].map((p) => `${fmt(x(p.ageDays))},${fmt(y(p.value))}`).join(' ');
      out.push(`<polygon points="${pts}" fill="${fill}" stroke="none"/>`);
    }
  };
  const bySd = (sd: number) => chart.curves.find((c) => c.sd === sd);
  band(bySd(-2), bySd(2), '#eeeeee');
  band(bySd(-1), bySd(1), '#e0e0e0');
  for (const c of chart.curves) {
    const style = c.sd === 0 ? 'stroke="#000" stroke-width="2"' : Math.abs(c.sd) === 3 ? 'stroke="#555" stroke-width="1" stroke-dasharray="6 4"' : 'stroke="#555" stroke-width="1"';
    for (const seg of segments(c, gap)) out.push(`<polyline fill="none" ${style} points="${seg.map((p) => `${fmt(x(p.ageDays))},${fmt(y(p.value))}`).join(' ')}"/>`);
    const last = c.points[c.points.length - 1];
    if (last) out.push(`<text x="${fmt(x(last.ageDays) + 6)}" y="${fmt(y(last.value) + 4)}" font-size="12">${SD_LABEL(c.sd)}</text>`);
  }

  // The child's values, latest per day, joined in date order; a computed BMI is an open circle.
  const shown = chart.points.filter((p) => p.value !== undefined);
  if (shown.length > 1) out.push(`<polyline fill="none" stroke="#000" stroke-width="1.5" points="${shown.map((p) => `${fmt(x(p.ageDays))},${fmt(y(p.value!))}`).join(' ')}"/>`);
  for (const p of shown) {
    const fill = p.computed ? '#fff' : p.sdScore === undefined ? '#999' : '#000';
    out.push(`<circle cx="${fmt(x(p.ageDays))}" cy="${fmt(y(p.value!))}" r="4.5" fill="${fill}" stroke="#000" stroke-width="1.5"><title>${p.date}: ${dec(p.value!)} ${esc(unit)}${p.sdScore !== undefined ? `, ${dec(p.sdScore)} SD` : ''}</title></circle>`);
  }

  const foot = ['Senaste värdet per dag visas.', chart.measure === 'bmi' ? '○ = BMI beräknat ur samma dags vikt och längd.' : '', shown.some((p) => p.sdScore === undefined) ? 'Grå punkt = utanför referensens åldrar.' : '']
    .filter(Boolean)
    .join(' ');
  const sources = [...new Map(chart.tables.map((t) => [t.reference.id, t.reference])).values()].map((r) => `Referens: ${r.name}. Licens: ${r.licence}`);
  const footY = H - 14 - 15 * sources.length;
  out.push(`<text x="${M.left}" y="${footY}" font-size="12">${esc(foot)}</text>`);
  sources.forEach((line, i) => out.push(`<text x="${M.left}" y="${footY + 16 + 15 * i}" font-size="11" fill="#333">${esc(line)}</text>`));
  out.push('</svg>');
  return out.join('\n');
}
