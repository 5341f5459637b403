import { describe, expect, it } from 'vitest';
import { fhirRoutePattern } from './route-pattern.js';

describe('the route pattern of a FHIR request', () => {
  it.each([
    ['/fhir', '/fhir'],
    ['/fhir/metadata', '/fhir/metadata'],
    ['/fhir/Patient', '/fhir/Patient'],
    ['/fhir/Patient/_search', '/fhir/Patient/_search'],
    ['/fhir/Patient/sven-oberg', '/fhir/Patient/:id'],
    ['/fhir/Patient/195009072553', '/fhir/Patient/:id'],
    ['/fhir/Patient/Sven', '/fhir/Patient/:id'],
    ['/fhir/Patient/Sven/_history', '/fhir/Patient/:id/_history'],
    ['/fhir/Patient/Sven/_history/2', '/fhir/Patient/:id/_history/:vid'],
    ['/fhir/Patient/_history', '/fhir/Patient/_history'],
    ['/fhir/_history', '/fhir/_history'],
    ['/fhir/Patient/Sven/$everything', '/fhir/Patient/:id/$everything'],
    ['/fhir/Patient/Sven/Observation', '/fhir/Patient/:id/Observation'],
    ['/fhir/Slot/$find', '/fhir/Slot/$find'],
    ['/fhir/Task/abc/$assign', '/fhir/Task/:id/$assign'],
    ['/fhir/$validate', '/fhir/$validate'],
    ['/fhir/195009072553', '/fhir/:unknown'],
    ['/fhir/.well-known/smart-configuration', '/fhir/.well-known/smart-configuration'],
  ])('%s is logged as %s', (path, pattern) => {
    expect(fhirRoutePattern(path, '/fhir')).toBe(pattern);
  });

  it('never keeps a segment that could be an id, whatever it looks like', () => {
    for (const id of ['metadata', '_search', '$everything', '19500907-2553', 'Anna Svensson']) {
      expect(fhirRoutePattern(`/fhir/Patient/${id}/_history/${id}`, '/fhir')).not.toMatch(/2553|Anna/);
    }
  });

  it('is undefined outside the FHIR base', () => {
    expect(fhirRoutePattern('/auth/token', '/fhir')).toBeUndefined();
    expect(fhirRoutePattern('/fhirx/Patient', '/fhir')).toBeUndefined();
  });
});
