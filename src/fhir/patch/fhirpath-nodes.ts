/**
 * @module fhir/patch/fhirpath-nodes
 * Turns what a FHIRPath expression selects into places in the JSON that can be written to, plus the
 * element facts (repeating? choice?) FHIRPath Patch needs, taken from fhirpath's own R4 model.
 *
 * How a node is located: evaluated with `resolveInternalTypes: false`, fhirpath returns ResourceNode
 * objects chained to the resource root by `parentResNode`, each knowing its `propName` in the parent and
 * its `index` when it sits in an array. We do not trust `node.data` to be the very object in our copy
 * (fhirpath wraps numbers and may merge a primitive with its `_x` sibling); instead we replay the chain
 * of (propName, index) steps from the root of our working copy. That is robust to functions such as
 * `where()`, `first()`, `ofType()` or `extension(url)`, which pass nodes through unchanged, and it lets us
 * reject results that are not elements of the resource at all (literals, computed values).
 *
 * A primitive is stored in FHIR JSON as `key` plus an optional `_key` sibling holding its id and
 * extensions (arrays of primitives have parallel `key`/`_key` arrays). An "item" pairs the two so that
 * moving, inserting or deleting a primitive keeps them aligned.
 */
import fhirpath from 'fhirpath';
import type { ResourceNode } from 'fhirpath';
import r4 from 'fhirpath/fhir-context/r4';
import { LINEAR_REGEX_FUNCTIONS } from '../fhirpath.js';

export type JsonObject = Record<string, unknown>;

/** A primitive value (or complex object) with the `_key` entry of a primitive, null when there is none. */
export interface Item {
  value: unknown;
  ext: unknown;
}

/** Where a selected element lives: `owner[key]`, or `owner[key][index]` when it is a list item. */
export interface Slot {
  owner: JsonObject;
  key: string;
  index: number | undefined;
  /** The FHIRPath name; differs from `key` for a choice element (`deceased` vs `deceasedBoolean`). */
  propName: string;
}

export interface Selected {
  /** Undefined when the node is the resource being patched itself. */
  slot: Slot | undefined;
  /** fhirpath's model path for the element's type, e.g. `HumanName` or `Patient.contact`. */
  typePath: string | undefined;
}

export type Fail = (why: string) => Error;

/** Evaluates `path` against `resource` and locates every selected node in it. */
export function select(resource: JsonObject, path: string, fail: Fail): Selected[] {
  let result: unknown[];
  try {
    const env = { resource, rootResource: resource };
    result = fhirpath.evaluate(resource, quoteKeywordMembers(path), env, r4, { resolveInternalTypes: false, async: false, userInvocationTable: LINEAR_REGEX_FUNCTIONS });
  } catch (e) {
    throw fail(`the path could not be evaluated: ${e instanceof Error ? e.message : String(e)}`);
  }
  return result.map((node) => {
    if (!isNode(node)) throw fail(`the path yields a computed value (${JSON.stringify(node)}), not an element`);
    return locate(resource, node, fail);
  });
}

/**
 * FHIRPath reserves `div` and `mod` as operators, so strictly `Patient.text.div` must be written
 * ``Patient.text.`div` ``. Patch documents (the official tests among them) write it bare, and right after
 * a `.` the word can only be a member name, so we add the backticks there. String literals and
 * already-delimited identifiers are left untouched.
 */
function quoteKeywordMembers(path: string): string {
  return path.replace(/'(?:[^'\\]|\\.)*'|`(?:[^`\\]|\\.)*`|\.(\s*)(div|mod)(?![\w`])/g, (whole, space?: string, word?: string) =>
    word === undefined ? whole : `.${space ?? ''}\`${word}\``,
  );
}

/** Why `path` is not valid FHIRPath syntax, or undefined when it is. */
export function syntaxError(path: string): string | undefined {
  try {
    fhirpath.parse(quoteKeywordMembers(path));
    return undefined;
  } catch (e) {
    // The ANTLR message lists every token it expected; the position and the culprit are what help.
    return (e instanceof Error ? e.message : String(e)).replace(/ expecting [\s\S]*$/, '');
  }
}

function isNode(v: unknown): v is ResourceNode {
  return typeof v === 'object' && v !== null && 'parentResNode' in v && 'data' in v;
}

function locate(resource: JsonObject, node: ResourceNode, fail: Fail): Selected {
  const chain: ResourceNode[] = [];
  for (let n: ResourceNode | null = node; n; n = n.parentResNode) chain.unshift(n);
  if (chain[0]?.data !== resource) throw fail('the path selects something outside the resource being patched');
  let slot: Slot | undefined;
  for (const step of chain.slice(1)) {
    const owner = slot ? childOwner(slot, false) : resource;
    const propName = step.propName;
    if (!owner || typeof propName !== 'string') throw fail('the path selects a node that cannot be located');
    const index = typeof step.index === 'number' ? step.index : undefined;
    slot = { owner, key: jsonKey(owner, propName, step, fail), index, propName };
  }
  return { slot, typePath: node.path ?? undefined };
}

/** The JSON key behind a FHIRPath name: `deceased` is stored as `deceasedBoolean`, `deceasedDateTime`... */
function jsonKey(owner: JsonObject, propName: string, step: ResourceNode, fail: Fail): string {
  if (has(owner, propName)) return propName;
  const type = (step as { fhirNodeDataType?: string | null }).fhirNodeDataType?.replace(/^System\./, '');
  if (type && has(owner, propName + upperFirst(type))) return propName + upperFirst(type);
  const key = Object.keys(owner)
    .map((k) => k.replace(/^_/, ''))
    .find((k) => k.startsWith(propName) && /^[A-Z]/.test(k.slice(propName.length)));
  if (key === undefined) throw fail(`cannot find "${propName}" in the resource JSON`);
  return key;
}

