/**
 * @module http/fhir/routes
 * THE route table of the FHIR API: which interaction answers which method and path below the base.
 * Pure over FhirRequest, so HTTP requests and bundle entries are routed by the same code.
 * Operations are expanded from their definitions (every level, GET when safe, `$` or `%24`).
 */
import { allows, type Op } from '../../auth/scopes.js';
import { errors } from '../../fhir/error.js';
import { checkId } from './body.js';
import type { OperationDef, OperationLevel } from './operations/operation.js';
import type { FhirContext, FhirRequest, FhirResponse, Interaction, Method, RouteMatch } from './types.js';

export interface Interactions {
  read: Interaction;
  vread: Interaction;
  create: Interaction;
  update: Interaction;
  patch: Interaction;
  delete: Interaction;
  history: Interaction;
  searchType: Interaction;
  searchSystem: Interaction;
  searchCompartment: Interaction;
  conditionalUpdate: Interaction;
  conditionalDelete: Interaction;
  conditionalPatch: Interaction;
  bundle: Interaction;
  capabilities: Interaction;
}

export type Shape = 'system' | 'type' | 'instance' | 'typeHistory' | 'instanceHistory' | 'version' | 'search' | 'compartment' | 'metadata' | 'systemHistory';

/** What each interaction needs from the token's scopes (SMART v2 letters); undefined: checked elsewhere. */
const NEEDS: Partial<Record<keyof Interactions, Op>> = {
  read: 'r',
  vread: 'r',
  create: 'c',
  update: 'u',
  patch: 'u',
  delete: 'd',
  searchType: 's',
  searchCompartment: 's',
  conditionalUpdate: 'u',
  conditionalDelete: 'd',
  conditionalPatch: 'u',
};

/** [shape, method] -> interaction name. HEAD is answered like GET. Exported for the generated leak matrix test. */
export const TABLE: ReadonlyArray<readonly [Shape, Method, keyof Interactions]> = [
  ['metadata', 'GET', 'capabilities'],
  ['system', 'GET', 'searchSystem'],
  ['system', 'POST', 'bundle'],
  ['systemHistory', 'GET', 'history'],
  ['type', 'GET', 'searchType'],
  ['type', 'POST', 'create'],
  ['type', 'PUT', 'conditionalUpdate'],
  ['type', 'DELETE', 'conditionalDelete'],
  ['type', 'PATCH', 'conditionalPatch'],
  ['search', 'POST', 'searchType'],
  ['typeHistory', 'GET', 'history'],
  ['instance', 'GET', 'read'],
  ['instance', 'PUT', 'update'],
  ['instance', 'PATCH', 'patch'],
  ['instance', 'DELETE', 'delete'],
  ['instanceHistory', 'GET', 'history'],
  ['version', 'GET', 'vread'],
  ['compartment', 'GET', 'searchCompartment'],
];

export interface Router {
  handle(ctx: FhirContext, req: FhirRequest): Promise<FhirResponse>;
  readonly operations: readonly OperationDef[];
}

export function createRouter(interactions: Interactions, operations: readonly OperationDef[]): Router {
  const ops = new Map<string, OperationDef[]>();
  for (const o of operations) ops.set(o.name, [...(ops.get(o.name) ?? []), o]);
  return {
    operations,
    async handle(ctx, req) {
      const method = req.method === 'HEAD' ? 'GET' : req.method;
      const { shape, match } = parsePath(ctx, req.segments);
      if (match.operation !== undefined) return runOperation(ctx, req, method, shape as OperationLevel, match, ops);
      const row = TABLE.find(([s, m]) => s === shape && m === method);
      if (!row) {
        const allowed = TABLE.filter(([s]) => s === shape).map(([, m]) => m);
        throw errors.methodNotAllowed(`${req.method} is not allowed here; use ${allowed.join(', ') || 'another path'}`);
      }
      const name = row[2];
      const type = name === 'searchCompartment' ? match.compartmentType : match.type;
      const op = name === 'history' && match.id ? 'r' : name === 'history' && match.type ? 's' : NEEDS[name];
      if (op && type) requireScope(ctx, type, op);
      return interactions[name](ctx, req, match);
    },
  };
}

