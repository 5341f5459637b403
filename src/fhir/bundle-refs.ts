/**
 * @module fhir/bundle-refs
 * Reference rewriting for transactions (https://hl7.org/fhir/R4/http.html#trules): every string in an
 * entry's resource that equals a `urn:uuid:` / `urn:oid:` fullUrl of another entry becomes `Type/id`,
 * wherever it sits (references, extensions, contained resources, uri elements), and links in the
 * narrative (`href`, `src`) are rewritten too. Conditional references (`Patient?identifier=...`) are
 * found here and resolved by the caller. Pure.
 */

const CONDITIONAL = /^[A-Z][A-Za-z]+\?.+/;

/** Walks every string of `value`, replacing it with what `fn` returns; returns a new value. */
export function mapStrings(value: unknown, fn: (s: string, key: string) => string, key = ''): unknown {
  if (typeof value === 'string') return fn(value, key);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, fn, key));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = mapStrings(v, fn, k);
    return out;
  }
  return value;
}

/** Replaces fullUrl placeholders by their `Type/id`, in values and in narrative links. */
export function rewriteReferences<T>(resource: T, map: ReadonlyMap<string, string>): T {
  if (map.size === 0) return resource;
  return mapStrings(resource, (s, key) => {
    const direct = map.get(s);
    if (direct !== undefined) return direct;
    if (key === 'div' && s.includes('urn:')) {
      return s.replace(/(href|src)="(urn:(?:uuid|oid):[^"]+)"/g, (m, attr: string, urn: string) => {
        const to = map.get(urn);
        return to ? `${attr}="${to}"` : m;
      });
    }
    return s;
  }) as T;
}

/** The conditional references (`Type?criteria`) in `reference` elements of a resource. */
export function conditionalReferences(resource: unknown): string[] {
  const found = new Set<string>();
  mapStrings(resource, (s, key) => {
    if (key === 'reference' && CONDITIONAL.test(s)) found.add(s);
    return s;
  });
  return [...found];
}

export function isPlaceholder(url: string | undefined): url is string {
  return !!url && (url.startsWith('urn:uuid:') || url.startsWith('urn:oid:'));
}
