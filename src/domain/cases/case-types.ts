/**
 * @module domain/cases/case-types
 * Case types (ärendetyper) as data: the CodeSystem gives each type its Swedish name, whether a message
 * alone will do (`fritext`) and its form (`questionnaire`); retired and renamed types are inactive
 * concepts that the ConceptMap translates to current ones; a clinic's HealthcareService lists the types
 * it takes. Pure functions over those resources, plus loaders that fetch them.
 */
import type { CodeSystem, CodeSystemConcept, ConceptMap, HealthcareService } from '@medplum/fhirtypes';
import { errors } from '../../fhir/error.js';
import type { DomainContext } from '../context.js';
import { CASE_TYPE_MAP, CASE_TYPE_SYSTEM } from './codes.js';
import { findAsServer } from './server.js';

export interface CaseType {
  code: string;
  display: string;
  /** A message alone will do; the form is optional. */
  freeText: boolean;
  /** Canonical URL of the type's Questionnaire. */
  questionnaire?: string;
  /** Retired or renamed: translated through the ConceptMap. */
  inactive: boolean;
}

export function caseTypes(cs: CodeSystem): Map<string, CaseType> {
  const out = new Map<string, CaseType>();
  const walk = (concepts: readonly CodeSystemConcept[] | undefined) => {
    for (const c of concepts ?? []) {
      const prop = (code: string) => c.property?.find((p) => p.code === code);
      const type: CaseType = {
        code: c.code!,
        display: c.display ?? c.code!,
        freeText: prop('fritext')?.valueBoolean === true,
        inactive: prop('inactive')?.valueBoolean === true || prop('status')?.valueCode === 'retired',
      };
      const q = prop('questionnaire')?.valueString;
      if (q) type.questionnaire = q;
      out.set(type.code, type);
      walk(c.concept);
    }
  };
  walk(cs.concept);
  return out;
}

/** The current code a retired or renamed one maps to (through the ConceptMap), if any. */
export function translate(map: ConceptMap, code: string): string | undefined {
  for (const group of map.group ?? []) {
    if (group.source && group.source !== CASE_TYPE_SYSTEM) continue;
    const element = group.element?.find((e) => e.code === code);
    const target = element?.target?.find((t) => t.code && t.equivalence !== 'unmatched' && t.equivalence !== 'disjoint');
    if (target?.code) return target.code;
  }
  return undefined;
}

/** The case type codes a clinic takes, from its active HealthcareServices. */
export function offeredCodes(services: readonly HealthcareService[]): Set<string> {
  const codes = new Set<string>();
  for (const s of services) {
    if (s.active === false) continue;
    for (const cc of s.type ?? []) for (const c of cc.coding ?? []) if (c.system === CASE_TYPE_SYSTEM && c.code) codes.add(c.code);
  }
  return codes;
}

export type Resolved = { type: CaseType; requested?: CaseType };

/**
 * The current case type for a requested code: itself when current, its translation when retired.
 * Throws 422 for an unknown code or one with no current translation.
 */
export function resolveCaseType(types: ReadonlyMap<string, CaseType>, map: ConceptMap | undefined, code: string): Resolved {
  const current = [...types.values()].filter((t) => !t.inactive && t.questionnaire);
  const known = types.get(code);
  if (!known) {
    throw errors.businessRule(`type: "${code}" is not a case type. The case types are: ${current.map((t) => `${t.code} (${t.display})`).join(', ')}`, ['type']);
  }
  if (!known.inactive) return { type: known };
  const target = map ? translate(map, code) : undefined;
  const type = target ? types.get(target) : undefined;
  if (!type || type.inactive) throw errors.businessRule(`type: "${known.display}" (${code}) is no longer used and has no current replacement`, ['type']);
  return { type, requested: known };
}

/** The case type CodeSystem and ConceptMap as seeded (422 when the server has none: run `lots seed`). */
export async function loadCaseTypes(ctx: DomainContext): Promise<{ types: Map<string, CaseType>; map?: ConceptMap }> {
  const [cs] = await findAsServer<CodeSystem>(ctx, 'CodeSystem', [['url', CASE_TYPE_SYSTEM]], 1);
  if (!cs) throw errors.businessRule(`This server has no case types (CodeSystem ${CASE_TYPE_SYSTEM}); load them with \`lots seed\``);
  const [map] = await findAsServer<ConceptMap>(ctx, 'ConceptMap', [['url', CASE_TYPE_MAP]], 1);
  return map ? { types: caseTypes(cs), map } : { types: caseTypes(cs) };
}

/** The case type codes the clinic takes. */
export async function loadOfferedCodes(ctx: DomainContext, unitId: string): Promise<Set<string>> {
  return offeredCodes(await findAsServer<HealthcareService>(ctx, 'HealthcareService', [['organization', `Organization/${unitId}`], ['active', 'true']]));
}
