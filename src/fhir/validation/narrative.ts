/**
 * @module fhir/validation/narrative
 * Internal links of a narrative, https://hl7.org/fhir/R4/narrative.html#id: an `href="#x"` or
 * `src="#x"` must point at something in the resource: an `id` or `name` in the XHTML, an element id,
 * or a contained resource. The HL7 validator reports a link that does not resolve as an error. (The
 * elements and attributes the XHTML may not have are checked in fhir/validate, `checkNarratives`.) Pure.
 */
import type { Resource } from '@medplum/fhirtypes';
import type { Issue } from '../error.js';
import type { TypedNode } from './walk.js';

const INTERNAL_LINK = /\s(?:href|src)\s*=\s*["']#([^"']*)["']/gi;
const ANCHOR = /\s(?:id|name)\s*=\s*["']([^"']*)["']/gi;

/** For each resource the walk meets, the links of its own `text.div`. */
export function checkNarrativeLinks(node: TypedNode, out: Issue[]): void {
  if (node.value !== node.resource) return;
  const div = (node.resource as { text?: { div?: unknown } }).text?.div;
  if (typeof div !== 'string' || !div.includes('#')) return;
  let targets: Set<string> | undefined;
  for (const m of div.matchAll(INTERNAL_LINK)) {
    const target = m[1]!;
    if (target === '') continue;
    targets ??= targetsIn(node.resource, div);
    if (!targets.has(target)) {
      out.push({ severity: 'error', code: 'invalid', diagnostics: `The narrative links to "#${target}", which is nowhere in the resource`, expression: [`${node.expression}.text.div`] });
    }
  }
}

function targetsIn(resource: Resource, div: string): Set<string> {
  const targets = new Set<string>();
  for (const m of div.matchAll(ANCHOR)) targets.add(m[1]!);
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (key === 'id' && typeof value === 'string') targets.add(value);
        else walk(value);
      }
    }
  };
  walk(resource);
  return targets;
}