function parsePath(ctx: FhirContext, segments: readonly string[]): { shape: Shape; match: RouteMatch } {
  const [first, second, third, fourth, ...rest] = segments;
  if (first === undefined) return { shape: 'system', match: {} };
  if (rest.length > 0) throw errors.notFound(`No FHIR endpoint at /${segments.join('/')}`);
  if (first === 'metadata' && second === undefined) return { shape: 'metadata', match: {} };
  if (first === '_history' && second === undefined) return { shape: 'systemHistory', match: {} };
  if (first.startsWith('$') && second === undefined) return { shape: 'system', match: { operation: first.slice(1) } };
  // Parameters is not served (it is never stored) but is a resource that can be validated.
  if (first === 'Parameters' && second === '$validate' && third === undefined) return { shape: 'type', match: { type: first, operation: 'validate' } };
  const type = checkType(ctx, first);
  if (second === undefined) return { shape: 'type', match: { type } };
  if (second === '_search' && third === undefined) return { shape: 'search', match: { type } };
  if (second === '_history' && third === undefined) return { shape: 'typeHistory', match: { type } };
  if (second.startsWith('$') && third === undefined) return { shape: 'type', match: { type, operation: second.slice(1) } };
  const id = checkId(second);
  if (third === undefined) return { shape: 'instance', match: { type, id } };
  if (third.startsWith('$') && fourth === undefined) return { shape: 'instance', match: { type, id, operation: third.slice(1) } };
  if (third === '_history') {
    if (fourth === undefined) return { shape: 'instanceHistory', match: { type, id } };
    return { shape: 'version', match: { type, id, versionId: fourth } };
  }
  if (fourth === undefined && ctx.resourceTypes.has(third)) return { shape: 'compartment', match: { type, id, compartmentType: third } };
  throw errors.notFound(`No FHIR endpoint at /${segments.join('/')}`);
}

const OP_NAMES: Record<Op, string> = { c: 'create', r: 'read', u: 'update', d: 'delete', s: 'search' };

/** 403 when the token's scopes do not cover `op` on `type`. */
export function requireScope(ctx: FhirContext, type: string, op: Op): void {
  if (!allows(ctx.principal.grants, type, op)) {
    throw errors.forbidden(`The access token's scopes (${ctx.principal.scope}) do not allow ${OP_NAMES[op]} on ${type}`);
  }
}

function checkType(ctx: FhirContext, type: string): string {
  if (!ctx.resourceTypes.has(type)) {
    throw errors.notFound(`"${type}" is not a resource type this server supports (FHIR R4 resource types are case-sensitive)`);
  }
  return type;
}

function runOperation(
  ctx: FhirContext,
  req: FhirRequest,
  method: Method,
  level: OperationLevel,
  match: RouteMatch,
  ops: ReadonlyMap<string, readonly OperationDef[]>,
): Promise<FhirResponse> {
  // The same name may be defined for several types (e.g. $cancel on Appointment and on Task).
  const op = ops.get(match.operation!)?.find((o) => o.levels.includes(level) && (!match.type || !o.types || o.types.includes(match.type)));
  const where = match.type ? (match.id ? `on a ${match.type} instance` : `on ${match.type}`) : 'at system level';
  if (!op) {
    throw errors.notFound(`The operation $${match.operation} is not supported ${where}`);
  }
  if (method === 'GET' && op.affectsState) throw errors.methodNotAllowed(`$${op.name} changes data; call it with POST`);
  if (method !== 'GET' && method !== 'POST') throw errors.methodNotAllowed(`Operations are called with POST (or GET when they change nothing)`);
  if (match.type) requireScope(ctx, match.type, op.scope ?? (op.affectsState ? 'u' : 'r'));
  return op.handler(ctx, req, match);
}
