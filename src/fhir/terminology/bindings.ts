/**
 * @module fhir/terminology/bindings
 * Checks the codes in elements with a `required` binding, which `@medplum/core`'s `validateResource` leaves
 * alone. Runs on every write, so the StructureDefinitions are turned once per type into a lookup table of
 * the JSON keys worth visiting, and the walk touches only the keys a resource actually has.
 */
import { tryGetDataType } from '@medplum/core';
import type { InternalSchemaElement } from '@medplum/core';
import type { Resource } from '@medplum/fhirtypes';
import { loadDefinitions } from '../definitions.js';
import type { Issue } from '../error.js';
import { expandValueSet, hasCode, hasCoding, isFullyCheckable } from './valuesets.js';
import type { Expansion } from './valuesets.js';

/** How a bound value is read: the spec applies a binding differently to each data type. */
type CheckKind = 'code' | 'Coding' | 'CodeableConcept' | 'Quantity';

const CHECK_KIND: Record<string, CheckKind> = {
  code: 'code',
  string: 'code',
  uri: 'code',
  Coding: 'Coding',
  CodeableConcept: 'CodeableConcept',
  Quantity: 'Quantity',
  Age: 'Quantity',
  Count: 'Quantity',
  Distance: 'Quantity',
  Duration: 'Quantity',
  SimpleQuantity: 'Quantity',
  MoneyQuantity: 'Quantity',
};

interface Slot {
  /** Set when the element has a required binding whose value set we can say something about. */
  readonly check?: CheckKind;
  readonly expansion?: Expansion;
  /** Complex type to descend into; 'Resource' means dispatch on `resourceType`. */
  readonly type?: string;
  /** Resolved on first use, because types refer to each other (Extension contains Extension). */
  plan?: Plan | null;
}

type Plan = Map<string, Slot>;

const plans = new Map<string, Plan | null>();

const isPrimitive = (type: string): boolean => {
  const first = type.charCodeAt(0);
  return (first >= 97 && first <= 122) || type.includes(':');
};

function slotFor(el: InternalSchemaElement, type: string): Slot | undefined {
  const binding = el.binding;
  let check: CheckKind | undefined;
  let expansion: Expansion | undefined;
  if (binding?.strength === 'required' && binding.valueSet) {
    check = CHECK_KIND[type];
    expansion = check && expandValueSet(binding.valueSet);
    // Sets we can decide nothing about are dropped here so the walk never pays for them.
    if (!expansion || expansion.unknown || (check === 'code' && !isFullyCheckable(expansion))) {
      check = undefined;
      expansion = undefined;
    }
  }
  const descend = isPrimitive(type) ? undefined : type;
  if (!check && !descend) return undefined;
  return { check, expansion, type: descend };
}

/** JSON key → what to do with it, for one resource, data type or backbone element. */
function planFor(type: string): Plan | null {
  const known = plans.get(type);
  if (known !== undefined) return known;
  const schema = tryGetDataType(type);
  if (!schema) {
    plans.set(type, null);
    return null;
  }
  const plan: Plan = new Map();
  for (const [name, el] of Object.entries(schema.elements)) {
    const choice = name.endsWith('[x]');
    const base = choice ? name.slice(0, -3) : name;
    for (const t of el.type) {
      const key = choice ? base + t.code.charAt(0).toUpperCase() + t.code.slice(1) : base;
      const slot = slotFor(el, t.code);
      if (slot) plan.set(key, slot);
    }
  }
  plans.set(type, plan);
  return plan;
}

/** The bound keys of a type (for tests and diagnostics): `key → value set`, data types not unfolded. */
export function requiredBindingsOf(type: string): Record<string, string> {
  loadDefinitions();
  const out: Record<string, string> = {};
  for (const [key, slot] of planFor(type) ?? []) if (slot.expansion) out[key] = slot.expansion.url;
  return out;
}

/** Builds the plans and expansions for every resource type up front (~150 ms), e.g. at server start. */
export function warmUpBindings(): void {
  const { resourceTypes } = loadDefinitions();
  const seen = new Set<string>();
  const visit = (type: string): void => {
    if (seen.has(type)) return;
    seen.add(type);
    for (const slot of planFor(type)?.values() ?? []) if (slot.type && slot.type !== 'Resource') visit(slot.type);
  };
  resourceTypes.forEach(visit);
}

// --- checking one value -------------------------------------------------------------------------

function allowed(expansion: Expansion): string {
  if (!isFullyCheckable(expansion) || expansion.bareCodes.size > 12) return '';
  return ` (${[...expansion.bareCodes].join(', ')})`;
}

const issue = (diagnostics: string, expression: string): Issue => ({
  severity: 'error',
  code: 'code-invalid',
  diagnostics,
  expression: [expression],
});

interface CodingLike {
  system?: unknown;
  code?: unknown;
}

const codingKey = (c: CodingLike): string =>
  typeof c.system === 'string' ? `${c.system}|${String(c.code)}` : String(c.code);

