/**
 * @module fhir/search/parse
 * URL query -> SearchRequest (https://hl7.org/fhir/R4/search.html): parameters with modifiers and
 * prefixes, comma = OR, repetition = AND, chains and `_has` (within SEARCH_LIMITS), `_has`, `_include`/`_revinclude`
 * (`:iterate`, `*`), `_sort`, `_count`, `_total`, `_summary`, `_elements`. Unknown parameters fail
 * under `Prefer: handling=strict` and are ignored (and reported) under lenient, the default.
 */
import { errors, FhirError } from '../error.js';
import type { SearchRegistry, SearchParamDef } from './registry.js';
import type { Filter, IncludeRule, ParamFilter, ParsedValue, SearchRequest, SortRule, SummaryMode } from './request.js';
import { parseValue, splitUnescaped, unescape } from './parse-value.js';

export interface ParseOptions {
  registry: SearchRegistry;
  resourceTypes: ReadonlySet<string>;
  strict: boolean;
  baseUrl: string;
  defaultCount: number;
  maxCount: number;
}

/** Parameters that are not searches; `_page` is Lots' page token. */
const CONTROL = new Set(['_format', '_pretty', '_page']);

const MODIFIERS: Record<string, readonly string[]> = {
  string: ['exact', 'contains', 'missing'],
  token: ['text', 'not', 'of-type', 'missing', 'in', 'not-in', 'below', 'above'],
  reference: ['missing', 'identifier'],
  date: ['missing'],
  number: ['missing'],
  quantity: ['missing'],
  uri: ['below', 'above', 'missing'],
  composite: ['missing'],
  special: [],
};

class Unknown extends Error {}

/**
 * Limits on one search's complexity, so a URL cannot make the server plan an unbounded statement:
 * a chain through `Reference(Any)` tries every resource type at each link (146^links without a bound).
 * Generous for real clients; beyond them the answer is 400 too-costly, naming the parameter.
 */
export const SEARCH_LIMITS = {
  /** Links in one chain or `_has` path (`subject.organization.partOf.name` has 3). */
  chainLinks: 4,
  /** Parameters tried for resource types while resolving one search's chains and `_has`. */
  chainFanOut: 1000,
  /** Values in one comma-separated OR list. */
  orValues: 500,
  /** Search parameters (filters) in one search. */
  filters: 100,
  /** `_include` and `_revinclude` rules in one search. */
  includes: 30,
};

function tooCostly(diagnostics: string, name: string): FhirError {
  return new FhirError(400, { code: 'too-costly', diagnostics, expression: [name] });
}

/** Chain steps tried per search being parsed (a WeakMap keeps the SearchRequest type unchanged). */
const fanOut = new WeakMap<SearchRequest, number>();

export function parseSearch(types: string[], params: Iterable<[string, string]>, o: ParseOptions): SearchRequest {
  const req: SearchRequest = { types, filters: [], sort: [], count: o.defaultCount, include: [], revinclude: [], used: [], ignored: [], pending: [] };
  for (const [name, value] of params) {
    if (CONTROL.has(name)) continue;
    try {
      const used = parseResultParam(req, name, value, o);
      if (used !== undefined) req.used.push([name, used]);
      else if (value === '' && !name.endsWith(':missing')) continue;
      else {
        const links = (name.match(/\./g)?.length ?? 0) + (name.match(/(^|:)_has:/g)?.length ?? 0);
        if (links > SEARCH_LIMITS.chainLinks) throw tooCostly(`${name} has ${links} chain links; this server follows at most ${SEARCH_LIMITS.chainLinks}`, name);
        if (req.filters.length >= SEARCH_LIMITS.filters) throw tooCostly(`The search has more than ${SEARCH_LIMITS.filters} parameters`, name);
        req.filters.push(parseFilter(types, name, value, o, req));
        req.used.push([name, value]);
      }
    } catch (err) {
      if (!(err instanceof Unknown)) throw err;
      if (o.strict) throw errors.badRequest(err.message, [name]);
      req.ignored.push({ name, reason: err.message });
    }
  }
  nearestFirst(req);
  return req;
}

/** A `near` search lists the nearest first unless `_sort` says otherwise (IHE mCSD ITI-90). */
function nearestFirst(req: SearchRequest): void {
  const filter = req.filters.find((f): f is ParamFilter => f.kind === 'param' && f.def.code === 'near' && f.def.type === 'special');
  const point = filter?.values[0];
  if (!filter || point?.kind !== 'near') return;
  // `_sort=near` (or `-near`) sorts by the distance from the same point.
  if (!req.sort.length) req.sort = [{ def: filter.def, descending: false, near: point }];
  else for (const s of req.sort) if (s.def.code === 'near') s.near = point;
}

/**
 * Handles `_count`, `_sort` and the other result parameters, returning the value to show in `self`;
 * undefined when `name` is not one.
 */
