/**
 * @module store/search/params/token
 * Token search on idx_token: `code`, `system|code`, `|code`, `system|`, `:text`, `:of-type`
 * (rows of param `<code>:of-type`), and reference `:identifier` (rows of `<code>:identifier`).
 */
import type { ParsedValue } from '../../../fhir/search/request.js';
import { normalizeString } from '../../../fhir/search/values/normalize.js';
import { likeEscape, type Binder } from '../binder.js';

export const TOKEN_TABLE = 'idx_token';

export function tokenPredicate(b: Binder, i: string, v: ParsedValue, modifier?: string): string {
  if (modifier === 'text' && v.kind === 'string') {
    // Starts-with on the folded text, like string search (and HAPI's :text without a full-text index).
    return `${i}.text_value like ${b.bind(likeEscape(normalizeString(v.value)) + '%')}`;
  }
  if (v.kind === 'codes') return memberPredicate(b, i, v.members);
  if (v.kind !== 'token') throw new Error(`token predicate given ${v.kind}`);
  const parts: string[] = [];
  if (v.code !== undefined) parts.push(`${i}.code = ${b.bind(v.code)}`);
  if (v.system === null) parts.push(`${i}.system is null`);
  else if (v.system !== undefined) parts.push(`${i}.system = ${b.bind(v.system)}`);
  return parts.length ? parts.join(' and ') : 'true';
}

/**
 * A code in the value set: the pair matches, or the code does for a value indexed without a system
 * (a `code` element, whose system the element's binding implies).
 */
function memberPredicate(b: Binder, i: string, members: readonly { system: string; code: string }[] | undefined): string {
  if (!members) throw new Error('the codes of :in/:below/:above were not listed before compiling');
  const systems = b.bind(members.map((m) => m.system), 'text[]');
  const codes = b.bind(members.map((m) => m.code), 'text[]');
  return `${i}.code = any(${codes}) and (${i}.system is null or (${i}.system, ${i}.code) in (select * from unnest(${systems}, ${codes})))`;
}

/** The param name whose rows a token modifier reads. */
export function tokenParam(code: string, modifier?: string): string {
  return modifier === 'of-type' || modifier === 'identifier' ? `${code}:${modifier}` : code;
}
