/**
 * @module fhir/search/registry
 * The SearchParameters Lots indexes and searches by: the R4 base set, those in `profiles/`, and those
 * created at run time. Each is resolved per resource type (its FHIRPath narrowed to that type), and
 * composites get their components resolved.
 */
import { getExpressionForResourceType, parseFhirPath } from '@medplum/core';
import type { SearchParameter } from '@medplum/fhirtypes';

export type ParamType = 'number' | 'date' | 'string' | 'token' | 'reference' | 'composite' | 'quantity' | 'uri' | 'special';

export interface ComponentDef {
  type: ParamType;
  /** FHIRPath relative to the composite's element. */
  expression: string;
}

export interface SearchParamDef {
  code: string;
  url: string;
  type: ParamType;
  description?: string;
  /** The FHIRPath for this resource type only; undefined for params computed differently (_text, _content). */
  expression?: string;
  /** Resource types a reference param may point at. */
  targets: readonly string[];
  components?: readonly ComponentDef[];
  /** `pending` while existing resources are being reindexed for a parameter added at run time. */
  status: 'active' | 'pending';
}

export interface SearchRegistry {
  get(type: string, code: string): SearchParamDef | undefined;
  forType(type: string): readonly SearchParamDef[];
  /** Adds or replaces a parameter (run time); returns the resource types it applies to. */
  add(sp: SearchParameter, status?: 'active' | 'pending'): string[];
  setStatus(url: string, status: 'active' | 'pending'): void;
  /** Increases on every change, so caches (e.g. the CapabilityStatement) know to rebuild. */
  version(): number;
}

const RESOURCE_LEVEL = new Set(['Resource', 'DomainResource']);

export function createSearchRegistry(params: readonly SearchParameter[], resourceTypes: readonly string[]): SearchRegistry {
  const byType = new Map<string, Map<string, SearchParamDef>>(resourceTypes.map((t) => [t, new Map()]));
  const byUrl = new Map<string, SearchParameter>();
  let version = 1;

  for (const sp of params) byUrl.set(sp.url, sp);

  function add(sp: SearchParameter, status: 'active' | 'pending' = 'active'): string[] {
    byUrl.set(sp.url, sp);
    const bases = (sp.base ?? []).flatMap((b) => (RESOURCE_LEVEL.has(b) ? resourceTypes : [b]));
    const applied: string[] = [];
    for (const type of bases) {
      const defs = byType.get(type);
      if (!defs || !sp.code) continue;
      const def = resolve(sp, type, status);
      if (def) {
        defs.set(sp.code, def);
        applied.push(type);
      }
    }
    version++;
    return applied;
  }

  function resolve(sp: SearchParameter, type: string, status: 'active' | 'pending'): SearchParamDef | undefined {
    // Resource-level params (_id, _lastUpdated, _tag, ...) are written on `Resource.`; narrow them too.
    const source = sp.expression?.replace(/\b(Resource|DomainResource)\./g, `${type}.`);
    const expression = source ? narrow(type, source) : undefined;
    if (sp.expression && !expression) return undefined;
    const def: SearchParamDef = {
      code: sp.code!,
      url: sp.url,
      type: sp.type as ParamType,
      targets: sp.target ?? [],
      status,
    };
    if (expression) def.expression = expression;
    if (sp.description) def.description = sp.description;
    if (sp.type === 'composite') {
      def.components = (sp.component ?? []).map((c) => ({
        type: (byUrl.get(c.definition)?.type ?? 'token') as ParamType,
        expression: c.expression,
      }));
    }
    return def;
  }

  for (const sp of params) add(sp);
  version = 1;

  return {
    get: (type, code) => byType.get(type)?.get(code),
    forType: (type) => [...(byType.get(type)?.values() ?? [])],
    add,
    setStatus(url, status) {
      for (const defs of byType.values()) for (const d of defs.values()) if (d.url === url) d.status = status;
      version++;
    },
    version: () => version,
  };
}

/** The parts of a union expression that apply to `type`; @medplum/core misses a bare `Observation`. */
function narrow(type: string, expression: string): string | undefined {
  const parts = expression.split('|').map((p) => p.trim());
  if (!parts.includes(type)) return getExpressionForResourceType(type, expression);
  const others = parts.filter((p) => p !== type).join(' | ');
  const rest = others ? getExpressionForResourceType(type, others) : undefined;
  return rest ? `${type} | ${rest}` : type;
}

type ParsedExpression = ReturnType<typeof parseFhirPath>;
const parsed = new WeakMap<SearchParamDef, ParsedExpression>();

/**
 * Parses (once per definition) the FHIRPath of a param, already narrowed to its type. Not
 * @medplum/core's `getParsedExpressionForResourceType`: it narrows again and drops a bare `Observation`
 * from `Observation | Observation.component`, losing the top-level half of the combo composites.
 */
export function parsedExpression(_type: string, def: SearchParamDef): ParsedExpression | undefined {
  if (!def.expression) return undefined;
  let atom = parsed.get(def);
  if (!atom) {
    atom = parseFhirPath(def.expression);
    parsed.set(def, atom);
  }
  return atom;
}