function parseResultParam(req: SearchRequest, name: string, value: string, o: ParseOptions): string | undefined {
  switch (name) {
    case '_count': {
      if (!/^\d+$/.test(value)) throw errors.badRequest(`_count must be a whole number; got "${value}"`, ['_count']);
      req.count = Math.min(Number(value), o.maxCount);
      // `self` shows the count actually used (a larger one is capped, as HAPI does).
      return String(req.count);
    }
    case '_type':
      // The types are the caller's (system search); `self` keeps them like any other parameter.
      return value;
    case '_sort':
      req.sort = value.split(',').filter(Boolean).map((key) => parseSort(req.types, key, o));
      return value;
    case '_total':
      if (value !== 'none' && value !== 'estimate' && value !== 'accurate') {
        throw errors.badRequest(`_total must be none, estimate or accurate; got "${value}"`, ['_total']);
      }
      req.total = value;
      return value;
    case '_summary':
      if (!['true', 'text', 'data', 'count', 'false'].includes(value)) {
        throw errors.badRequest(`_summary must be true, text, data, count or false; got "${value}"`, ['_summary']);
      }
      req.summary = value as SummaryMode;
      return value;
    case '_elements':
      req.elements = value.split(',').map((e) => e.trim()).filter(Boolean);
      return value;
    default:
      break;
  }
  const include = /^_(rev)?include(:iterate|:recurse)?$/.exec(name);
  if (!include) return undefined;
  if (req.include.length + req.revinclude.length >= SEARCH_LIMITS.includes) {
    throw tooCostly(`The search has more than ${SEARCH_LIMITS.includes} _include and _revinclude rules`, name);
  }
  const rule = parseInclude(value, !!include[2], !!include[1], o);
  (include[1] ? req.revinclude : req.include).push(rule);
  return value;
}

function parseSort(types: string[], key: string, o: ParseOptions): SortRule {
  const descending = key.startsWith('-');
  const code = descending ? key.slice(1) : key;
  const def = commonDef(types, code, o);
  if (!def) throw errors.badRequest(`Cannot sort by "${code}": it is not a search parameter of ${types.join(', ')}`, ['_sort']);
  return { def, descending };
}

function parseInclude(value: string, iterate: boolean, reverse: boolean, o: ParseOptions): IncludeRule {
  const what = reverse ? '_revinclude' : '_include';
  if (value === '*') return { sourceType: '*', iterate };
  const [sourceType, param, targetType, ...rest] = value.split(':');
  if (!sourceType || !param || rest.length || !o.resourceTypes.has(sourceType)) {
    throw errors.badRequest(`${what}=${value}: expected Type:param or Type:param:TargetType, e.g. Observation:subject`, [what]);
  }
  const rule: IncludeRule = { sourceType, iterate };
  if (param !== '*') {
    const def = o.registry.get(sourceType, param);
    if (!def || def.type !== 'reference') throw errors.badRequest(`${what}=${value}: ${sourceType} has no reference parameter "${param}"`, [what]);
    rule.param = param;
  }
  if (targetType) {
    if (!o.resourceTypes.has(targetType)) throw errors.badRequest(`${what}=${value}: "${targetType}" is not a resource type`, [what]);
    rule.targetType = targetType;
  }
  return rule;
}

/** The definition of `code` shared by all `types` (same code and type), or undefined. */
function commonDef(types: string[], code: string, o: ParseOptions): SearchParamDef | undefined {
  const defs = types.map((t) => o.registry.get(t, code));
  const first = defs[0];
  if (!first || defs.some((d) => !d || d.type !== first.type)) return undefined;
  return first;
}

function parseFilter(types: string[], name: string, value: string, o: ParseOptions, req: SearchRequest): Filter {
  if (name.startsWith('_has:')) {
    if (types.length !== 1) throw errors.badRequest('_has can only be used when searching one resource type', [name]);
    return parseHas(types[0]!, name, value, o, req);
  }
  const dot = name.indexOf('.');
  const head = dot < 0 ? name : name.slice(0, dot);
  const [code, modifier] = splitModifier(head);
  const def = commonDef(types, code, o);
  if (!def) throw new Unknown(`Unknown search parameter "${code}" for ${types.length > 3 ? 'these types' : types.join(', ')}`);
  if (def.status === 'pending' && !req.pending.includes(code)) req.pending.push(code);
  if (dot >= 0) return parseChain(types, def, modifier, name.slice(dot + 1), value, o, req);
  return parseParam(def, code, modifier, value, o);
}

function splitModifier(head: string): [string, string | undefined] {
  const i = head.indexOf(':');
  return i < 0 ? [head, undefined] : [head.slice(0, i), head.slice(i + 1)];
}

