/**
 * @module store/search/include
 * `_include` and `_revinclude` (https://hl7.org/fhir/R4/search.html#include): one query per rule
 * over idx_reference, repeated for `:iterate` rules on what was just added, until nothing new appears.
 */
import type { RowRef } from '../store.js';
import type { IncludeRule } from '../../fhir/search/request.js';
import { Binder } from './binder.js';
import type { CompiledQuery, Predicate } from './compile.js';

export type { RowRef } from '../store.js';

/** Resources that `rows` refer to through the rule's reference param (at most `limit`). */
export function compileInclude(rule: IncludeRule, rows: readonly RowRef[], limit: number, policy?: Predicate): CompiledQuery {
  const b = new Binder();
  const refs = [`i.rid = any(${b.bind(rows.map((r) => r.rid), 'bigint[]')})`];
  if (rule.sourceType !== '*') refs.push(`i.resource_type = ${b.bind(rule.sourceType)}`);
  if (rule.param) refs.push(`i.param = ${b.bind(rule.param)}`);
  if (rule.targetType) refs.push(`i.target_type = ${b.bind(rule.targetType)}`);
  // IN, not a join: a resource referred to several times comes back once, without a DISTINCT over its content.
  const where = [`(r.resource_type, r.id) in (select i.target_type, i.target_id from idx_reference i where ${refs.join(' and ')})`, 'not r.deleted'];
  if (policy) where.push(`(${policy(b, 'r')})`);
  return selectRows(b, where, limit);
}

/** Resources of the rule's source type that refer to any of `rows` (at most `limit`). */
export function compileRevinclude(rule: IncludeRule, rows: readonly RowRef[], limit: number, policy?: Predicate): CompiledQuery {
  const b = new Binder();
  const types = b.bind(rows.map((r) => r.resourceType), 'text[]');
  const ids = b.bind(rows.map((r) => r.id), 'text[]');
  const refs = [`(i.target_type, i.target_id) in (select * from unnest(${types}, ${ids}))`];
  if (rule.sourceType !== '*') refs.push(`i.resource_type = ${b.bind(rule.sourceType)}`);
  if (rule.param) refs.push(`i.param = ${b.bind(rule.param)}`);
  if (rule.targetType) refs.push(`i.target_type = ${b.bind(rule.targetType)}`);
  const where = [`r.rid in (select i.rid from idx_reference i where ${refs.join(' and ')})`, 'not r.deleted'];
  if (policy) where.push(`(${policy(b, 'r')})`);
  return selectRows(b, where, limit);
}

// The limit is bound, so the statement's text (and its prepared plan) does not depend on it.
const selectRows = (b: Binder, where: string[], limit: number): CompiledQuery => ({
  text: `select r.rid::text as rid, r.resource_type, r.id, r.content, r.compartments from resource r where ${where.join(' and ')} limit ${b.bind(limit)}`,
  values: b.values,
});
