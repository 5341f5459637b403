/**
 * @module domain/growth/reference
 * Growth references as data (docs/growth.md has the format): a folder per reference with a
 * `reference.json` manifest and one tab- or comma-separated LMS table per measure, loaded at start
 * from LOTS_GROWTH_REFERENCES. This module parses and checks them and looks up L, M and S at an age;
 * reading the files is `load-references.ts`. Pure.
 */
import { z } from 'zod';
import type { Beyond3Sd, Lms } from './lms.js';
import { MEASURES, type Measure } from './measures.js';

export type Sex = 'male' | 'female';
export type AgeUnit = 'day' | 'week' | 'month' | 'year';
export type Position = 'lying' | 'standing';

/** Days per age unit; a month is 30.4375 days, as in WHO's software. */
export const DAYS_PER: Record<AgeUnit, number> = { day: 1, week: 7, month: 30.4375, year: 365.25 };

const tableSchema = z.strictObject({
  measure: z.enum(MEASURES),
  file: z.string().regex(/^[\w.-]+$/, 'must be a file name in the reference folder'),
  unit: z.enum(['kg', 'cm', 'kg/m2']),
  ageUnit: z.enum(['day', 'week', 'month', 'year']),
  from: z.number().min(0),
  to: z.number().min(0),
  /** nearest-day: the row at the age rounded to a whole unit; linear: L, M, S interpolated between rows. */
  interpolation: z.enum(['nearest-day', 'linear']),
  beyond3sd: z.enum(['lms', 'who-restricted']),
  /** A column saying per row whether the median is for length lying (L) or height standing (H). */
  positionColumn: z.string().optional(),
  /** Centimetres added to a standing height scored against a lying row (and taken from the reverse). */
  positionAdjustment: z.number().min(0).max(5).optional(),
});

export const manifestSchema = z.strictObject({
  format: z.literal('lots-growth-reference/1'),
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be lower-case letters, digits and hyphens'),
  name: z.string().min(1),
  source: z.string().min(1),
  licence: z.string().min(1),
  citation: z.string().optional(),
  sexCodes: z.strictObject({ male: z.string().min(1), female: z.string().min(1) }),
  tables: z.array(tableSchema).min(1),
});

export type Manifest = z.infer<typeof manifestSchema>;
export type TableSpec = z.infer<typeof tableSchema>;

interface Row extends Lms {
  position?: Position;
}

export interface Table extends TableSpec {
  reference: ReferenceInfo;
  /** Rows by sex, indexed by age in whole age units (a hole is undefined). */
  rows: Record<Sex, Row[]>;
}

export interface ReferenceInfo {
  id: string;
  name: string;
  source: string;
  licence: string;
  citation?: string;
}

export interface Reference extends ReferenceInfo {
  tables: Table[];
}

/** L, M, S at an age, and what they were looked up with. */
export interface LmsAt extends Lms {
  position?: Position;
}

