/**
 * @module fhir/validation/extensions
 * Extensions against their StructureDefinitions, https://hl7.org/fhir/R4/extensibility.html: an
 * extension only where its context allows it, with a value of an allowed type, no more often than it
 * may occur, and with the sub-extensions a complex extension requires. As the HL7 validator rules: an
 * unknown extension is a warning (it may be ignored), an unknown modifierExtension an error (it changes
 * the meaning of the element, and Lots cannot know how). Pure.
 */
import { tryGetDataType } from '@medplum/core';
import type { Issue } from '../error.js';
import type { ExtensionDefinitions, ExtensionRule } from './extension-definitions.js';
import type { TypedNode } from './walk.js';

type Json = Record<string, unknown>;

/** Specialisations of a datatype that a context naming the general type also covers. */
const GENERAL: Record<string, string> = {
  Age: 'Quantity',
  Count: 'Quantity',
  Distance: 'Quantity',
  Duration: 'Quantity',
  MoneyQuantity: 'Quantity',
  SimpleQuantity: 'Quantity',
};
const ANY_RESOURCE = new Set(['Resource', 'DomainResource']);
/** URLs reserved for examples (RFC 2606); the HL7 validator lets examples use them. */
const EXAMPLE_URL = /^https?:\/\/(www\.)?example\.(org|com|net)\//;

/** The issues of the extensions and modifierExtensions directly on one element. */
export function checkExtensionsAt(node: TypedNode, definitions: ExtensionDefinitions, out: Issue[]): void {
  const value = node.value;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return;
  // The sub-extensions of an extension are checked with it (checkOne), against its definition.
  if (node.type === 'Extension') return;
  for (const key of ['extension', 'modifierExtension'] as const) {
    const list = (value as Json)[key];
    if (Array.isArray(list)) checkList(list, key, node, definitions, out);
  }
}

function checkList(list: unknown[], key: 'extension' | 'modifierExtension', node: TypedNode, definitions: ExtensionDefinitions, out: Issue[]): void {
  const counts = new Map<string, number>();
  list.forEach((ext, i) => {
    if (!ext || typeof ext !== 'object' || typeof (ext as Json).url !== 'string') return; // @medplum/core reports it
    const url = ((ext as Json).url as string).split('|')[0]!;
    const expression = `${node.expression}.${key}[${i}]`;
    const rule = definitions.get(url);
    if (!rule) {
      out.push(
        key === 'modifierExtension' && !EXAMPLE_URL.test(url)
          ? { severity: 'error', code: 'extension', diagnostics: `The modifier extension ${url} is not known to this server, so the meaning of the element cannot be understood`, expression: [expression] }
          : { severity: 'warning', code: 'extension', diagnostics: `The extension ${url} is not known to this server, so it was not checked`, expression: [expression] },
      );
      return;
    }
    counts.set(url, (counts.get(url) ?? 0) + 1);
    if (counts.get(url) === rule.max + 1) {
      out.push({ severity: 'error', code: 'structure', diagnostics: `The extension ${url} may appear at most ${rule.max} time(s) here`, expression: [expression] });
    }
    if (key === 'extension' && rule.isModifier) {
      out.push({ severity: 'error', code: 'structure', diagnostics: `The extension ${url} is a modifier extension and must be in modifierExtension`, expression: [expression] });
    }
    if (!allowedAt(rule, node)) {
      const allowed = rule.contexts.map((c) => c.expression).join(', ');
      out.push({ severity: 'error', code: 'structure', diagnostics: `The extension ${url} is not allowed to be used at ${node.path} (allowed: ${allowed})`, expression: [expression] });
    }
    checkOne(ext as Json, rule, expression, definitions, out);
  });
}