/** Undefined when the coding has no code or its membership cannot be decided. */
function codingIn(expansion: Expansion, c: CodingLike): boolean | undefined {
  if (typeof c.code !== 'string') return undefined;
  return hasCoding(expansion, typeof c.system === 'string' ? c.system : undefined, c.code);
}

/**
 * Checks one value of an element bound (required) to `valueSet`. `type` is the element's data type;
 * types a binding does not apply to pass. Returns the issue, if any, located at `expression`.
 */
export function checkBoundValue(value: unknown, type: string, valueSet: string, expression: string): Issue | undefined {
  const kind = CHECK_KIND[type];
  return kind && check(value, kind, expandValueSet(valueSet), expression);
}

function check(value: unknown, kind: CheckKind, expansion: Expansion, expression: string): Issue | undefined {
  if (value === null || value === undefined) return undefined;
  const url = expansion.url;
  if (kind === 'code') {
    if (typeof value !== 'string' || hasCode(expansion, value) !== false) return undefined;
    return issue(`Value "${value}" is not in the required value set ${url}${allowed(expansion)}`, expression);
  }
  if (typeof value !== 'object') return undefined;
  if (kind === 'Coding' || kind === 'Quantity') {
    // For a Quantity the binding constrains its unit code and system, not the number.
    const c = value as CodingLike;
    if (codingIn(expansion, c) !== false) return undefined;
    return issue(`Value "${codingKey(c)}" is not in the required value set ${url}${allowed(expansion)}`, expression);
  }
  const cc = value as { coding?: unknown; text?: unknown };
  const codings = (Array.isArray(cc.coding) ? cc.coding : []).filter(
    (c): c is CodingLike => typeof c === 'object' && c !== null && typeof (c as CodingLike).code === 'string',
  );
  if (codings.length === 0) {
    // Required means the concept must come from the set: text alone does not say which code it is.
    if (typeof cc.text !== 'string' || !isFullyCheckable(expansion)) return undefined;
    return issue(`No code provided, and a code from the required value set ${url} is required${allowed(expansion)}`, expression);
  }
  // Other codings may be translations; one of them must be a member (terminologies.html#required).
  let undecided = false;
  for (const c of codings) {
    const member = codingIn(expansion, c);
    if (member) return undefined;
    if (member === undefined) undecided = true;
  }
  if (undecided) return undefined;
  const listed = codings.map((c) => `"${codingKey(c)}"`).join(', ');
  return issue(`None of the codings ${listed} is in the required value set ${url}${allowed(expansion)}`, expression);
}

// --- the walk -----------------------------------------------------------------------------------

interface Walk {
  issues: Issue[];
  /** Keys and array indices from the root resource, joined into a FHIRPath only when reporting. */
  path: (string | number)[];
  root: string;
}

function expressionOf(walk: Walk): string {
  let out = walk.root;
  for (const seg of walk.path) out += typeof seg === 'number' ? `[${seg}]` : `.${seg}`;
  return out;
}

function visitValue(value: unknown, slot: Slot, walk: Walk): void {
  if (slot.expansion && slot.check) {
    // Cheap rejection first: a member code is the common case and needs no path or message.
    if (typeof value === 'string' && slot.expansion.bareCodes.has(value)) return;
    const found = check(value, slot.check, slot.expansion, '');
    if (found) walk.issues.push({ ...found, expression: [expressionOf(walk)] });
  }
  if (value === null || typeof value !== 'object') return;
  if (!slot.type) return;
  if (slot.type === 'Resource') {
    visitResource(value as Record<string, unknown>, walk);
    return;
  }
  if (slot.plan === undefined) slot.plan = planFor(slot.type);
  if (slot.plan) visitObject(value as Record<string, unknown>, slot.plan, walk);
}

function visitObject(obj: Record<string, unknown>, plan: Plan, walk: Walk): void {
  for (const key in obj) {
    const slot = plan.get(key);
    if (!slot) continue;
    const value = obj[key];
    walk.path.push(key);
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        walk.path.push(i);
        visitValue(value[i], slot, walk);
        walk.path.pop();
      }
    } else {
      visitValue(value, slot, walk);
    }
    walk.path.pop();
  }
}

function visitResource(resource: Record<string, unknown>, walk: Walk): void {
  const type = resource.resourceType;
  if (typeof type !== 'string') return;
  const plan = planFor(type);
  if (plan) visitObject(resource, plan, walk);
}

/**
 * Issues (`code-invalid`) for every code in a required binding that is not in its value set, including
 * in contained resources, Bundle entries and data types nested anywhere. Codes we cannot check pass.
 */
export function checkRequiredBindings(resource: Resource): Issue[] {
  loadDefinitions();
  const walk: Walk = { issues: [], path: [], root: resource.resourceType };
  visitResource(resource as unknown as Record<string, unknown>, walk);
  return walk.issues;
}
