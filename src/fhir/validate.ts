/**
 * @module fhir/validate
 * Validation of a resource on every write: the R4 base StructureDefinition (structure, cardinality,
 * types, unknown elements, invariants) through @medplum/core, the codes of required bindings, the
 * profiles in meta.profile that Lots knows, Swedish national identifiers, and the checks of
 * fhir/validation (ids, empty things, primitives, extensions, Bundles, Questionnaires, attachments,
 * narrative links) that bring Lots to what HL7's own validator reports.
 */
import { OperationOutcomeError, validateResource as medplumValidate } from '@medplum/core';
import type { Identifier, OperationOutcomeIssue, Resource, StructureDefinition } from '@medplum/fhirtypes';
import type { Issue, IssueType, Severity } from './error.js';
import { evaluateFhirPath } from './fhirpath.js';
import { swedishIdKind, swedishIdProblem } from './identifiers/personnummer.js';
import { checkStructure, extensionDefinitions, type ExtensionDefinitions } from './validation/index.js';

export type ExtraCheck = (resource: Resource) => Issue[];

export interface Validator {
  /**
   * Every issue found, errors and warnings; a write is refused when any has severity error or fatal.
   * `profiles` are checked as well as those in meta.profile (`$validate?profile=`).
   */
  validate(resource: Resource, profiles?: readonly string[]): Issue[];
  /** Whether Lots knows the profile with this canonical URL (with or without `|version`). */
  knowsProfile(url: string): boolean;
}

export interface ValidatorOptions {
  /** Profiles Lots knows, by canonical URL (with or without `|version`). */
  profiles?: ReadonlyMap<string, StructureDefinition>;
  /** More pure checks, e.g. required bindings. */
  checks?: readonly ExtraCheck[];
  /** Extension definitions by URL (default: the R4 core extensions). */
  extensions?: ExtensionDefinitions;
}

export function createValidator(options: ValidatorOptions = {}): Validator {
  const profiles = options.profiles ?? new Map<string, StructureDefinition>();
  const checks = [...(options.checks ?? []), checkSwedishIdentifiers, checkNarratives];
  const find = (url: string) => profiles.get(url) ?? profiles.get(url.split('|')[0] ?? url);
  const definitions = { extensions: options.extensions ?? extensionDefinitions() };
  return {
    validate(resource, extra = []) {
      const issues = runMedplum(resource, undefined);
      const claimed = resource.meta?.profile ?? [];
      for (const [i, url] of [...claimed, ...extra].entries()) {
        const profile = find(url);
        if (profile) issues.push(...runMedplum(resource, profile).map((issue) => withProfile(issue, profile)));
        // A claim Lots cannot check is not an error (profiles of other IGs are common), but the client
        // should not believe it was checked.
        else if (i < claimed.length) {
          issues.push({
            severity: 'warning',
            code: 'not-supported',
            diagnostics: `The profile ${url} is not known to this server, so the resource was not checked against it`,
            expression: [`${resource.resourceType}.meta.profile[${i}]`],
          });
        }
      }
      const broken = hasErrors(issues);
      for (const check of checks) issues.push(...orNothingIfBroken(() => check(resource), broken));
      // Only where nothing else already objects to the element (@medplum/core catches some of the same).
      const flagged = new Set(issues.filter((i) => hasErrors([i])).flatMap((i) => i.expression ?? []));
      const structural = orNothingIfBroken(() => checkStructure(resource, definitions), broken).filter((i) => !flagged.has(i.expression?.[0] ?? ''));
      return dedupe([...withoutRestated(issues, structural), ...structural]);
    },
    knowsProfile: (url) => find(url) !== undefined,
  };
}

/**
 * The further checks read elements as their type says; on a resource whose structure is already in error
 * (a `coding` of nulls) one may throw. The errors found so far are then the answer; on a sound resource
 * a throw is a bug and goes on.
 */
function orNothingIfBroken(check: () => Issue[], broken: boolean): Issue[] {
  try {
    return check();
  } catch (err) {
    if (broken) return [];
    throw err;
  }
}

export function hasErrors(issues: readonly Issue[]): boolean {
  return issues.some((i) => i.severity === undefined || i.severity === 'error' || i.severity === 'fatal');
}

