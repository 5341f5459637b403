/**
 * @module store/search/include
 * `_include` and `_revinclude` (https://hl7.org/fhir/R4/search.html#include): one query per rule
 * over idx_reference, repeated for `:iterate` rules on what was just added, until nothing new appears.
 */
import type { IncludeRule } from '../../fhir/search/request.js';
import { Binder } from './binder.js';
import type { CompiledQuery, Predicate } from './compile.js';

export interface RowRef {
  rid: string;
  resourceType: string;
  id: string;
}

/** Resources that `rows` refer to through the rule's reference param. */
export function compileInclude(rule: IncludeRule, rows: readonly RowRef[], policy?: Predicate): CompiledQuery {
  const b = new Binder();
  const where = [`i.rid = any(${b.bind(rows.map((r) => r.rid), 'bigint[]')})`, 'not r.deleted'];
  if (rule.sourceType !== '*') where.push(`i.resource_type = ${b.bind(rule.sourceType)}`);
  if (rule.param) where.push(`i.param = ${b.bind(rule.param)}`);
  if (rule.targetType) where.push(`i.target_type = ${b.bind(rule.targetType)}`);
  if (policy) where.push(`(${policy(b, 'r')})`);
  return {
    text: `select distinct r.rid::text as rid, r.resource_type, r.id, r.content from idx_reference i join resource r on r.resource_type = i.target_type and r.id = i.target_id where ${where.join(' and ')}`,
    values: b.values,
  };
}

/** Resources of the rule's source type that refer to any of `rows`. */
export function compileRevinclude(rule: IncludeRule, rows: readonly RowRef[], policy?: Predicate): CompiledQuery {
  const b = new Binder();
  const types = b.bind(rows.map((r) => r.resourceType), 'text[]');
  const ids = b.bind(rows.map((r) => r.id), 'text[]');
  const where = [`(i.target_type, i.target_id) in (select * from unnest(${types}, ${ids}))`, 'not r.deleted'];
  if (rule.sourceType !== '*') where.push(`i.resource_type = ${b.bind(rule.sourceType)}`);
  if (rule.param) where.push(`i.param = ${b.bind(rule.param)}`);
  if (rule.targetType) where.push(`i.target_type = ${b.bind(rule.targetType)}`);
  if (policy) where.push(`(${policy(b, 'r')})`);
  return {
    text: `select distinct r.rid::text as rid, r.resource_type, r.id, r.content from idx_reference i join resource r on r.rid = i.rid where ${where.join(' and ')}`,
    values: b.values,
  };
}
