/**
 * Where the tests find FHIR data nobody on this team wrote, with nothing beside the checkout: the R4
 * examples from the npm package `hl7.fhir.r4.examples`, the rest vendored under `test/fixtures/` (see
 * its README). A larger corpus beside the checkout (`../shared/corpus/`, or `LOTS_TEST_CORPUS`) adds
 * Synthea patients when present.
 */
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';

const FIXTURES = new URL('../fixtures/', import.meta.url);

/** The folder of the larger corpus, when one is there. */
function largerCorpus(): URL | undefined {
  const named = process.env.LOTS_TEST_CORPUS;
  const dir = named ? pathToFileURL(named.endsWith('/') ? named : `${named}/`) : new URL('../../../shared/corpus/', import.meta.url);
  return existsSync(dir) ? dir : undefined;
}

/** The package's folder holds the spec's definitions too; these Bundles only collect definitions. */
const DEFINITION_TYPES = new Set([
  'CapabilityStatement', 'CodeSystem', 'CompartmentDefinition', 'ConceptMap', 'ImplementationGuide', 'NamingSystem',
  'OperationDefinition', 'SearchParameter', 'StructureDefinition', 'ValueSet',
]);
const DEFINITION_BUNDLES = new Set([
  'conceptmaps', 'dataelements', 'extensions', 'profiles-others', 'resources', 'searchParams', 'terminologies', 'types',
  'v2-valuesets', 'v3-valuesets', 'valueset-expansions', 'valuesets',
]);

/** The folder of the R4 (4.0.1) examples package. */
export const R4_EXAMPLES_DIR = pathToFileURL(`${dirname(createRequire(import.meta.url).resolve('hl7.fhir.r4.examples/package.json'))}/`);

/** The file names of the 715 example instances of the R4 specification (no definitions), sorted. */
export function r4ExampleFiles(): string[] {
  return readdirSync(R4_EXAMPLES_DIR)
    .filter((f) => /^[A-Z][A-Za-z]+-.+\.json$/.test(f))
    .filter((f) => {
      const [type] = f.split('-', 1) as [string];
      return !DEFINITION_TYPES.has(type) && !(type === 'Bundle' && DEFINITION_BUNDLES.has(f.slice('Bundle-'.length, -'.json'.length)));
    })
    .sort();
}

/** The Synthea folder (`patients/`, `support/`): the larger corpus's 20 patients when present, else 2 vendored. */
export function syntheaDir(): { dir: URL; full: boolean } {
  const corpus = largerCorpus();
  const full = corpus && new URL('synthea-r4/', corpus);
  if (full && existsSync(full)) return { dir: full, full: true };
  return { dir: new URL('synthea/', FIXTURES), full: false };
}

/** The vendored FHIR test cases for FHIRPath Patch and JSON Patch. */
export const PATCH_TESTS_DIR = new URL('fhir-patch-tests/', FIXTURES);

/** The vendored HL7 Sweden base profile examples. */
export const SE_BASE_EXAMPLES_DIR = new URL('se-base-profiles/', FIXTURES);
