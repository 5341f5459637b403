/**
 * @module profiles
 * Reads the conformance resources in `profiles/` (StructureDefinitions, ValueSets, CodeSystems,
 * SearchParameters), starting with the HL7 Sweden base profiles, at start.
 */
import { readdir, readFile } from 'node:fs/promises';
import type { Resource, StructureDefinition } from '@medplum/fhirtypes';

const PROFILES_DIR = new URL('../profiles/', import.meta.url);

export async function loadProfileResources(dir: URL = PROFILES_DIR): Promise<Resource[]> {
  const out: Resource[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.json')) continue;
    const path = `${entry.parentPath}/${entry.name}`;
    out.push(JSON.parse(await readFile(path, 'utf8')) as Resource);
  }
  return out;
}

/** The StructureDefinitions in `profiles/`, by canonical URL (and `url|version`). */
export async function loadProfiles(dir?: URL): Promise<Map<string, StructureDefinition>> {
  return profilesByUrl(await loadProfileResources(dir));
}

export function profilesByUrl(resources: readonly Resource[]): Map<string, StructureDefinition> {
  const map = new Map<string, StructureDefinition>();
  for (const r of resources) {
    if (r.resourceType !== 'StructureDefinition' || !r.url) continue;
    map.set(r.url, r);
    if (r.version) map.set(`${r.url}|${r.version}`, r);
  }
  return map;
}
