/**
 * @module store/search/valuesets
 * Lists the codes that `:in`/`:not-in` (a ValueSet) and `:below`/`:above` (a code's hierarchy) stand
 * for, before the search is compiled. Stored ValueSets and CodeSystems come first (the newest with the
 * URL, and version when given), then R4's own. What is unknown or cannot be listed is a 400 naming it,
 * never an empty result.
 */
import type { CodeSystem, ValueSet } from '@medplum/fhirtypes';
import type { CodeSource, Filter, ParsedValue, SearchRequest } from '../../fhir/search/request.js';
import { errors } from '../../fhir/error.js';
import { hierarchyMembers, r4Members, storedMembers, type Members } from '../../fhir/terminology/members.js';
import type { Queryable } from '../db/db.js';

export async function resolveValueSets(db: Queryable, req: SearchRequest): Promise<void> {
  for (const v of codeSets(req.filters)) {
    if (v.members) continue;
    const found = await membersOf(db, v.source);
    if ('error' in found) throw errors.badRequest(found.error);
    v.members = found.members;
  }
}

type CodeSet = Extract<ParsedValue, { kind: 'codes' }>;

function codeSets(filters: readonly Filter[]): CodeSet[] {
  return filters.flatMap((f): CodeSet[] => {
    if (f.kind === 'param') return f.values.filter((v): v is CodeSet => v.kind === 'codes');
    if (f.kind === 'chain') return codeSets(f.targets.map((t) => t.next));
    return codeSets([f.next]);
  });
}

async function membersOf(db: Queryable, source: CodeSource): Promise<Members> {
  if (!('valueSet' in source)) {
    const [direction, { system, code }] = 'below' in source ? (['below', source.below] as const) : (['above', source.above] as const);
    return hierarchyMembers(system, code, direction, (await stored<CodeSystem>(db, 'CodeSystem', system))[0]);
  }
  const canonical = source.valueSet;
  const [url = '', version] = canonical.split('|');
  const vs = (await stored<ValueSet>(db, 'ValueSet', url)).find((v) => version === undefined || v.version === version);
  if (!vs) return r4Members(url) ?? { error: `The ValueSet ${canonical} is not known to this server` };
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
