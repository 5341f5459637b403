/**
 * @module fhir/patch/json-patch
 * JSON Patch (RFC 6902) applied to a resource held as plain JSON. Pure: the input is never mutated.
 *
 * Errors: a patch document that is not a valid RFC 6902 document is a 400 (`errors.badRequest`); a valid
 * one that cannot be applied to this resource (missing target, failed `test`, index out of range) is a
 * 422 (`errors.unprocessable`). Operations are numbered from 1 in messages, as a person counts them.
 * Whether the result is still a valid resource of the same type and id is the caller's concern.
 */
import { errors } from '../error.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const OPS = ['add', 'remove', 'replace', 'move', 'copy', 'test'] as const;
type Op = (typeof OPS)[number];

/** Applies an RFC 6902 patch to a deep copy of `resource` and returns the copy. */
export function applyJsonPatch(resource: Record<string, unknown>, patch: unknown): Record<string, unknown> {
  if (!Array.isArray(patch)) {
    throw errors.badRequest('JSON Patch document must be a JSON array of operations');
  }
  let doc = structuredClone(resource) as Json;
  patch.forEach((raw: unknown, i) => {
    doc = applyOne(doc, parseOperation(raw, i));
  });
  if (!isObject(doc)) {
    throw unapplicable(`the patched document is ${describe(doc)}, not a JSON object`);
  }
  return doc;
}

interface Operation {
  op: Op;
  path: string[];
  from?: string[];
  value?: Json;
  /** e.g. `operation 2 (replace /birthDate)`, the prefix of every message about this operation. */
  label: string;
}

function parseOperation(raw: unknown, i: number): Operation {
  let label = `operation ${i + 1}`;
  const bad = (why: string) => errors.badRequest(`JSON Patch ${label}: ${why}`);
  if (!isObject(raw as Json)) throw bad('must be a JSON object with "op" and "path"');
  const o = raw as JsonObject;
  const op = o['op'];
  if (typeof op !== 'string' || !(OPS as readonly string[]).includes(op)) {
    throw bad(`"op" must be one of ${OPS.join(', ')} (got ${JSON.stringify(op ?? null)})`);
  }
  const path = o['path'];
  if (typeof path !== 'string') throw bad(`"path" must be a string JSON Pointer (op ${op})`);
  label = `operation ${i + 1} (${op} ${path})`;
  const parsed: Operation = { op: op as Op, path: parsePointer(path, bad), label };
  if (op === 'move' || op === 'copy') {
    const from = o['from'];
    if (typeof from !== 'string') throw bad(`"from" must be a string JSON Pointer for ${op}`);
    parsed.from = parsePointer(from, bad);
  }
  if (op === 'add' || op === 'replace' || op === 'test') {
    // Presence, not truthiness: null is a legitimate value to add or test for.
    if (!Object.hasOwn(o, 'value')) throw bad(`"value" is required for ${op}`);
    parsed.value = o['value'] as Json;
  }
  return parsed;
}

/** RFC 6901: `~1` is decoded before `~0`, so `~01` means the literal `~1`. */
function parsePointer(pointer: string, bad: (why: string) => Error): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw bad(`JSON Pointer "${pointer}" must be empty or start with "/"`);
  return pointer
    .slice(1)
    .split('/')
    .map((token) => {
      if (/~[^01]|~$/.test(token)) throw bad(`JSON Pointer "${pointer}" has an invalid "~" escape`);
      return token.replaceAll('~1', '/').replaceAll('~0', '~');
    });
}

function applyOne(doc: Json, op: Operation): Json {
  const fail = (why: string) => unapplicable(`JSON Patch ${op.label}: ${why}`);
  switch (op.op) {
    case 'add':
      return add(doc, op.path, clone(op.value as Json), fail);
    case 'remove':
      remove(doc, op.path, fail);
      return doc;
    case 'replace':
      return replace(doc, op.path, clone(op.value as Json), fail);
    case 'move': {
      const from = op.from as string[];
      if (from.length < op.path.length && from.every((t, k) => t === op.path[k])) {
        throw fail('cannot move a value into one of its own children');
      }
      const value = get(doc, from, fail);
      if (from.length === 0) return value;
      return add(remove(doc, from, fail), op.path, value, fail);
    }
    case 'copy':
      return add(doc, op.path, clone(get(doc, op.from as string[], fail)), fail);
    case 'test': {
      const actual = get(doc, op.path, fail);
      if (!deepEqual(actual, op.value as Json)) {
        throw fail(`test failed: the value is ${JSON.stringify(actual)}, expected ${JSON.stringify(op.value)}`);
      }
      return doc;
    }
  }
}

