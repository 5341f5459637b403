/**
 * @module domain/growth/load-references
 * Reads the growth references at start from the folder LOTS_GROWTH_REFERENCES names: every
 * `reference.json` in it or in its subfolders (two levels down), the tables beside each, and the
 * optional `selection.json` at the top that says which references draw which measure, in age order
 * (without it: every reference, in folder order). A bad file stops the start with a message naming it.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { z } from 'zod';
import { MEASURES, type Measure } from './measures.js';
import { buildReference, manifestSchema, type Reference, type Table } from './reference.js';

export interface GrowthReferences {
  references: readonly Reference[];
  /** Per measure, the tables to use, in priority order: each age is scored by the first that covers it. */
  selection: Record<Measure, readonly Table[]>;
}

const selectionSchema = z.strictObject({
  format: z.literal('lots-growth-selection/1'),
  comment: z.string().optional(),
  measures: z.partialRecord(z.enum(MEASURES), z.array(z.string())),
});

async function manifestsUnder(dir: string, depth: number): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const here = entries.some((e) => e.isFile() && e.name === 'reference.json') ? [join(dir, 'reference.json')] : [];
  if (depth === 0) return here;
  const below = await Promise.all(entries.filter((e) => e.isDirectory()).sort((a, b) => a.name.localeCompare(b.name)).map((e) => manifestsUnder(join(dir, e.name), depth - 1)));
  return [...here, ...below.flat()];
}

async function loadReference(path: string, root: string): Promise<Reference> {
  const where = relative(root, path);
  const parsed = manifestSchema.safeParse(JSON.parse(await readFile(path, 'utf8')));
  if (!parsed.success) throw new Error(`${where}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const dir = join(path, '..');
  const files: Record<string, string> = {};
  for (const t of parsed.data.tables) files[t.file] = await readFile(join(dir, t.file), 'utf8');
  try {
    return buildReference(parsed.data, files);
  } catch (err) {
    throw new Error(`${where}: ${(err as Error).message}`);
  }
}

/** The selection: selection.json's lists, or every reference in folder order. */
export function select(references: readonly Reference[], chosen?: Partial<Record<Measure, string[]>>): Record<Measure, readonly Table[]> {
  const byId = new Map(references.map((r) => [r.id, r]));
  const out = {} as Record<Measure, Table[]>;
  for (const measure of MEASURES) {
    const ids = chosen ? (chosen[measure] ?? []) : references.map((r) => r.id);
    out[measure] = ids.flatMap((id) => {
      const ref = byId.get(id);
      if (!ref) throw new Error(`selection.json: ${measure} names "${id}", which is not a loaded reference (${[...byId.keys()].join(', ')})`);
      return ref.tables.filter((t) => t.measure === measure);
    });
  }
  return out;
}

/** Loads every reference under `dir`; throws with the file's name when one is wrong. */
export async function loadGrowthReferences(dir: string): Promise<GrowthReferences> {
  const paths = await manifestsUnder(dir, 2).catch((err: NodeJS.ErrnoException) => {
    throw new Error(`LOTS_GROWTH_REFERENCES: cannot read ${dir} (${err.code ?? err.message})`);
  });
  const references = await Promise.all(paths.map((p) => loadReference(p, dir)));
  const ids = references.map((r) => r.id);
  const twice = ids.find((id, i) => ids.indexOf(id) !== i);
  if (twice) throw new Error(`Two growth references have the id "${twice}"`);
  let chosen: Partial<Record<Measure, string[]>> | undefined;
  const selectionText = await readFile(join(dir, 'selection.json'), 'utf8').catch(() => undefined);
  if (selectionText !== undefined) {
    const parsed = selectionSchema.safeParse(JSON.parse(selectionText));
    if (!parsed.success) throw new Error(`selection.json: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    chosen = parsed.data.measures;
  }
  return { references, selection: select(references, chosen) };
}
