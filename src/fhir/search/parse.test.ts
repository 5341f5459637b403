import { describe, expect, it } from 'vitest';
import { FhirError } from '../error.js';
import { baseSearchParameters, loadDefinitions } from '../definitions.js';
import { parseSearch } from './parse.js';
import { createSearchRegistry } from './registry.js';
import type { ChainFilter, HasFilter, ParamFilter } from './request.js';

const { resourceTypes, resourceTypeSet } = loadDefinitions();
const registry = createSearchRegistry(baseSearchParameters(), resourceTypes);

const parse = (type: string, query: string, strict = false) =>
  parseSearch([type], new URLSearchParams(query), {
    registry,
    resourceTypes: resourceTypeSet,
    strict,
    baseUrl: 'http://localhost:8080/fhir',
    defaultCount: 20,
    maxCount: 1000,
  });

describe('parseSearch', () => {
  it('parses prefixes, system|code and modifiers into values', () => {
    const req = parse('Observation', 'date=ge2023-03&code=http://loinc.org|8867-4&code:not=|x&value-quantity=5.4||mg');
    const [date, code, not, qty] = req.filters as ParamFilter[];
    expect(date!.values[0]).toMatchObject({ kind: 'date', prefix: 'ge', range: { low: '2023-03-01T00:00:00.000Z', high: '2023-04-01T00:00:00.000Z' } });
    expect(code!.values[0]).toEqual({ kind: 'token', system: 'http://loinc.org', code: '8867-4' });
    expect(not).toMatchObject({ modifier: 'not', values: [{ kind: 'token', system: null, code: 'x' }] });
    expect(qty!.values[0]).toMatchObject({ kind: 'quantity', prefix: 'eq', value: '5.4', low: '5.35', high: '5.45', code: 'mg' });
    expect(qty!.values[0]).not.toHaveProperty('system');
  });

  it('splits OR values on unescaped commas only', () => {
    const [f] = parse('Patient', 'family=a\\,b,c').filters as ParamFilter[];
    expect(f!.values).toEqual([{ kind: 'string', value: 'a,b' }, { kind: 'string', value: 'c' }]);
  });

  it('reads an absolute reference to this server as Type/id', () => {
    const [f] = parse('Observation', 'subject=http://localhost:8080/fhir/Patient/123').filters as ParamFilter[];
    expect(f!.values[0]).toEqual({ kind: 'reference', type: 'Patient', id: '123' });
  });

  it('resolves a chain per target type, dropping those without the chained parameter', () => {
    const [chain] = parse('Observation', 'subject.name=x').filters as ChainFilter[];
    expect(chain!.kind).toBe('chain');
    const types = chain!.targets.map((t) => t.type).sort();
    expect(types).toContain('Patient');
    expect(types).toContain('Location');
    expect(types).not.toContain('Group');
  });

  it('nests _has', () => {
    const [has] = parse('Organization', '_has:Patient:organization:_has:Observation:subject:code=1').filters as HasFilter[];
    expect(has).toMatchObject({ kind: 'has', type: 'Patient' });
    expect(has!.next).toMatchObject({ kind: 'has', type: 'Observation' });
  });

  it('records the parameters used for self, with _count as capped', () => {
    const req = parse('Patient', 'family=a&_count=5000&_sort=-birthdate&shoe=1&_format=json');
    expect(req.used).toEqual([['family', 'a'], ['_count', '1000'], ['_sort', '-birthdate']]);
    expect(req.count).toBe(1000);
    expect(req.ignored.map((i) => i.name)).toEqual(['shoe']);
    expect(req.total).toBeUndefined();
  });

  it('throws a 400 for unknown parameters only when strict', () => {
    expect(() => parse('Patient', 'shoe=1', true)).toThrow(FhirError);
    expect(parse('Patient', 'shoe=1').filters).toEqual([]);
  });

  it('throws a 400 for malformed values and a NUL under either handling', () => {
    for (const query of ['birthdate=notadate', 'name:sounds=x', 'name=a\u0000b', '_count=x']) {
      expect(() => parse('Patient', query), query).toThrow(FhirError);
    }
  });
});

describe('search complexity limits', () => {
  const refusal = (type: string, query: string): FhirError => {
    try {
      parse(type, query);
    } catch (e) {
      if (e instanceof FhirError) return e;
      throw e;
    }
    throw new Error(`expected ${query} to be refused`);
  };

  it('follows chains up to 4 links and refuses a fifth with 400 too-costly', () => {
    expect(parse('Observation', 'subject:Patient.organization.partof.partof.name=x').filters).toHaveLength(1);
    const e = refusal('Observation', 'subject:Patient.organization.partof.partof.partof.name=x');
    expect(e.status).toBe(400);
    expect(e.issues[0]).toMatchObject({ code: 'too-costly' });
  });

  it('stops a chain through Reference(Any) before it multiplies across every resource type', () => {
    // focus refers to Any: each untyped link tries every resource type (and so multiplies at depth).
    expect(parse('Observation', 'focus.identifier=x').filters).toHaveLength(1);
    expect(parse('Observation', 'focus:Patient.identifier=x&'.repeat(20)).filters).toHaveLength(20);
    const e = refusal('Observation', Array.from({ length: 7 }, (_, i) => `focus.identifier=x${i}`).join('&'));
    expect(e.issues[0]).toMatchObject({ code: 'too-costly', expression: ['focus'] });
  });

  it('counts _has links', () => {
    expect(refusal('Patient', '_has:Observation:subject:_has:Observation:subject:_has:Observation:subject:_has:Observation:subject:_has:Observation:subject:code=x').issues[0]!.code).toBe('too-costly');
  });

  it('refuses OR lists over 500 values, searches over 100 parameters and over 30 include rules', () => {
    expect((parse('Patient', `_id=${Array.from({ length: 500 }, (_, i) => `p${i}`).join(',')}`).filters[0] as ParamFilter).values).toHaveLength(500);
    expect(refusal('Patient', `_id=${Array.from({ length: 501 }, (_, i) => `p${i}`).join(',')}`).issues[0]).toMatchObject({ code: 'too-costly', expression: ['_id'] });
    expect(refusal('Patient', Array.from({ length: 101 }, (_, i) => `family=a${i}`).join('&')).issues[0]!.code).toBe('too-costly');
    expect(refusal('Observation', Array.from({ length: 31 }, () => '_include=Observation:subject').join('&')).issues[0]!.code).toBe('too-costly');
  });
});
