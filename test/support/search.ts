/**
 * Helpers for the search suites: create labelled resources, then read a searchset back as those labels,
 * so a table row reads `['name=oberg', ['oberg']]`.
 */
import { expect } from 'vitest';
import type { TestApp, TestResponse } from './test-app.js';

export type Labelled = Record<string, Record<string, unknown>>;

/** Creates each resource (POST, or PUT when it has an id) and returns label -> `Type/id`. */
export async function seed(t: TestApp, resources: Labelled): Promise<Map<string, string>> {
  const refs = new Map<string, string>();
  for (const [label, resource] of Object.entries(resources)) {
    const type = resource.resourceType as string;
    const res = resource.id
      ? await t.request('PUT', `${type}/${resource.id as string}`, { body: resource })
      : await t.request('POST', type, { body: resource });
    if (res.status !== 201) throw new Error(`seeding ${label} failed with ${res.status}: ${res.text}`);
    refs.set(label, `${type}/${res.body.id as string}`);
  }
  return refs;
}

/** GET a search and check it is a searchset. */
export async function search(t: TestApp, query: string, headers?: Record<string, string>): Promise<TestResponse> {
  const res = await t.request('GET', query, headers ? { headers } : {});
  if (res.status !== 200) throw new Error(`GET ${query} answered ${res.status}: ${res.text}`);
  expect(res.body.resourceType).toBe('Bundle');
  expect(res.body.type).toBe('searchset');
  return res;
}

/** `Type/id` of the entries with search.mode `mode`. */
export function entryRefs(bundle: { entry?: { resource: { resourceType: string; id: string }; search?: { mode?: string } }[] }, mode = 'match'): string[] {
  return (bundle.entry ?? []).filter((e) => e.search?.mode === mode).map((e) => `${e.resource.resourceType}/${e.resource.id}`);
}

/** The labels (sorted) of the matches of `query`, following `next` links; unknown refs show as themselves. */
export async function matchLabels(t: TestApp, refs: Map<string, string>, query: string): Promise<string[]> {
  const byRef = new Map([...refs].map(([label, ref]) => [ref, label]));
  const out: string[] = [];
  let res = await search(t, query);
  for (;;) {
    out.push(...entryRefs(res.body).map((r) => byRef.get(r) ?? r));
    const next = linkUrl(res.body, 'next');
    if (!next) break;
    res = await search(t, next);
  }
  return out.sort();
}

export function linkUrl(bundle: { link?: { relation: string; url: string }[] }, relation: string): string | undefined {
  return bundle.link?.find((l) => l.relation === relation)?.url;
}

/** Labels of `refs` except those given, sorted: for `:not` and `:missing=false` rows. */
export function allBut(refs: Map<string, string>, type: string, ...except: string[]): string[] {
  return [...refs].filter(([label, ref]) => ref.startsWith(`${type}/`) && !except.includes(label)).map(([label]) => label).sort();
}
