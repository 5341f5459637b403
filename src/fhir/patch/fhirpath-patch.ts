/**
 * @module fhir/patch/fhirpath-patch
 * FHIRPath Patch (https://hl7.org/fhir/R4/fhirpatch.html): a Parameters resource whose `operation`
 * parameters add, insert, delete, replace or move elements selected by FHIRPath. Pure: the input
 * resource is never mutated.
 *
 * The whole document is checked before anything is applied, so a malformed operation late in the
 * document is reported (400) even when an earlier one would also fail to apply (422). Operations are
 * numbered from 1 in messages; `expression` points at the offending `Parameters.parameter[i]` (0-based).
 * The result is not validated against the resource's StructureDefinition: that is the caller's job, as
 * for any other write.
 */
import type { Parameters, ParametersParameter, Resource } from '@medplum/fhirtypes';
import { errors } from '../error.js';
import {
  childOwner,
  elementInfo,
  has,
  prune,
  readList,
  remove,
  select,
  syntaxError,
  writeList,
  writeSingle,
} from './fhirpath-nodes.js';
import type { Fail, Item, JsonObject, Selected, Slot } from './fhirpath-nodes.js';

const TYPES = ['add', 'insert', 'delete', 'replace', 'move'] as const;
type OpType = (typeof TYPES)[number];
const PARTS = ['type', 'path', 'name', 'value', 'index', 'source', 'destination'] as const;
type PartName = (typeof PARTS)[number];
const REQUIRED: Record<OpType, PartName[]> = {
  add: ['path', 'name', 'value'],
  insert: ['path', 'value', 'index'],
  delete: ['path'],
  replace: ['path', 'value'],
  move: ['path', 'source', 'destination'],
};

interface Operation {
  type: OpType;
  path: string;
  name?: string;
  value?: ParametersParameter;
  index?: number;
  source?: number;
  destination?: number;
  /** e.g. `operation 2 (replace Patient.birthDate)`, the prefix of every message about this operation. */
  label: string;
  expression: string[];
}

/** A value to write, with the `[x]` suffix it was given as (`valueDate` -> `Date`), when it had one. */
type Value = Item & { type?: string };

/** Applies a FHIRPath Patch to a deep copy of `resource` and returns the copy. */
export function applyFhirPathPatch(resource: Resource, patch: Parameters): Resource {
  const operations = parsePatch(patch);
  const doc = structuredClone(resource) as unknown as JsonObject;
  for (const op of operations) applyOperation(doc, op);
  return (prune(doc) ?? { resourceType: resource.resourceType }) as Resource;
}

function parsePatch(patch: Parameters): Operation[] {
  if ((patch as { resourceType?: unknown }).resourceType !== 'Parameters') {
    throw errors.badRequest('FHIRPath Patch document must be a Parameters resource');
  }
  const params: unknown = patch.parameter ?? [];
  if (!Array.isArray(params)) throw errors.badRequest('Parameters.parameter must be an array');
  return params.map((p: ParametersParameter, i) => parseOperation(p, i));
}

function parseOperation(param: ParametersParameter, i: number): Operation {
  const expression = [`Parameters.parameter[${i}]`];
  let label = `operation ${i + 1}`;
  const bad = (why: string) => errors.badRequest(`FHIRPath Patch ${label}: ${why}`, expression);
  if (typeof param !== 'object' || param === null) throw bad('must be a parameter object');
  if (param.name !== 'operation') throw bad(`parameter name must be "operation" (got ${JSON.stringify(param.name)})`);
  const parts = new Map<PartName, ParametersParameter>();
  for (const part of param.part ?? []) {
    const name = part?.name as PartName;
    if (!PARTS.includes(name)) throw bad(`unknown part ${JSON.stringify(name)} (expected ${PARTS.join(', ')})`);
    if (parts.has(name)) throw bad(`part "${name}" is given more than once`);
    parts.set(name, part);
  }
  const type = text(parts.get('type'), 'type', bad);
  if (!(TYPES as readonly string[]).includes(type)) {
    throw bad(`type must be one of ${TYPES.join(', ')} (got "${type}")`);
  }
  const path = text(parts.get('path'), 'path', bad);
  label = `operation ${i + 1} (${type} ${path})`;
  const syntax = syntaxError(path);
  if (syntax !== undefined) throw bad(`the path is not valid FHIRPath: ${syntax}`);
  for (const required of REQUIRED[type as OpType]) {
    if (!parts.has(required)) throw bad(`part "${required}" is required for ${type}`);
  }
  const op: Operation = { type: type as OpType, path, label, expression };
  if (parts.has('name')) op.name = text(parts.get('name'), 'name', bad);
  for (const k of ['index', 'source', 'destination'] as const) {
    if (parts.has(k)) op[k] = integer(parts.get(k), k, bad);
  }
  const value = parts.get('value');
  if (value) op.value = checkValue(value, 'value', bad);
  return op;
}

