import { readdirSync, readFileSync } from 'node:fs';
import type { Bundle, Resource } from '@medplum/fhirtypes';
import { expect, it } from 'vitest';
import { baseSearchParameters, loadDefinitions } from '../definitions.js';
import { extract } from './extract.js';
import { createSearchRegistry } from './registry.js';

/**
 * The extractor skips a parameter whose expression starts from elements the resource does not have.
 * Over every official R4 example and every resource of the Synthea patients, that must change nothing.
 */
const registry = createSearchRegistry(baseSearchParameters(), loadDefinitions().resourceTypes);
const options = { baseUrl: 'http://localhost:8080/fhir' };
const corpus = new URL('../../../../shared/corpus/', import.meta.url);

function resources(): Resource[] {
  const dir = new URL('fhir-r4-examples/instances/', corpus);
  const examples = readdirSync(dir).map((f) => JSON.parse(readFileSync(new URL(f, dir), 'utf8')) as Resource);
  const synthea = new URL('synthea-r4/patients/', corpus);
  const patients = readdirSync(synthea).flatMap((file) => (JSON.parse(readFileSync(new URL(file, synthea), 'utf8')) as Bundle).entry ?? []);
  return [...examples, ...patients.map((e) => e.resource!)].filter((r) => registry.forType(r.resourceType).length);
}

it('gives the same index entries as evaluating every expression', () => {
  const all = resources();
  expect(all.length).toBeGreaterThan(10_000);
  for (const r of all) expect(extract(registry, options, r), `${r.resourceType}/${r.id}`).toEqual(extract(registry, options, r, true));
}, 120_000);
