/**
 * @module store/search/valuesets
 * Lists the members of the ValueSets that `:in` / `:not-in` name, before the search is compiled: a
 * stored ValueSet (the newest with that URL, and version when given), else one of R4's own. A value
 * set that is unknown or cannot be listed is a 400 naming it, never an empty result.
 */
import type { CodeSystem, ValueSet } from '@medplum/fhirtypes';
import type { Filter, ParsedValue, SearchRequest } from '../../fhir/search/request.js';
import { errors } from '../../fhir/error.js';
import { r4Members, storedMembers, type Members } from '../../fhir/terminology/members.js';
import type { Queryable } from '../db/db.js';

export async function resolveValueSets(db: Queryable, req: SearchRequest): Promise<void> {
  for (const v of valueSetValues(req.filters)) {
    if (v.members) continue;
    const found = await membersOf(db, v.url);
    if ('error' in found) throw errors.badRequest(`:in/:not-in: ${found.error}`);
    v.members = found.members;
  }
}

type ValueSetValue = Extract<ParsedValue, { kind: 'valueset' }>;

function valueSetValues(filters: readonly Filter[]): ValueSetValue[] {
  return filters.flatMap((f): ValueSetValue[] => {
    if (f.kind === 'param') return f.values.filter((v): v is ValueSetValue => v.kind === 'valueset');
    if (f.kind === 'chain') return valueSetValues(f.targets.map((t) => t.next));
    return valueSetValues([f.next]);
  });
}

async function membersOf(db: Queryable, canonical: string): Promise<Members> {
  const [url = '', version] = canonical.split('|');
  const vs = (await stored<ValueSet>(db, 'ValueSet', url)).find((v) => version === undefined || v.version === version);
  if (!vs) return r4Members(url) ?? { error: `the ValueSet ${canonical} is not known to this server` };
  const systems = (vs.compose?.include ?? []).filter((i) => i.system && !i.concept?.length).map((i) => i.system!);
  const codeSystems = new Map<string, CodeSystem>();
  for (const system of systems) {
    const [cs] = await stored<CodeSystem>(db, 'CodeSystem', system);
    if (cs) codeSystems.set(system, cs);
  }
  return storedMembers(vs, (u) => codeSystems.get(u));
}

/** The stored resources of a terminology type with this canonical URL, newest first. */
async function stored<T>(db: Queryable, type: 'ValueSet' | 'CodeSystem', url: string): Promise<T[]> {
  const rows = await db.query<{ content: string }>(
    `select r.content from resource r
      where r.resource_type = $1 and not r.deleted
        and r.rid in (select u.rid from idx_uri u where u.resource_type = $1 and u.param = 'url' and u.value = $2)
      order by r.last_updated desc limit 20`,
    [type, url],
  );
  return rows.map((r) => JSON.parse(r.content) as T);
}
