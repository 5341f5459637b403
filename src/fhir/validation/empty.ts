/**
 * @module fhir/validation/empty
 * Nothing in FHIR JSON is empty (https://hl7.org/fhir/R4/json.html): no `[]`, no `{}`, no `""`, no
 * `null` except as the placeholder that keeps a primitive array and its `_x` array aligned, and no `_x`
 * with neither a value nor an extension. The HL7 validator reports each as an error. Pure.
 */
import type { Resource } from '@medplum/fhirtypes';
import type { Issue } from '../error.js';

export function checkEmpty(resource: Resource): Issue[] {
  const issues: Issue[] = [];
  walkObject(resource as unknown as Record<string, unknown>, resource.resourceType, issues);
  return issues;
}

function walkObject(obj: Record<string, unknown>, expression: string, out: Issue[]): void {
  const keys = Object.keys(obj);
  if (keys.length === 0) {
    out.push(empty(expression, 'An object must have some content; leave the element out instead'));
    return;
  }
  for (const key of keys) {
    const value = obj[key];
    const name = key.startsWith('_') ? key.slice(1) : key;
    const at = `${expression}.${name}`;
    if (Array.isArray(value)) {
      if (value.length === 0) out.push(empty(at, 'An array may not be empty; leave the element out instead'));
      const twin = obj[key.startsWith('_') ? name : `_${key}`];
      value.forEach((item, i) => {
        // A null keeps the value array and its `_x` array aligned; both null at one index is empty.
        if (item === null && Array.isArray(twin) && twin[i] !== null && twin[i] !== undefined) return;
        if (item === null && key.startsWith('_') && Array.isArray(twin)) return; // reported on the value side
        walkValue(item, `${at}[${i}]`, out);
      });
    } else {
      walkValue(value, at, out);
      if (key.startsWith('_')) checkPrimitiveElement(value, obj[name], at, out);
    }
  }
}

function walkValue(value: unknown, expression: string, out: Issue[]): void {
  if (value === null) out.push(empty(expression, 'A value may not be null; leave the element out instead'));
  else if (value === '') out.push(empty(expression, 'A string value may not be empty; leave the element out instead'));
  else if (Array.isArray(value)) out.push(empty(expression, 'An array may not hold arrays'));
  else if (typeof value === 'object') walkObject(value as Record<string, unknown>, expression, out);
}

/** `_birthDate: { id: "x" }` without `birthDate` carries nothing. */
function checkPrimitiveElement(element: unknown, primitive: unknown, expression: string, out: Issue[]): void {
  if (primitive !== undefined && primitive !== null) return;
  if (!element || typeof element !== 'object' || Array.isArray(element)) return;
  const extensions = (element as { extension?: unknown }).extension;
  if (Array.isArray(extensions) && extensions.length > 0) return;
  if (Object.keys(element).length === 0) return; // reported as an empty object
  out.push(empty(expression, 'A primitive element must have a value or extensions'));
}

function empty(expression: string, diagnostics: string): Issue {
  return { severity: 'error', code: 'structure', diagnostics, expression: [expression] };
}
