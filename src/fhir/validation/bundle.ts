/**
 * @module fhir/validation/bundle
 * The rules of a Bundle's entries, https://hl7.org/fhir/R4/bundle.html#invs: each fullUrl once (bdl-7,
 * unless versions differ or the Bundle is a history), each resource once, a RESTful fullUrl that ends in
 * the entry's own type and id; a document starts with a Composition (bdl-11) whose references resolve
 * inside the Bundle (https://hl7.org/fhir/R4/documents.html#bundle), a versioned reference to the
 * version the Bundle holds; a message starts with a MessageHeader (bdl-12). Pure.
 */
import type { Bundle, BundleEntry, Resource } from '@medplum/fhirtypes';
import type { Issue } from '../error.js';

const RESTFUL = /^(.*\/)?([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(\/_history\/([A-Za-z0-9\-.]{1,64}))?$/;
const URN = /^urn:(uuid|oid):/;

export function checkBundle(bundle: Bundle): Issue[] {
  if (bundle.resourceType !== 'Bundle' || !Array.isArray(bundle.entry)) return [];
  const issues: Issue[] = [];
  const entries = bundle.entry;
  if (bundle.type !== 'history') issues.push(...duplicates(entries));
  entries.forEach((entry, i) => {
    const problem = fullUrlMismatch(entry);
    if (problem) issues.push({ severity: 'error', code: 'invalid', diagnostics: problem, expression: [`Bundle.entry[${i}].fullUrl`] });
  });
  if (bundle.type === 'document') issues.push(...checkDocument(entries));
  if (bundle.type === 'message' && entries[0]?.resource?.resourceType !== 'MessageHeader') {
    issues.push({ severity: 'error', code: 'invariant', diagnostics: 'Constraint bdl-12 not met: a message must have a MessageHeader as the first resource', expression: ['Bundle.entry[0]'] });
  }
  return issues;
}

function duplicates(entries: readonly BundleEntry[]): Issue[] {
  const issues: Issue[] = [];
  const urls = new Map<string, number>();
  const ids = new Map<string, number>();
  entries.forEach((entry, i) => {
    const version = entry.resource?.meta?.versionId ?? '';
    if (entry.fullUrl) {
      const key = `${entry.fullUrl}|${version}`;
      const first = urls.get(key);
      if (first !== undefined) {
        issues.push({ severity: 'error', code: 'invariant', diagnostics: `Constraint bdl-7 not met: the fullUrl is the same as that of entry ${first}`, expression: [`Bundle.entry[${i}].fullUrl`] });
      } else urls.set(key, i);
    }
    // Entries with a fullUrl are told apart by it (the same id on two servers is two resources).
    const r = entry.resource;
    if (r?.id && !entry.fullUrl) {
      const key = `${r.resourceType}/${r.id}|${version}`;
      const first = ids.get(key);
      if (first !== undefined) {
        issues.push({ severity: 'error', code: 'duplicate', diagnostics: `${r.resourceType}/${r.id} is also entry ${first}; a Bundle holds each resource once`, expression: [`Bundle.entry[${i}].resource.id`] });
      } else ids.set(key, i);
    }
  });
  return issues;
}

/** A RESTful fullUrl names the resource: `.../Patient/123` must hold Patient 123. */
function fullUrlMismatch(entry: BundleEntry): string | undefined {
  const r = entry.resource;
  if (!entry.fullUrl || !r?.id || URN.test(entry.fullUrl)) return undefined;
  const m = RESTFUL.exec(entry.fullUrl);
  if (!m) return undefined;
  if (m[2] !== r.resourceType || m[3] !== r.id) return `The fullUrl names ${m[2]}/${m[3]}, but the entry holds ${r.resourceType}/${r.id}`;
  return undefined;
}

function checkDocument(entries: readonly BundleEntry[]): Issue[] {
  const composition = entries[0]?.resource;
  if (composition?.resourceType !== 'Composition') {
    return [{ severity: 'error', code: 'invariant', diagnostics: 'Constraint bdl-11 not met: a document must have a Composition as the first resource', expression: ['Bundle.entry[0]'] }];
  }
  const issues: Issue[] = [];
  for (const { reference, expression } of referencesIn(composition, 'Bundle.entry[0].resource')) {
    const found = resolve(reference, entries[0]!.fullUrl, entries);
    if (found === 'missing') {
      issues.push({ severity: 'error', code: 'not-found', diagnostics: 'The Composition refers to a resource the document does not contain', expression: [expression] });
    } else if (found === 'other-version') {
      issues.push({ severity: 'error', code: 'not-found', diagnostics: 'The Composition refers to a version of a resource other than the one the document contains', expression: [expression] });
    }
  }
  return issues;
}

/** Every `reference` string in a resource, except those to contained resources (`#id`) and its own. */
function referencesIn(resource: Resource, at: string): { reference: string; expression: string }[] {
  const out: { reference: string; expression: string }[] = [];
  const walk = (node: unknown, expression: string): void => {
    if (Array.isArray(node)) node.forEach((n, i) => walk(n, `${expression}[${i}]`));
    else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (key === 'contained') continue;
        if (key === 'reference' && typeof value === 'string' && !value.startsWith('#')) out.push({ reference: value, expression: `${expression}.reference` });
        else walk(value, `${expression}.${key}`);
      }
    }
  };
  walk(resource, at);
  return out;
}

/**
 * Finds a reference among the entries (https://hl7.org/fhir/R4/bundle.html#references): an absolute
 * reference or a URN by fullUrl, a relative one against the referring entry's base or by type and id.
 */
function resolve(reference: string, from: string | undefined, entries: readonly BundleEntry[]): 'found' | 'missing' | 'other-version' {
  const m = RESTFUL.exec(reference);
  const version = m?.[5];
  const plain = version ? reference.slice(0, reference.indexOf('/_history/')) : reference;
  const base = from && m && !m[1] && RESTFUL.exec(from)?.[1];
  const candidates = [plain, base ? `${base}${plain}` : undefined].filter((x): x is string => !!x);
  const hit = entries.find((e) => {
    if (e.fullUrl && candidates.includes(e.fullUrl)) return true;
    return !!m && !m[1] && e.resource?.resourceType === m[2] && e.resource?.id === m[3];
  });
  if (!hit) return 'missing';
  if (version && hit.resource?.meta?.versionId !== undefined && hit.resource.meta.versionId !== version) return 'other-version';
  return 'found';
}
