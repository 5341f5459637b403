import { readdirSync, readFileSync } from 'node:fs';
import type { Bundle, Resource } from '@medplum/fhirtypes';
import { expect, it } from 'vitest';
import { baseSearchParameters, loadDefinitions } from '../definitions.js';
import { extract } from './extract.js';
import { R4_EXAMPLES_DIR, r4ExampleFiles, syntheaDir } from '../../../test/support/corpus.js';
import { createSearchRegistry } from './registry.js';

/**
 * The extractor skips a parameter whose expression starts from elements the resource does not have.
 * Over every official R4 example and every resource of the Synthea patients, that must change nothing.
 */
const registry = createSearchRegistry(baseSearchParameters(), loadDefinitions().resourceTypes);
const options = { baseUrl: 'http://localhost:8080/fhir' };

function resources(): Resource[] {
  const examples = r4ExampleFiles().map((f) => JSON.parse(readFileSync(new URL(f, R4_EXAMPLES_DIR), 'utf8')) as Resource);
  const synthea = new URL('patients/', syntheaDir().dir);
  const patients = readdirSync(synthea).flatMap((file) => (JSON.parse(readFileSync(new URL(file, synthea), 'utf8')) as Bundle).entry ?? []);
  return [...examples, ...patients.map((e) => e.resource!)].filter((r) => registry.forType(r.resourceType).length);
}

it('gives the same index entries as evaluating every expression', () => {
  const all = resources();
  expect(all.length).toBeGreaterThan(syntheaDir().full ? 10_000 : 1000);
  for (const r of all) expect(extract(registry, options, r), `${r.resourceType}/${r.id}`).toEqual(extract(registry, options, r, true));
}, 120_000);