function runMedplum(resource: Resource, profile: StructureDefinition | undefined): Issue[] {
  let raw: OperationOutcomeIssue[];
  try {
    raw = medplumValidate(resource, profile ? { profile } : undefined);
  } catch (err) {
    if (!(err instanceof OperationOutcomeError)) throw err;
    raw = err.outcome.issue ?? [];
  }
  return raw.filter((i) => confirmed(resource, i)).map(toIssue);
}

const R4_BASE64 = /^(\s*([0-9a-zA-Z+/=]){4}\s*)+$/;

/**
 * Second opinions on two kinds of @medplum/core findings that are known to be wrong on valid R4
 * content: base64Binary with whitespace (allowed by the R4 regex), and invariants, which are re-run on
 * HL7's reference FHIRPath engine (e.g. ras-2 `probability is decimal implies ...` on an absent
 * probability). Only an issue both engines agree on is kept.
 */
function confirmed(resource: Resource, issue: OperationOutcomeIssue): boolean {
  const path = issue.expression?.[0];
  if (!path) return true;
  if (issue.details?.text === 'Invalid base64Binary format') {
    const value = valueAt(resource, path);
    return !(typeof value === 'string' && R4_BASE64.test(value));
  }
  if (issue.code !== 'invariant' || !issue.diagnostics) return true;
  let expression: string | undefined;
  try {
    expression = (JSON.parse(issue.diagnostics) as { fhirpath?: string }).fhirpath;
  } catch {
    return true;
  }
  if (!expression) return true;
  try {
    const node = valueAt(resource, path);
    const base = path.replace(/\[\d+\]/g, '');
    const result = evaluateFhirPath(node, expression, { resource, rootResource: resource }, base.includes('.') ? { base } : {});
    return !(result.length === 0 || (result.length === 1 && result[0] === true));
  } catch {
    return true;
  }
}

/** The value at a simple FHIRPath like `Patient.contact[0].name` (no functions). */
function valueAt(resource: Resource, path: string): unknown {
  let node: unknown = resource;
  for (const step of path.split('.').slice(1)) {
    const m = /^([^[]+)(?:\[(\d+)\])?$/.exec(step);
    if (!m || node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[m[1]!];
    if (m[2] !== undefined) node = Array.isArray(node) ? node[Number(m[2])] : undefined;
  }
  return node;
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

/**
 * An invariant @medplum/core reports on the whole resource (bdl-7 at `Bundle`) that fhir/validation
 * reports on the very entry is given once, with the precise expression.
 */
function withoutRestated(issues: Issue[], precise: readonly Issue[]): Issue[] {
  const key = (i: Issue) => /^Constraint (\S+) not met/.exec(i.diagnostics)?.[1];
  const restated = new Set(precise.map(key).filter((k) => k !== undefined));
  return restated.size ? issues.filter((i) => i.code !== 'invariant' || !restated.has(key(i) ?? '')) : issues;
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

// https://hl7.org/fhir/R4/narrative.html#xhtml: no head or body, scripts, forms, base/link, frames,
// iframes, objects, or event attributes (onClick ...). @medplum/core does not evaluate txt-1, and these are
// what would run in a clinician's browser if a client rendered the narrative.
const FORBIDDEN_ELEMENT = /<\s*(script|iframe|frame|frameset|object|embed|applet|form|input|button|textarea|select|head|body|base|link|meta|style)\b/i;
const EVENT_ATTRIBUTE = /<[^>]*\s(on[a-z]+)\s*=/i;
const SCRIPT_URL = /(href|src)\s*=\s*["']?\s*(javascript|vbscript):/i;

/** Narrative XHTML (any `text.div`, in contained resources and Bundle entries too) must be safe to render. */
export function checkNarratives(resource: Resource): Issue[] {
  const issues: Issue[] = [];
  visit(resource, resource.resourceType, (node, path) => {
    const div = (node as { div?: unknown }).div;
    if (!path.endsWith('.text') || typeof div !== 'string') return;
    const found = FORBIDDEN_ELEMENT.exec(div)?.[0].replace(/\s/g, '') ?? EVENT_ATTRIBUTE.exec(div)?.[1] ?? SCRIPT_URL.exec(div)?.[0];
    if (found) {
      issues.push({
        severity: 'error',
        code: 'invariant',
        diagnostics: `Constraint txt-1 not met: the narrative may only contain basic HTML formatting; found ${found}`,
        expression: [`${path}.div`],
      });
    }
  });
  return issues;
}