/** The object holding a slot's children: the element itself, or for a primitive its `_key` entry. */
export function childOwner(slot: Slot, create: boolean): JsonObject | undefined {
  const items = readList(slot.owner, slot.key);
  const item = slot.index === undefined ? readSingle(slot.owner, slot.key) : items[slot.index];
  if (!item) return undefined;
  if (isObject(item.value)) return item.value;
  if (!isObject(item.ext)) {
    if (!create) return undefined;
    item.ext = {};
    if (slot.index === undefined) writeSingle(slot.owner, slot.key, item);
    else writeList(slot.owner, slot.key, items);
  }
  return item.ext as JsonObject;
}

export function has(owner: JsonObject, key: string): boolean {
  return Object.hasOwn(owner, key) || Object.hasOwn(owner, '_' + key);
}

export function readList(owner: JsonObject, key: string): Item[] {
  const values = asArray(owner[key]);
  const exts = asArray(owner['_' + key]);
  return Array.from({ length: Math.max(values.length, exts.length) }, (_, i) => ({
    value: values[i] ?? null,
    ext: exts[i] ?? null,
  }));
}

/** Writes a list back; `_key` only exists while some item has an id or extensions. */
export function writeList(owner: JsonObject, key: string, items: Item[]): void {
  if (items.length === 0) {
    remove(owner, key);
    return;
  }
  set(owner, key, items.map((i) => i.value));
  if (items.some((i) => i.ext !== null)) set(owner, '_' + key, items.map((i) => i.ext));
  else delete owner['_' + key];
}

function readSingle(owner: JsonObject, key: string): Item {
  return { value: owner[key] ?? null, ext: owner['_' + key] ?? null };
}

export function writeSingle(owner: JsonObject, key: string, item: Item): void {
  remove(owner, key);
  if (item.value !== null) set(owner, key, item.value);
  if (item.ext !== null) set(owner, '_' + key, item.ext);
}

/** Removes an element together with its `_key` sibling. */
export function remove(owner: JsonObject, key: string): void {
  delete owner[key];
  delete owner['_' + key];
}

/** defineProperty so that a key such as `__proto__` from a patch is stored as data, never as a prototype. */
function set(owner: JsonObject, key: string, value: unknown): void {
  Object.defineProperty(owner, key, { value, writable: true, enumerable: true, configurable: true });
}

export interface ElementInfo {
  repeating: boolean;
  /** Allowed type suffixes when the element is a choice (`value[x]`), e.g. `['Boolean', 'DateTime']`. */
  choices: string[] | undefined;
  /** Model path of the element's own type, for looking up its children (e.g. parts of an anonymous value). */
  typePath: string | undefined;
}

type ModelType = string | { code: string } | undefined;
const model = r4 as unknown as {
  choiceTypePaths: Record<string, string[] | undefined>;
  pathsDefinedElsewhere: Record<string, string | undefined>;
  type2Parent: Record<string, string | undefined>;
  path2Type: Record<string, ModelType>;
  path2Repeating: Record<string, true | undefined>;
};
const typeCode = (t: ModelType) => (typeof t === 'object' ? t.code : t);

/**
 * Looks `name` up on the type at `typePath`, walking up the type hierarchy (HumanName -> Element) and
 * content references (Questionnaire.item.item -> Questionnaire.item). Undefined when the model does not
 * know the element.
 */
export function elementInfo(typePath: string | undefined, name: string): ElementInfo | undefined {
  const seen = new Set<string>();
  for (let t = typePath; t !== undefined && !seen.has(t); ) {
    seen.add(t);
    const path = `${t}.${name}`;
    const elsewhere = model.pathsDefinedElsewhere[path];
    const code = typeCode(model.path2Type[path]);
    const choices = model.choiceTypePaths[path];
    if (code !== undefined || choices !== undefined || elsewhere !== undefined) {
      const anonymous = code === 'BackboneElement' || code === 'Element';
      return {
        repeating: Boolean(model.path2Repeating[path] ?? (elsewhere && model.path2Repeating[elsewhere])),
        choices,
        typePath: elsewhere ?? (anonymous ? path : code),
      };
    }
    const own = typeCode(model.path2Type[t]);
    t = model.pathsDefinedElsewhere[t] ?? model.type2Parent[t] ?? (own === t ? undefined : own);
  }
  return undefined;
}

/**
 * After a patch, removes what it left empty: `{}` objects, `[]` arrays, null members, `_key` entries
 * that no longer carry anything, and list items with neither value nor extensions.
 */
export function prune(value: unknown): unknown {
  if (Array.isArray(value)) {
    const kept = value.map(prune).filter((v) => v !== undefined);
    return kept.length ? kept : undefined;
  }
  if (!isObject(value)) return value ?? undefined;
  for (const key of Object.keys(value)) {
    const base = key.replace(/^_/, '');
    if (key !== base && Object.hasOwn(value, base)) continue; // handled with its pair
    if (Array.isArray(value[base]) || Array.isArray(value['_' + base])) {
      const items = readList(value, base)
        .map((i) => ({ value: prune(i.value) ?? null, ext: prune(i.ext) ?? null }))
        .filter((i) => i.value !== null || i.ext !== null);
      writeList(value, base, items);
    } else {
      for (const k of [base, '_' + base]) {
        if (Object.hasOwn(value, k) && prune(value[k]) === undefined) delete value[k];
      }
    }
  }
  return Object.keys(value).length ? value : undefined;
}

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function asArray(v: unknown): unknown[] {
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

function upperFirst(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
