/**
 * @module auth/scopes
 * SMART on FHIR scopes, v1 (`patient/*.read`, `user/Task.write`, `system/*.*`) and v2
 * (`patient/Observation.rs`, `user/*.cruds`): parsed once per token into grants, then asked
 * "may this context do this to this type". Pure.
 */

export type ScopeContext = 'patient' | 'user' | 'system';
/** create, read, update, delete, search (SMART v2 letters). */
export type Op = 'c' | 'r' | 'u' | 'd' | 's';

export interface Grant {
  context: ScopeContext;
  /** A resource type, or `*`. */
  type: string;
  ops: ReadonlySet<Op>;
}

const V1: Record<string, Op[]> = { read: ['r', 's'], write: ['c', 'u', 'd'], '*': ['c', 'r', 'u', 'd', 's'] };
const SCOPE = /^(patient|user|system)\/([A-Za-z]+|\*)\.([a-z*]+)(\?.*)?$/;

/** The resource grants in a space-separated scope string; other scopes (openid, launch/patient) are ignored. */
export function parseScopes(scope: string): Grant[] {
  const grants: Grant[] = [];
  for (const s of scope.split(/\s+/).filter(Boolean)) {
    const m = SCOPE.exec(s);
    if (!m) continue;
    const ops = V1[m[3]!] ?? v2(m[3]!);
    if (ops) grants.push({ context: m[1] as ScopeContext, type: m[2]!, ops: new Set(ops) });
  }
  return grants;
}

function v2(letters: string): Op[] | undefined {
  // v2 letters come in the order c, r, u, d, s, each at most once.
  if (!/^c?r?u?d?s?$/.test(letters) || letters === '') return undefined;
  return [...letters] as Op[];
}

/** True when some grant lets `op` be done on `type`. */
export function allows(grants: readonly Grant[], type: string, op: Op): boolean {
  return grants.some((g) => (g.type === '*' || g.type === type) && g.ops.has(op));
}

/** The types `op` is allowed on: `*` when any type, else the list. */
export function typesAllowed(grants: readonly Grant[], op: Op): '*' | string[] {
  const types = new Set<string>();
  for (const g of grants) {
    if (!g.ops.has(op)) continue;
    if (g.type === '*') return '*';
    types.add(g.type);
  }
  return [...types];
}

/** The scopes of `requested` that `allowed` covers (for issuing tokens: never more than the client may have). */
export function narrowScopes(requested: string, allowed: string): string {
  const grants = parseScopes(allowed);
  return requested
    .split(/\s+/)
    .filter(Boolean)
    .filter((s) => {
      const parsed = parseScopes(s);
      if (parsed.length === 0) return allowed.split(/\s+/).includes(s);
      return parsed.every((p) => [...p.ops].every((op) => grants.some((g) => g.context === p.context && (g.type === '*' || g.type === p.type) && g.ops.has(op))));
    })
    .join(' ');
}
