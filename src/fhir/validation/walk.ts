/**
 * @module fhir/validation/walk
 * One typed pass over a resource: every element with its FHIRPath location, its element path and its
 * R4 type, as @medplum/core's schemas (loaded by fhir/definitions) give them. The checks of this folder
 * that need types (primitives, extensions, attachments) share the one pass, so a write pays for it once.
 * Elements the schema does not know are skipped: @medplum/core already reports them.
 */
import { tryGetDataType, type InternalSchemaElement, type InternalTypeSchema } from '@medplum/core';
import type { Resource } from '@medplum/fhirtypes';

export interface TypedNode {
  /** The JSON value of one occurrence (an array element, never the array). */
  value: unknown;
  /** Where it is, as the HL7 validator names it: `Patient.contact[0].name.family`. */
  expression: string;
  /** The element path from the resource without indices: `Patient.contact.name.family`. */
  path: string;
  /** The element path inside its datatype: `HumanName.family` (equals `path` in resources and backbones). */
  typePath: string;
  /** The R4 type code: `HumanName`, `date`, `Patient`; `Element` for the `_x` part of a primitive. */
  type: string;
  /** The nearest enclosing resource (a contained resource or Bundle entry is its own). */
  resource: Resource;
}

export type NodeVisitor = (node: TypedNode) => void;

const SYSTEM_STRING = 'http://hl7.org/fhirpath/System.String';

/** Visits the resource and every element under it, contained and nested resources included. */
export function walkTyped(resource: Resource, visit: NodeVisitor, expression: string = resource.resourceType): void {
  const schema = tryGetDataType(resource.resourceType);
  if (!schema) return;
  const path = resource.resourceType;
  visit({ value: resource, expression, path, typePath: path, type: path, resource });
  walkChildren(resource as unknown as Record<string, unknown>, schema, { expression, path, resource }, visit);
}

interface Where {
  expression: string;
  path: string;
  resource: Resource;
}

function walkChildren(obj: Record<string, unknown>, schema: InternalTypeSchema, where: Where, visit: NodeVisitor): void {
  for (const [key, raw] of Object.entries(obj)) {
    if (key === 'resourceType' || raw === null || raw === undefined) continue;
    const shadow = key.startsWith('_');
    const name = shadow ? key.slice(1) : key;
    const found = elementOf(schema, name);
    if (!found) continue;
    const path = `${where.path}.${found.key}`;
    const typePath = `${schema.path}.${found.key}`;
    const items = Array.isArray(raw) ? raw : [raw];
    items.forEach((item, i) => {
      if (item === null || item === undefined) return;
      const expression = `${where.expression}.${name}${Array.isArray(raw) ? `[${i}]` : ''}`;
      if (shadow) {
        visit({ value: item, expression, path, typePath, type: 'Element', resource: where.resource });
        const element = tryGetDataType('Element');
        if (element && typeof item === 'object') walkChildren(item as Record<string, unknown>, element, { expression, path, resource: where.resource }, visit);
        return;
      }
      if (found.type === 'Resource') {
        if (isResource(item)) walkTyped(item, visit, expression);
        return;
      }
      visit({ value: item, expression, path, typePath, type: found.type, resource: where.resource });
      const inner = typeof item === 'object' && !Array.isArray(item) ? tryGetDataType(found.type) : undefined;
      if (inner) walkChildren(item as Record<string, unknown>, inner, { expression, path, resource: where.resource }, visit);
    });
  }
}

/** The schema element for a JSON property name, choice types (`valueQuantity`) included. */
function elementOf(schema: InternalTypeSchema, name: string): { key: string; element: InternalSchemaElement; type: string } | undefined {
  const direct = schema.elements[name];
  if (direct && direct.type.length > 0) return { key: name, element: direct, type: typeCode(direct.type[0]!.code) };
  for (const [key, element] of Object.entries(schema.elements)) {
    if (!key.endsWith('[x]')) continue;
    const stem = key.slice(0, -3);
    if (!name.startsWith(stem)) continue;
    const suffix = name.slice(stem.length);
    const type = element.type.find((t) => t.code.toLowerCase() === suffix.toLowerCase());
    if (type) return { key, element, type: typeCode(type.code) };
  }
  return undefined;
}

function typeCode(code: string): string {
  return code === SYSTEM_STRING ? 'string' : code;
}

export function isResource(value: unknown): value is Resource {
  return typeof value === 'object' && value !== null && typeof (value as { resourceType?: unknown }).resourceType === 'string';
}
