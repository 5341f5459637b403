/**
 * @module fhir/validate
 * Validation of a resource on every write: the R4 base StructureDefinition (structure, cardinality,
 * types, unknown elements, invariants) through @medplum/core, the codes of required bindings, the
 * profiles in meta.profile that Lots knows, and Swedish national identifiers.
 */
import { OperationOutcomeError, validateResource as medplumValidate } from '@medplum/core';
import type { Identifier, OperationOutcomeIssue, Resource, StructureDefinition } from '@medplum/fhirtypes';
import type { Issue, IssueType, Severity } from './error.js';
import { swedishIdKind, swedishIdProblem } from './identifiers/personnummer.js';

export type ExtraCheck = (resource: Resource) => Issue[];

export interface Validator {
  /** Every issue found, errors and warnings; a write is refused when any has severity error or fatal. */
  validate(resource: Resource): Issue[];
}

export interface ValidatorOptions {
  /** Profiles Lots knows, by canonical URL (with or without `|version`). */
  profiles?: ReadonlyMap<string, StructureDefinition>;
  /** More pure checks, e.g. required bindings. */
  checks?: readonly ExtraCheck[];
}

export function createValidator(options: ValidatorOptions = {}): Validator {
  const profiles = options.profiles ?? new Map<string, StructureDefinition>();
  const checks = [...(options.checks ?? []), checkSwedishIdentifiers];
  return {
    validate(resource) {
      const issues = runMedplum(resource, undefined);
      for (const url of resource.meta?.profile ?? []) {
        const profile = profiles.get(url) ?? profiles.get(url.split('|')[0] ?? url);
        if (profile) issues.push(...runMedplum(resource, profile).map((i) => withProfile(i, profile)));
      }
      for (const check of checks) issues.push(...check(resource));
      return dedupe(issues);
    },
  };
}

export function hasErrors(issues: readonly Issue[]): boolean {
  return issues.some((i) => i.severity === undefined || i.severity === 'error' || i.severity === 'fatal');
}

function runMedplum(resource: Resource, profile: StructureDefinition | undefined): Issue[] {
  try {
    return medplumValidate(resource, profile ? { profile } : undefined).map(toIssue);
  } catch (err) {
    if (err instanceof OperationOutcomeError) return (err.outcome.issue ?? []).map(toIssue);
    throw err;
  }
}

function toIssue(i: OperationOutcomeIssue): Issue {
  const issue: Issue = {
    severity: i.severity as Severity,
    code: (i.code ?? 'invalid') as IssueType,
    diagnostics: i.details?.text ?? i.diagnostics ?? 'Invalid resource',
  };
  if (i.expression?.length) issue.expression = i.expression;
  return issue;
}

function withProfile(issue: Issue, profile: StructureDefinition): Issue {
  return { ...issue, diagnostics: `${issue.diagnostics} (profile ${profile.url})` };
}

function dedupe(issues: Issue[]): Issue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.severity}|${i.code}|${i.diagnostics}|${i.expression?.join(',')}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Every Identifier with a personnummer or samordningsnummer system, wherever it sits, must be valid. */
export function checkSwedishIdentifiers(resource: Resource): Issue[] {
  const issues: Issue[] = [];
  visit(resource, resource.resourceType, (node, path) => {
    const id = node as Identifier;
    const kind = swedishIdKind(id.system);
    if (!kind || typeof id.value !== 'string') return;
    const problem = swedishIdProblem(id.value, kind);
    if (problem) issues.push({ severity: 'error', code: 'value', diagnostics: problem, expression: [`${path}.value`] });
  });
  return issues;
}

function visit(node: unknown, path: string, fn: (node: object, path: string) => void): void {
  if (Array.isArray(node)) {
    node.forEach((item, i) => visit(item, `${path}[${i}]`, fn));
    return;
  }
  if (node === null || typeof node !== 'object') return;
  fn(node, path);
  for (const [key, value] of Object.entries(node)) {
    if (key === 'resourceType') continue;
    visit(value, `${path}.${key}`, fn);
  }
}