/** Parses one table file (header row; tab or comma separated; CRLF or LF) for a manifest entry. */
export function parseTable(text: string, spec: TableSpec, manifest: Manifest): Table {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const split = (l: string) => l.split(l.includes('\t') ? '\t' : ',').map((c) => c.trim());
  const header = split(lines[0] ?? '').map((h) => h.toLowerCase());
  const col = (name: string) => {
    const i = header.indexOf(name.toLowerCase());
    if (i < 0) throw new Error(`${spec.file}: no column "${name}" (columns: ${header.join(', ')})`);
    return i;
  };
  const [cSex, cAge, cL, cM, cS] = ['sex', 'age', 'l', 'm', 's'].map(col) as [number, number, number, number, number];
  const cPos = spec.positionColumn ? col(spec.positionColumn) : undefined;
  const rows: Record<Sex, Row[]> = { male: [], female: [] };
  lines.slice(1).forEach((line, i) => {
    const cells = split(line);
    const where = `${spec.file} line ${i + 2}`;
    const sexCode = cells[cSex];
    const sex: Sex | undefined = sexCode === manifest.sexCodes.male ? 'male' : sexCode === manifest.sexCodes.female ? 'female' : undefined;
    if (!sex) throw new Error(`${where}: sex "${sexCode}" is neither ${manifest.sexCodes.male} nor ${manifest.sexCodes.female}`);
    const age = Number(cells[cAge]);
    if (!Number.isInteger(age) || age < 0) throw new Error(`${where}: the age must be a whole number of ${spec.ageUnit}s`);
    const [l, m, s] = [cL, cM, cS].map((c) => Number(cells[c]));
    if (![l, m, s].every((v) => Number.isFinite(v)) || m! <= 0 || s! <= 0) throw new Error(`${where}: L, M and S must be numbers, M and S positive`);
    const row: Row = { l: l!, m: m!, s: s! };
    if (cPos !== undefined) {
      const p = cells[cPos]?.toUpperCase();
      if (p !== 'L' && p !== 'H') throw new Error(`${where}: ${spec.positionColumn} must be L or H`);
      row.position = p === 'L' ? 'lying' : 'standing';
    }
    rows[sex][age] = row;
  });
  for (const sex of ['male', 'female'] as const) {
    for (let a = Math.ceil(spec.from); a <= Math.floor(spec.to); a++) {
      if (!rows[sex][a]) throw new Error(`${spec.file}: no ${sex} row for age ${a} ${spec.ageUnit}s, inside ${spec.from}–${spec.to}`);
    }
  }
  return { ...spec, reference: referenceInfo(manifest), rows };
}

function referenceInfo(m: Manifest): ReferenceInfo {
  return { id: m.id, name: m.name, source: m.source, licence: m.licence, ...(m.citation ? { citation: m.citation } : {}) };
}

/** A whole reference from its manifest and the text of each of its files. */
export function buildReference(manifest: Manifest, files: Record<string, string>): Reference {
  const tables = manifest.tables.map((spec) => {
    const text = files[spec.file];
    if (text === undefined) throw new Error(`${manifest.id}: the file ${spec.file} is missing`);
    if (spec.to < spec.from) throw new Error(`${manifest.id}/${spec.file}: "to" is before "from"`);
    return parseTable(text, spec, manifest);
  });
  const measures = tables.map((t) => t.measure);
  const twice = measures.find((m, i) => measures.indexOf(m) !== i);
  if (twice) throw new Error(`${manifest.id}: two tables for ${twice}`);
  return { ...referenceInfo(manifest), tables };
}

/** The table's age for an age in days, in the table's own unit. */
export function tableAge(table: TableSpec, ageDays: number): number {
  return ageDays / DAYS_PER[table.ageUnit];
}

/** True when the table covers the age (in days). */
export function covers(table: TableSpec, ageDays: number): boolean {
  const a = table.interpolation === 'nearest-day' ? roundHalfUp(tableAge(table, ageDays)) : tableAge(table, ageDays);
  return a >= table.from && a <= table.to;
}

/**
 * L, M and S for a sex at an age in days (undefined outside the table). nearest-day: the row at the
 * age rounded half up, as WHO's anthro does; linear: interpolated between the rows at trunc(age) and
 * trunc(age) + 1, as WHO's anthroplus does.
 */
export function lmsAt(table: Table, sex: Sex, ageDays: number): LmsAt | undefined {
  if (!covers(table, ageDays)) return undefined;
  const rows = table.rows[sex];
  const a = tableAge(table, ageDays);
  if (table.interpolation === 'nearest-day') return rows[roundHalfUp(a)];
  const lo = Math.floor(a);
  const below = rows[lo];
  const above = rows[lo + 1];
  const f = a - lo;
  if (!below) return undefined;
  if (f === 0 || !above) return f === 0 ? below : undefined;
  const mix = (x: number, y: number) => x + f * (y - x);
  return { l: mix(below.l, above.l), m: mix(below.m, above.m), s: mix(below.s, above.s), ...(below.position ? { position: below.position } : {}) };
}

function roundHalfUp(x: number): number {
  return Math.floor(x + 0.5);
}

export type { Beyond3Sd, Measure };
