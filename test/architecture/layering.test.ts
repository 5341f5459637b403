/**
 * The layering of src/ (STYLE.md section 5.1, DESIGN.md), checked on every relative import: a forbidden
 * edge or a cycle fails with the importing file, the imported file and the rule. Tests beside the code
 * (`*.test.ts`) may import what they test, so they are left out.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');

interface Edge {
  from: string;
  to: string;
  /** `import type` / `export type`: erased at run time. */
  typeOnly: boolean;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [p] : [];
  });
}

const IMPORT = /^\s*(import|export)\s+(type\s+)?(?:[^'"]*?\sfrom\s+)?['"](\.{1,2}\/[^'"]+)['"]/gm;

/** Every relative import of src/, as paths below src/ (`http/fhir/read.ts`). */
export function importEdges(files: readonly string[] = sourceFiles(SRC)): Edge[] {
  const edges: Edge[] = [];
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(IMPORT)) {
      const target = resolve(dirname(file), m[3]!.replace(/\.js$/, '.ts'));
      edges.push({ from: relative(SRC, file), to: relative(SRC, target), typeOnly: m[2] !== undefined });
    }
  }
  return edges;
}

const top = (path: string): string => (path.includes('/') ? path.split('/')[0]! : path);
const under = (path: string, dir: string): boolean => path.startsWith(`${dir}/`);

/** Modules every layer may use: settings and the logger. */
const GROUND = new Set(['config.ts', 'log.ts']);
/** The composition root and the CLI entry (which starts it). */
const ROOTS = new Set(['app.ts', 'main.ts']);
/** The CLI's commands open databases of their own (migrate, dump, restore, clients): entry points too. */
const isRoot = (path: string): boolean => ROOTS.has(path) || under(path, 'cli');
/** The one door to resources (domain/repository.ts): the only non-type user of the store contract above it. */
const DOOR = 'domain/repository.ts';

// TODO: the client registration's SQL is under store/ (store/clients.ts), but auth/clients.ts still calls
// it with a Queryable instead of a client store in the contract; until then these edges are known.
const KNOWN: readonly string[] = [
  'auth/clients.ts -> store/db/db.ts',
  'auth/clients.ts -> store/clients.ts',
];

interface Rule {
  name: string;
  broken: (e: Edge) => boolean;
}

export const RULES: readonly Rule[] = [
  { name: 'fhir/ imports nothing of ours', broken: (e) => under(e.from, 'fhir') && !under(e.to, 'fhir') },
  {
    name: 'auth/ imports only fhir/ and the store contract (store/store.ts)',
    broken: (e) => under(e.from, 'auth') && !under(e.to, 'auth') && !under(e.to, 'fhir') && e.to !== 'store/store.ts' && !GROUND.has(e.to),
  },
  { name: 'only the composition root imports store/db/*', broken: (e) => under(e.to, 'store/db') && !under(e.from, 'store') && !isRoot(e.from) },
  { name: 'nothing imports app.ts (the composition root)', broken: (e) => e.to === 'app.ts' && e.from !== 'main.ts' },
  {
    name: 'http/ and domain/ use only the store contract (store/store.ts) of store/',
    broken: (e) => (under(e.from, 'http') || under(e.from, 'domain')) && under(e.to, 'store') && e.to !== 'store/store.ts',
  },
  {
    name: 'only the door (domain/repository.ts) uses the store at run time; others may import its types',
    broken: (e) => !under(e.from, 'store') && !ROOTS.has(e.from) && !under(e.from, 'auth') && e.from !== DOOR && under(e.to, 'store') && !e.typeOnly,
  },
  { name: 'store/ imports only fhir/ (and itself)', broken: (e) => under(e.from, 'store') && !['store', 'fhir'].includes(top(e.to)) && !GROUND.has(e.to) },
];

/** The forbidden edges of `edges`, as `from -> to  (rule)`. */
export function violations(edges: readonly Edge[]): string[] {
  return edges.flatMap((e) =>
    RULES.filter((r) => r.broken(e) && !KNOWN.includes(`${e.from} -> ${e.to}`)).map((r) => `${e.from} -> ${e.to}  (${r.name})`),
  );
}

/** Import cycles among run-time edges, each as a path that comes back to its start. */
export function cycles(edges: readonly Edge[]): string[][] {
  const next = new Map<string, string[]>();
  for (const e of edges) if (!e.typeOnly) next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (n: string): void => {
    state.set(n, 'open');
    stack.push(n);
    for (const m of next.get(n) ?? []) {
      if (state.get(m) === 'open') found.push([...stack.slice(stack.indexOf(m)), m]);
      else if (!state.has(m)) visit(m);
    }
    stack.pop();
    state.set(n, 'done');
  };
  for (const n of next.keys()) if (!state.has(n)) visit(n);
  return found;
}

/** Files outside store/ that name an index table (`idx_token`, ...): the schema is the store's alone. */
export function tableNamesOutsideStore(files: readonly string[] = sourceFiles(SRC)): string[] {
  return files.filter((f) => !under(relative(SRC, f), 'store') && /\bidx_[a-z]+/.test(readFileSync(f, 'utf8'))).map((f) => relative(SRC, f));
}

describe('the layering of src/', () => {
  const edges = importEdges();

  it('finds the imports (the check is not vacuous)', () => {
    expect(edges.length).toBeGreaterThan(300);
    expect(edges).toContainEqual({ from: 'http/fhir/read.ts', to: 'fhir/error.ts', typeOnly: false });
  });

  it('has no forbidden edge', () => {
    expect(violations(edges)).toEqual([]);
  });

  it('names the index tables (idx_*) only under store/', () => {
    expect(tableNamesOutsideStore()).toEqual([]);
  });

  it('has no import cycle', () => {
    expect(cycles(edges).map((c) => c.join(' -> '))).toEqual([]);
  });

  it('catches a planted forbidden import (fhir/ reaching into store/)', () => {
    const planted = [...edges, { from: 'fhir/error.ts', to: 'store/store.ts', typeOnly: true }];
    expect(violations(planted)).toContain('fhir/error.ts -> store/store.ts  (fhir/ imports nothing of ours)');
    expect(violations(planted).length).toBe(violations(edges).length + 1);
  });

  it('catches a planted cycle', () => {
    const planted = [...edges, { from: 'fhir/error.ts', to: 'http/fhir/read.ts', typeOnly: false }];
    expect(cycles(planted).length).toBeGreaterThan(0);
  });
});