function parseParam(def: SearchParamDef, code: string, modifier: string | undefined, value: string, o: ParseOptions): ParamFilter {
  const name = modifier ? `${code}:${modifier}` : code;
  if (modifier === 'missing') {
    if (value !== 'true' && value !== 'false') throw errors.badRequest(`${name} must be true or false`, [name]);
    return { kind: 'param', def, modifier, missing: value === 'true', values: [] };
  }
  const referenceType = def.type === 'reference' && modifier && o.resourceTypes.has(modifier);
  if (modifier && !referenceType && !(MODIFIERS[def.type] ?? []).includes(modifier)) {
    throw errors.badRequest(`The modifier :${modifier} is not supported for ${code} (a ${def.type} parameter)`, [name]);
  }
  if (referenceType && def.targets.length && !def.targets.includes(modifier!)) {
    throw errors.badRequest(`${code} cannot refer to a ${modifier}; it refers to ${def.targets.join(', ')}`, [name]);
  }
  const filter: ParamFilter = { kind: 'param', def, values: [] };
  if (modifier) filter.modifier = modifier;
  const valueType = modifier === 'text' || modifier === 'identifier' ? (modifier === 'text' ? 'string' : 'token') : def.type;
  const ors = splitUnescaped(value, ',');
  if (ors.length > SEARCH_LIMITS.orValues) throw tooCostly(`${name} has ${ors.length} values; this server takes at most ${SEARCH_LIMITS.orValues} in one OR list`, name);
  for (const raw of ors) {
    if (raw === '') continue;
    if (def.type === 'token' && modifier && CODE_SET_MODIFIERS.has(modifier)) filter.values.push(codeSet(modifier, raw, name));
    else filter.values.push(def.type === 'composite' ? parseComposite(def, raw, name, o) : parseValue(valueType, raw, name, modifier, o.baseUrl));
  }
  if (filter.values.length === 0) throw errors.badRequest(`${name} has no value`, [name]);
  return filter;
}

const CODE_SET_MODIFIERS = new Set(['in', 'not-in', 'below', 'above']);

/** `:in`/`:not-in` name a ValueSet; `:below`/`:above` a system|code whose hierarchy the store looks up. */
function codeSet(modifier: string, raw: string, name: string): ParsedValue {
  if (modifier === 'in' || modifier === 'not-in') return { kind: 'codes', source: { valueSet: unescape(raw) } };
  const token = parseValue('token', raw, name);
  if (token.kind !== 'token' || !token.system || !token.code) {
    throw errors.badRequest(`${name} needs system|code, e.g. ${name}=http://snomed.info/sct|38341003`, [name]);
  }
  const at = { system: token.system, code: token.code };
  return { kind: 'codes', source: modifier === 'below' ? { below: at } : { above: at } };
}

function parseComposite(def: SearchParamDef, raw: string, name: string, o: ParseOptions) {
  const parts = splitUnescaped(raw, '$');
  const comps = def.components ?? [];
  if (parts.length !== comps.length) {
    throw errors.badRequest(`${name} takes ${comps.length} values joined by $, e.g. http://loinc.org|8480-6$gt100`, [name]);
  }
  return { kind: 'composite' as const, parts: parts.map((p, i) => parseValue(comps[i]!.type, p, name, undefined, o.baseUrl)) };
}

function parseChain(types: string[], def: SearchParamDef, modifier: string | undefined, rest: string, value: string, o: ParseOptions, req: SearchRequest): Filter {
  if (def.type !== 'reference') throw errors.badRequest(`${def.code} is not a reference parameter, so it cannot be chained`, [def.code]);
  let targets = modifier ? [modifier] : [...def.targets];
  if (modifier && !o.resourceTypes.has(modifier)) throw errors.badRequest(`"${modifier}" is not a resource type`, [def.code]);
  if (targets.length === 0) targets = [...o.resourceTypes];
  const nextName = rest;
  const resolved = targets
    .map((type) => {
      const tried = (fanOut.get(req) ?? 0) + 1;
      fanOut.set(req, tried);
      if (tried > SEARCH_LIMITS.chainFanOut) {
        throw tooCostly(`The chains of this search reach too many resource types; name the target type (e.g. ${def.code}:Patient.name)`, def.code);
      }
      try {
        return { type, next: parseFilter([type], nextName, value, o, req) };
      } catch (err) {
        if (err instanceof Unknown) return undefined;
        throw err;
      }
    })
    .filter((t) => t !== undefined);
  if (resolved.length === 0) throw new Unknown(`Unknown chained parameter "${rest}" on ${targets.join(', ')}`);
  return { kind: 'chain', def, targets: resolved };
}

function parseHas(type: string, name: string, value: string, o: ParseOptions, req: SearchRequest): Filter {
  const [, refType, refParam, ...rest] = name.split(':');
  if (!refType || !refParam || rest.length === 0) {
    throw errors.badRequest(`${name}: expected _has:Type:reference-param:search-param, e.g. _has:Observation:subject:code=1234-5`, [name]);
  }
  if (!o.resourceTypes.has(refType)) throw errors.badRequest(`${name}: "${refType}" is not a resource type`, [name]);
  const def = o.registry.get(refType, refParam);
  if (!def || def.type !== 'reference') throw errors.badRequest(`${name}: ${refType} has no reference parameter "${refParam}"`, [name]);
  if (def.targets.length && !def.targets.includes(type)) {
    throw errors.badRequest(`${name}: ${refType}.${refParam} cannot refer to a ${type}`, [name]);
  }
  return { kind: 'has', type: refType, def, next: parseFilter([refType], rest.join(':'), value, o, req) };
}