/** The single `value[x]` key of a part, if any. */
function valueKey(part: ParametersParameter): string | undefined {
  const keys = Object.keys(part).filter((k) => /^value[A-Z]/.test(k));
  return keys.length > 1 ? keys.join(' and ') : keys[0];
}

function text(part: ParametersParameter | undefined, name: string, bad: Fail): string {
  const key = part && valueKey(part);
  const v = key && (part as unknown as JsonObject)[key];
  if (typeof v !== 'string' || v.trim() === '') throw bad(`part "${name}" must have a non-empty string value`);
  return v;
}

function integer(part: ParametersParameter | undefined, name: string, bad: Fail): number {
  const key = part && valueKey(part);
  const v = key && (part as unknown as JsonObject)[key];
  if (typeof v !== 'number' || !Number.isInteger(v)) throw bad(`part "${name}" must have an integer value`);
  return v;
}

/** A value is exactly one of value[x], resource or parts; parts nest, each naming the element it fills. */
function checkValue(part: ParametersParameter, where: string, bad: Fail): ParametersParameter {
  const key = valueKey(part);
  const kinds = [key, part.resource && 'resource', part.part && 'part'].filter(Boolean);
  if (kinds.length !== 1) {
    throw bad(`${where} must have exactly one of value[x], resource or part (found ${kinds.join(', ') || 'none'})`);
  }
  if (key?.includes(' and ')) throw bad(`${where} has several values: ${key}`);
  for (const sub of part.part ?? []) {
    if (typeof sub?.name !== 'string' || !sub.name) throw bad(`every part of ${where} needs a name`);
    checkValue(sub, `${where}.${sub.name}`, bad);
  }
  return part;
}

function applyOperation(doc: JsonObject, op: Operation): void {
  const fail: Fail = (why) =>
    errors.unprocessable({ code: 'processing', diagnostics: `FHIRPath Patch ${op.label}: ${why}`, expression: op.expression });
  const found = select(doc, op.path, fail);
  switch (op.type) {
    case 'delete': {
      if (found.length === 0) return; // the spec: deleting what is not there is not an error
      const slot = elementSlot(single(found, op, fail), fail);
      if (slot.index === undefined) remove(slot.owner, slot.key);
      else writeList(slot.owner, slot.key, readList(slot.owner, slot.key).filter((_, k) => k !== slot.index));
      return;
    }
    case 'replace': {
      const target = single(found, op, fail);
      const slot = elementSlot(target, fail);
      const value = build(op.value as ParametersParameter, target.typePath, fail);
      if (slot.index !== undefined) {
        const items = readList(slot.owner, slot.key);
        items[slot.index] = value;
        writeList(slot.owner, slot.key, items);
        return;
      }
      // The whole element is replaced, so a primitive's old id and extensions (`_key`) go with it.
      // A choice element changes its JSON key with its type: deceasedBoolean -> deceasedDateTime.
      const choice = slot.key !== slot.propName && slot.key.startsWith(slot.propName) && value.type;
      remove(slot.owner, slot.key);
      writeSingle(slot.owner, choice ? slot.propName + value.type : slot.key, value);
      return;
    }
    case 'add': {
      const target = single(found, op, fail);
      const owner = target.slot ? childOwner(target.slot, true) : doc;
      if (!owner) throw fail('the path selects an empty element that cannot hold children');
      const name = op.name as string;
      addMember(owner, target.typePath, name, build(op.value as ParametersParameter, childType(target, name), fail), fail);
      return;
    }
    case 'insert':
    case 'move': {
      const { slot, items } = list(found, op, fail);
      const last = op.type === 'insert' ? items.length : items.length - 1;
      const check = (what: string, n: number) => {
        if (n < 0 || n > last) {
          throw fail(`${what} ${n} is out of range: the list has ${items.length} items (allowed 0..${last})`);
        }
        return n;
      };
      if (op.type === 'insert') {
        items.splice(check('index', op.index as number), 0, build(op.value as ParametersParameter, found[0]?.typePath, fail));
      } else {
        const [moved] = items.splice(check('source', op.source as number), 1);
        items.splice(check('destination', op.destination as number), 0, moved as Item);
      }
      writeList(slot.owner, slot.key, items);
      return;
    }
  }
}

