/**
 * @module fhir/bundle
 * Serialises Bundles whose entries may hold stored resource JSON as text, so search and history results
 * are assembled without parsing and re-serialising every resource.
 */
import type { Bundle, BundleEntry, BundleLink, Resource } from '@medplum/fhirtypes';

export interface EntryParts {
  fullUrl?: string;
  /** The resource as stored JSON text. */
  raw?: string;
  resource?: Resource;
  search?: BundleEntry['search'];
  request?: BundleEntry['request'];
  response?: BundleEntry['response'];
}

export type BundleHeader = Omit<Bundle, 'entry'>;

/** The Bundle as JSON text; entries keep the R4 element order (fullUrl, resource, search, request, response). */
export function bundleJson(header: BundleHeader, entries: readonly EntryParts[]): string {
  const head = JSON.stringify(header);
  if (entries.length === 0) return head;
  const body = entries.map(entryJson).join(',');
  return `${head.slice(0, -1)},"entry":[${body}]}`;
}

function entryJson(e: EntryParts): string {
  const parts: string[] = [];
  if (e.fullUrl !== undefined) parts.push(`"fullUrl":${JSON.stringify(e.fullUrl)}`);
  if (e.raw !== undefined) parts.push(`"resource":${e.raw}`);
  else if (e.resource !== undefined) parts.push(`"resource":${JSON.stringify(e.resource)}`);
  if (e.search) parts.push(`"search":${JSON.stringify(e.search)}`);
  if (e.request) parts.push(`"request":${JSON.stringify(e.request)}`);
  if (e.response) parts.push(`"response":${JSON.stringify(e.response)}`);
  return `{${parts.join(',')}}`;
}

export function link(relation: string, url: string): BundleLink {
  return { relation, url };
}