type Fail = (why: string) => Error;

/** The container of the last token, which must already exist (RFC 6902 4.1: no implicit creation). */
function parent(doc: Json, path: string[], fail: Fail): Json {
  const up = path.slice(0, -1);
  const container = get(doc, up, (why) => fail(`the parent ${toPointer(up)} does not exist (${why})`));
  if (!isObject(container) && !Array.isArray(container)) {
    throw fail(`the parent ${toPointer(up)} is ${describe(container)}, not an object or array`);
  }
  return container;
}

function add(doc: Json, path: string[], value: Json, fail: Fail): Json {
  if (path.length === 0) return value;
  const container = parent(doc, path, fail);
  const token = path[path.length - 1] as string;
  if (Array.isArray(container)) {
    const index = token === '-' ? container.length : arrayIndex(token, fail);
    if (index > container.length) {
      throw fail(`index ${index} is out of range: the array has ${container.length} elements`);
    }
    container.splice(index, 0, value);
  } else {
    setMember(container as JsonObject, token, value);
  }
  return doc;
}

/** Unlike add, the target must exist; an array element is overwritten in place, not shifted. */
function replace(doc: Json, path: string[], value: Json, fail: Fail): Json {
  if (path.length === 0) return value;
  get(doc, path, fail);
  const container = parent(doc, path, fail);
  const token = path[path.length - 1] as string;
  if (Array.isArray(container)) container[arrayIndex(token, fail)] = value;
  else setMember(container as JsonObject, token, value);
  return doc;
}

function remove(doc: Json, path: string[], fail: Fail): Json {
  if (path.length === 0) throw fail('cannot remove the whole document');
  get(doc, path, fail);
  const container = parent(doc, path, fail);
  const token = path[path.length - 1] as string;
  if (Array.isArray(container)) container.splice(arrayIndex(token, fail), 1);
  else delete (container as JsonObject)[token];
  return doc;
}

function get(doc: Json, path: string[], fail: Fail): Json {
  let node = doc;
  path.forEach((token, depth) => {
    const here = toPointer(path.slice(0, depth + 1));
    if (Array.isArray(node)) {
      const index = arrayIndex(token, fail);
      if (index >= node.length) {
        throw fail(`${here} does not exist: the array has ${node.length} elements`);
      }
      node = node[index] as Json;
    } else if (isObject(node)) {
      if (!Object.hasOwn(node, token)) throw fail(`${here} does not exist`);
      node = node[token] as Json;
    } else {
      throw fail(`${here} does not exist: its parent is ${describe(node)}`);
    }
  });
  return node;
}

function arrayIndex(token: string, fail: Fail): number {
  if (!/^(0|[1-9][0-9]*)$/.test(token)) {
    throw fail(`"${token}" is not a valid array index (use digits without leading zeros, or "-" to append)`);
  }
  return Number(token);
}

/** defineProperty so that a member named `__proto__` is stored as data rather than changing the prototype. */
function setMember(obj: JsonObject, key: string, value: Json): void {
  Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
}

function deepEqual(a: Json, b: Json): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((x, k) => deepEqual(x, b[k] as Json));
  }
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a);
    return (
      keys.length === Object.keys(b).length &&
      keys.every((k) => Object.hasOwn(b, k) && deepEqual(a[k] as Json, b[k] as Json))
    );
  }
  return false;
}

function isObject(v: Json): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function clone(v: Json): Json {
  return structuredClone(v);
}

function toPointer(path: string[]): string {
  return path.map((t) => '/' + t.replaceAll('~', '~0').replaceAll('/', '~1')).join('') || '(the document root)';
}

function describe(v: Json): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `a ${typeof v} (${JSON.stringify(v)})`;
}

function unapplicable(diagnostics: string) {
  return errors.unprocessable({ code: 'processing', diagnostics });
}
