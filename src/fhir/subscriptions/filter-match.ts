/**
 * @module fhir/subscriptions/filter-match
 * Whether a resource meets a subscription's filters (`Type?param=value`), evaluated on the index entries
 * the write path computes (fhir/search/extract.ts), so it costs microseconds per change instead of a
 * FHIRPath evaluation per filter. Plain equality on token, reference, string (prefix) and uri
 * parameters is matched here; anything else (modifiers, prefixes, dates, quantities, chains) falls
 * back to @medplum/core's in-memory matcher (backport.ts `matchesFilters`).
 */
import type { Resource } from '@medplum/fhirtypes';
import type { IndexEntries } from '../search/index-entries.js';
import type { SearchRegistry } from '../search/registry.js';
import { normalizeString } from '../search/values/normalize.js';
import { matchesFilters } from './backport.js';

type Test = (e: IndexEntries) => boolean;

export function createFilterMatcher(registry: SearchRegistry, index: (r: Resource) => IndexEntries): (resource: Resource, filters: readonly string[]) => boolean {
  const compiled = new Map<string, Test | undefined>();
  const compile = (filter: string): Test | undefined => {
    if (!compiled.has(filter)) {
      if (compiled.size > 10_000) compiled.clear();
      compiled.set(filter, compileFilter(registry, filter));
    }
    return compiled.get(filter);
  };
  return (resource, filters) => {
    let entries: IndexEntries | undefined;
    for (const f of filters) {
      if (f.split('?', 1)[0] !== resource.resourceType) continue;
      const test = compile(f);
      if (!test) {
        if (!matchesFilters(resource, [f])) return false;
        continue;
      }
      entries ??= index(resource);
      if (!test(entries)) return false;
    }
    return true;
  };
}

/** The filter as a test on index entries, or undefined when it needs the full matcher. */
function compileFilter(registry: SearchRegistry, filter: string): Test | undefined {
  const [type = '', query = ''] = filter.split('?', 2);
  const tests: Test[] = [];
  for (const [name, raw] of new URLSearchParams(query)) {
    const def = registry.get(type, name);
    if (!def || name.includes(':') || name.includes('.')) return undefined;
    const values = raw.split(',');
    const any = (one: (v: string) => Test | undefined): Test | undefined => {
      const parts = values.map(one);
      if (parts.some((p) => !p)) return undefined;
      return (e) => parts.some((p) => p!(e));
    };
    const test =
      def.type === 'token' ? any((v) => token(name, v))
      : def.type === 'reference' ? any((v) => reference(name, v))
      : def.type === 'string' ? any((v) => (e) => e.string.some((s) => s.param === name && s.norm.startsWith(normalizeString(v))))
      : def.type === 'uri' ? any((v) => (e) => e.uri.some((u) => u.param === name && u.value === v))
      : undefined;
    if (!test) return undefined;
    tests.push(test);
  }
  return (e) => tests.every((t) => t(e));
}

function token(param: string, v: string): Test {
  const bar = v.indexOf('|');
  if (bar < 0) return (e) => e.token.some((t) => t.param === param && t.code === v);
  const system = v.slice(0, bar);
  const code = v.slice(bar + 1);
  if (!system) return (e) => e.token.some((t) => t.param === param && !t.system && t.code === code);
  if (!code) return (e) => e.token.some((t) => t.param === param && t.system === system);
  return (e) => e.token.some((t) => t.param === param && t.system === system && t.code === code);
}

function reference(param: string, v: string): Test | undefined {
  if (/^https?:/.test(v)) return (e) => e.reference.some((r) => r.param === param && r.url === v);
  const [a, b] = v.split('/');
  if (b === undefined) return (e) => e.reference.some((r) => r.param === param && r.targetId === a);
  return (e) => e.reference.some((r) => r.param === param && r.targetType === a && r.targetId === b);
}