function single(found: Selected[], op: Operation, fail: Fail): Selected {
  if (found.length === 0) {
    const hint = op.type === 'add' ? ` to add "${op.name}" to` : ' (to create an element, use add on its parent)';
    throw fail(`the path matches no element${hint}`);
  }
  if (found.length > 1) {
    throw fail(`the path matches ${found.length} elements but ${op.type} needs exactly one; narrow it, e.g. with [0] or where(...)`);
  }
  return found[0] as Selected;
}

function elementSlot(target: Selected, fail: Fail): Slot {
  if (!target.slot) throw fail('the path selects the resource itself, which cannot be deleted or replaced');
  return target.slot;
}

/** insert and move work on one list, which the path must select in full (e.g. `Patient.identifier`). */
function list(found: Selected[], op: Operation, fail: Fail): { slot: Slot; items: Item[] } {
  if (found.length === 0) {
    throw fail(op.type === 'insert' ? 'the path matches no list; to create the first item, use add' : 'the path matches no list');
  }
  const slot = found[0]?.slot;
  const same = (s: Selected) => s.slot?.owner === slot?.owner && s.slot?.key === slot?.key && s.slot?.index !== undefined;
  if (!slot || !found.every(same)) throw fail('the path must select the items of a single list, e.g. Patient.identifier');
  const items = readList(slot.owner, slot.key);
  if (found.length !== items.length) {
    throw fail(`the path selects ${found.length} of the ${items.length} items of the list; select the whole list`);
  }
  return { slot, items };
}

function childType(target: Selected, name: string): string | undefined {
  return elementInfo(target.typePath, name)?.typePath;
}

/** Adds `name` under `owner` (an element of type `typePath`): appended when it repeats, set once otherwise. */
function addMember(owner: JsonObject, typePath: string | undefined, name: string, value: Value, fail: Fail): void {
  const where = typePath ?? 'the element';
  const { key, info, choiceOf } = memberKey(where, typePath, name, value, fail);
  if (info ? info.repeating : Array.isArray(owner[key])) {
    writeList(owner, key, [...readList(owner, key), value]);
    return;
  }
  const taken = choiceOf
    ? Object.keys(owner)
        .map((k) => k.replace(/^_/, ''))
        .find((k) => k.startsWith(choiceOf) && /^[A-Z]/.test(k.slice(choiceOf.length)))
    : has(owner, key) && key;
  if (taken) throw fail(`${where} already has "${taken}"; use replace to change it`);
  writeSingle(owner, key, value);
}

/** The JSON key for `name`: a choice (`deceased`) takes the value's type (`deceasedBoolean`). */
function memberKey(where: string, typePath: string | undefined, name: string, value: Value, fail: Fail) {
  const info = elementInfo(typePath, name);
  if (info?.choices) {
    if (!value.type) throw fail(`${where}.${name} is a choice element; give a typed value, e.g. value${info.choices[0]}`);
    if (!info.choices.includes(value.type)) {
      throw fail(`${where}.${name} cannot be of type ${value.type} (allowed: ${info.choices.join(', ')})`);
    }
    return { key: name + value.type, info, choiceOf: name };
  }
  if (info) return { key: name, info };
  // Also accept the JSON spelling of a choice, `deceasedBoolean` for `deceased`.
  for (let i = 1; i < name.length; i++) {
    const base = name.slice(0, i);
    if (/[A-Z]/.test(name.charAt(i)) && elementInfo(typePath, base)?.choices?.includes(name.slice(i))) {
      return { key: name, info: elementInfo(typePath, base), choiceOf: base };
    }
  }
  // Every FHIR type has an `id`; when the model knows the type but not the name, the name is a mistake.
  if (elementInfo(typePath, 'id')) throw fail(`${where} has no element "${name}"`);
  return { key: name };
}

/** Builds the value of a `value` part; anonymous (backbone) values are assembled from their parts. */
function build(part: ParametersParameter, typePath: string | undefined, fail: Fail): Value {
  const raw = part as unknown as JsonObject;
  const key = valueKey(part);
  if (key) {
    const ext = raw['_' + key];
    return { value: structuredClone(raw[key]), ext: ext === undefined ? null : structuredClone(ext), type: key.slice(5) };
  }
  if (part.resource) return { value: structuredClone(part.resource), ext: null };
  const obj: JsonObject = {};
  for (const sub of part.part ?? []) {
    const name = sub.name as string;
    addMember(obj, typePath, name, build(sub, elementInfo(typePath, name)?.typePath, fail), fail);
  }
  return { value: obj, ext: null };
}