/** Value type and sub-extensions of one extension. */
function checkOne(ext: Json, rule: Pick<ExtensionRule, 'url' | 'valueTypes' | 'valueRequired'> & Partial<ExtensionRule>, expression: string, definitions: ExtensionDefinitions, out: Issue[]): void {
  const valueKey = Object.keys(ext).find((k) => k.startsWith('value'));
  if (valueKey) {
    const type = valueKey.slice('value'.length);
    if (rule.valueTypes.length === 0) {
      out.push({ severity: 'error', code: 'structure', diagnostics: `The extension ${rule.url} has sub-extensions and no value; found ${valueKey}`, expression: [`${expression}.${valueKey}`] });
    } else if (!rule.valueTypes.some((t) => t.toLowerCase() === type.toLowerCase())) {
      out.push({
        severity: 'error',
        code: 'structure',
        diagnostics: `The extension ${rule.url} allows a value of type ${rule.valueTypes.join(', ')}, but found ${type}`,
        expression: [`${expression}.${valueKey}`],
      });
    }
  } else if (rule.valueRequired) {
    out.push({ severity: 'error', code: 'required', diagnostics: `The extension ${rule.url} must have a value (${rule.valueTypes.join(', ')})`, expression: [expression] });
  }
  const subs = Array.isArray(ext.extension) ? (ext.extension as unknown[]) : [];
  if (!rule.children) return;
  const seen = new Map<string, number>();
  subs.forEach((sub, i) => {
    if (!sub || typeof sub !== 'object' || typeof (sub as Json).url !== 'string') return;
    const url = (sub as Json).url as string;
    const child = rule.children!.get(url);
    const at = `${expression}.extension[${i}]`;
    if (!child) {
      // An absolute URL is an ordinary extension on this one; a bare name must be one the definition has.
      if (/^[a-z][a-z0-9+.-]*:/i.test(url)) {
        const known = definitions.get(url.split('|')[0]!);
        if (known) checkOne(sub as Json, known, at, definitions, out);
        else out.push({ severity: 'warning', code: 'extension', diagnostics: `The extension ${url} is not known to this server, so it was not checked`, expression: [at] });
      } else if (rule.children!.size > 0) {
        // Open slicing (nearly every definition) allows others; they are only unknown.
        out.push({ severity: rule.closed ? 'error' : 'warning', code: 'structure', diagnostics: `The extension ${rule.url} defines no sub-extension "${url}"`, expression: [at] });
      }
      return;
    }
    seen.set(url, (seen.get(url) ?? 0) + 1);
    if (seen.get(url) === child.max + 1) {
      out.push({ severity: 'error', code: 'structure', diagnostics: `The sub-extension "${url}" of ${rule.url} may appear at most ${child.max} time(s)`, expression: [at] });
    }
    checkOne(sub as Json, { url, valueTypes: child.valueTypes, valueRequired: false }, at, definitions, out);
  });
  for (const [url, child] of rule.children) {
    if (child.min > (seen.get(url) ?? 0)) {
      out.push({ severity: 'error', code: 'required', diagnostics: `The extension ${rule.url} needs the sub-extension "${url}" at least ${child.min} time(s)`, expression: [expression] });
    }
  }
}

/** Whether one of the definition's contexts covers this element. */
function allowedAt(rule: ExtensionRule, node: TypedNode): boolean {
  if (rule.contexts.length === 0) return true;
  return rule.contexts.some((c) => {
    // FHIRPath contexts and contexts of other extensions are not evaluated here: no false errors.
    if (c.type !== 'element') return true;
    const e = c.expression;
    if (e === 'Element' || e === node.path || e === node.typePath || e === node.type || e === GENERAL[node.type]) return true;
    // A nested backbone (PlanDefinition.action.action) has the type of the element it repeats.
    if (e === tryGetDataType(node.type)?.path) return true;
    if (ANY_RESOURCE.has(e) && node.value === node.resource) return true;
    // Backbone elements have types of their own in @medplum/core (PatientContact at Patient.contact).
    return e === 'BackboneElement' && tryGetDataType(node.type)?.path === node.typePath;
  });
}
