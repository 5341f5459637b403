import type { Resource } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { baseSearchParameters, loadDefinitions } from '../definitions.js';
import { createExtractor } from '../search/extract.js';
import { createSearchRegistry } from '../search/registry.js';
import { matchesFilters } from './backport.js';
import { createFilterMatcher } from './filter-match.js';

const { resourceTypes } = loadDefinitions();
const registry = createSearchRegistry(baseSearchParameters(), resourceTypes);
const match = createFilterMatcher(registry, createExtractor(registry, { baseUrl: 'http://localhost/fhir' }));

const obs: Resource = {
  resourceType: 'Observation',
  id: 'o1',
  status: 'final',
  code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] },
  subject: { reference: 'Patient/p1' },
  effectiveDateTime: '2026-01-02T10:00:00Z',
};

describe('the filter matcher on index entries', () => {
  const cases: [string, boolean][] = [
    ['Observation?code=http://loinc.org|8867-4', true],
    ['Observation?code=8867-4', true],
    ['Observation?code=http://loinc.org|', true],
    ['Observation?code=|8867-4', false],
    ['Observation?code=http://loinc.org|1234-5', false],
    ['Observation?code=1234-5,8867-4', true],
    ['Observation?subject=Patient/p1', true],
    ['Observation?patient=Patient/p2', false],
    ['Observation?subject=Patient/p1&status=final', true],
    ['Observation?subject=Patient/p1&status=amended', false],
    ['Observation?date=ge2026-01-01', true],
    ['Observation?date=lt2026-01-01', false],
    ['Patient?name=x', true],
  ];
  it.each(cases)('%s -> %s, as @medplum/core decides', (filter, expected) => {
    expect(match(obs, [filter])).toBe(expected);
    expect(matchesFilters(obs, [filter])).toBe(expected);
  });

  it('matches a bare id as Lots searches do (any type with that id)', () => {
    expect(match(obs, ['Observation?subject=p1'])).toBe(true);
    expect(match(obs, ['Observation?subject=p2'])).toBe(false);
  });
});
