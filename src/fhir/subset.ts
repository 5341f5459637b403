/**
 * @module fhir/subset
 * `_summary` and `_elements` (https://hl7.org/fhir/R4/search.html#summary): a resource reduced to the
 * asked-for elements, marked SUBSETTED in meta.tag so no client mistakes it for the whole resource.
 */
import { tryGetDataType } from '@medplum/core';
import type { Coding, Resource } from '@medplum/fhirtypes';
import type { SummaryMode } from './search/request.js';

export const SUBSETTED: Coding = { system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue', code: 'SUBSETTED', display: 'subsetted' };

const ALWAYS = ['resourceType', 'id', 'meta'];

/** Returns the reduced resource, or the same object when nothing is asked for. */
export function subset(resource: Resource, summary: SummaryMode | undefined, elements: readonly string[] | undefined): Resource {
  if (elements?.length) return keep(resource, new Set([...ALWAYS, ...mandatory(resource.resourceType), ...elements]));
  switch (summary) {
    case 'true': {
      const schema = tryGetDataType(resource.resourceType);
      const summaryProps = schema?.summaryProperties ?? new Set<string>();
      return keep(resource, new Set([...ALWAYS, ...summaryProps, ...mandatory(resource.resourceType)]));
    }
    case 'text':
      return keep(resource, new Set([...ALWAYS, 'text', ...mandatory(resource.resourceType)]));
    case 'data': {
      const { text: _text, ...rest } = resource as Resource & { text?: unknown };
      return tag(rest as Resource);
    }
    default:
      return resource;
  }
}

function mandatory(type: string): string[] {
  const schema = tryGetDataType(type);
  if (!schema) return [];
  return Object.entries(schema.elements)
    .filter(([, e]) => e.min > 0)
    .map(([key]) => key.replace('[x]', ''));
}

/** Choice elements (value[x]) of a type, by their name without [x]. */
function choices(type: string): string[] {
  const schema = tryGetDataType(type);
  return schema ? Object.keys(schema.elements).filter((k) => k.endsWith('[x]')).map((k) => k.slice(0, -3)) : [];
}

function keep(resource: Resource, names: Set<string>): Resource {
  const out: Record<string, unknown> = {};
  const choiceNames = choices(resource.resourceType).filter((c) => names.has(c));
  for (const [key, value] of Object.entries(resource)) {
    const base = key.replace(/^_/, '');
    if (names.has(base) || choiceNames.some((c) => base.startsWith(c) && /^[A-Z]/.test(base.slice(c.length)))) out[key] = value;
  }
  return tag(out as unknown as Resource);
}

function tag(resource: Resource): Resource {
  const meta = resource.meta ?? {};
  const tags = (meta.tag ?? []).filter((t) => !(t.system === SUBSETTED.system && t.code === SUBSETTED.code));
  return { ...resource, meta: { ...meta, tag: [...tags, SUBSETTED] } };
}
