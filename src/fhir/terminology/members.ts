/**
 * @module fhir/terminology/members
 * The codes of a ValueSet as a list, for the token modifiers `:in` and `:not-in`
 * (https://hl7.org/fhir/R4/search.html#modifiers). Pure: the caller finds the stored ValueSet and the
 * stored CodeSystems it draws whole; a ValueSet that is not stored is one of R4's own. Without a
 * terminology server, a value set drawn from SNOMED CT or LOINC by filter cannot be listed: that is an
 * error the user is told about, never a silently empty or partial search.
 */
import type { CodeSystem, ValueSet } from '@medplum/fhirtypes';
import { allCodes, expandValueSet, isFullyCheckable, r4CodeSystem, subsumption } from './valuesets.js';

export interface Member {
  system: string;
  code: string;
}

export type Members = { members: Member[] } | { error: string };

/** The members of a stored ValueSet; `codeSystem` finds a stored CodeSystem by URL. */
export function storedMembers(vs: ValueSet, codeSystem: (url: string) => CodeSystem | undefined): Members {
  if (vs.expansion?.contains?.length) return { members: flattenExpansion(vs.expansion.contains) };
  const members: Member[] = [];
  for (const include of vs.compose?.include ?? []) {
    const system = include.system;
    if (!system || include.filter?.length || include.valueSet?.length) {
      return { error: `${vs.url} selects codes by filter or by other value sets, which Lots cannot list without a terminology server` };
    }
    if (include.concept?.length) {
      for (const c of include.concept) members.push({ system, code: c.code });
      continue;
    }
    const whole = wholeSystem(system, codeSystem);
    if (!whole) return { error: `${vs.url} includes all of ${system}, whose codes Lots does not have` };
    members.push(...whole);
  }
  const excluded = new Set((vs.compose?.exclude ?? []).flatMap((e) => (e.concept ?? []).map((c) => `${e.system}|${c.code}`)));
  return { members: members.filter((m) => !excluded.has(`${m.system}|${m.code}`)) };
}

/** The members of one of R4's own ValueSets, or undefined when R4 has none with this URL. */
export function r4Members(url: string): Members | undefined {
  const expansion = expandValueSet(url);
  if (expansion.unknown && expansion.codes.size === 0 && expansion.openSystems.size === 0) return undefined;
  if (!isFullyCheckable(expansion)) {
    return { error: `${url} draws on ${[...expansion.openSystems].join(', ') || 'value sets'} without listing the codes, which Lots cannot expand without a terminology server` };
  }
  return {
    members: [...expansion.codes].map((key) => {
      const bar = key.lastIndexOf('|');
      return { system: key.slice(0, bar), code: key.slice(bar + 1) };
    }),
  };
}

function flattenExpansion(contains: NonNullable<NonNullable<ValueSet['expansion']>['contains']>): Member[] {
  return contains.flatMap((c) => [...(c.system && c.code && !c.abstract ? [{ system: c.system, code: c.code }] : []), ...flattenExpansion(c.contains ?? [])]);
}

/** The codes at and below, or at and above, `code` in its system (`:below` / `:above`). */
export function hierarchyMembers(system: string, code: string, direction: 'below' | 'above', stored: CodeSystem | undefined): Members {
  const cs = complete(stored) ?? r4CodeSystem(system);
  if (!cs) return { error: `Lots does not have the code system ${system}, so it cannot tell what is ${direction} ${code} (no terminology server)` };
  const codes = subsumption(cs, code, direction);
  if (!codes) return { error: `${system} has no code ${code}, or its hierarchy does not mean is-a` };
  return { members: codes.map((c) => ({ system, code: c })) };
}

function wholeSystem(system: string, codeSystem: (url: string) => CodeSystem | undefined): Member[] | undefined {
  const cs = complete(codeSystem(system)) ?? r4CodeSystem(system);
  return cs && allCodes(cs).map((code) => ({ system, code }));
}

const complete = (cs: CodeSystem | undefined): CodeSystem | undefined => (cs?.content === 'complete' ? cs : undefined);
