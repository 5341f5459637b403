/**
 * The nodes of an `EXPLAIN (FORMAT JSON)` answer, outermost first, for tests that check which indexes a
 * plan reads. PGlite gives the plan as text, node-postgres as parsed JSON.
 */
export interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
  [key: string]: unknown;
}

export function planNodes(rows: readonly { 'QUERY PLAN': unknown }[]): PlanNode[] {
  const json = rows[0]!['QUERY PLAN'];
  const plan = (typeof json === 'string' ? JSON.parse(json) : json) as { Plan: PlanNode }[];
  const out: PlanNode[] = [];
  const walk = (n: PlanNode) => {
    out.push(n);
    n.Plans?.forEach(walk);
  };
  walk(plan[0]!.Plan);
  return out;
}
