/**
 * @module fhir/error
 * The one error type below `http/`. Code anywhere throws a `FhirError`; `http/error.ts` alone turns it
 * into an OperationOutcome and a status. The issue type decides the status, so call sites say what went
 * wrong, not which number to send.
 */
import type { OperationOutcome, OperationOutcomeIssue } from '@medplum/fhirtypes';

/** OperationOutcome issue types (https://hl7.org/fhir/R4/valueset-issue-type.html) we raise. */
export type IssueType =
  | 'invalid'
  | 'structure'
  | 'required'
  | 'value'
  | 'invariant'
  | 'security'
  | 'login'
  | 'forbidden'
  | 'processing'
  | 'not-supported'
  | 'extension'
  | 'duplicate'
  | 'multiple-matches'
  | 'not-found'
  | 'deleted'
  | 'too-long'
  | 'code-invalid'
  | 'business-rule'
  | 'conflict'
  | 'exception'
  | 'timeout'
  | 'transient'
  | 'too-costly'
  | 'throttled'
  | 'informational';

export type Severity = 'fatal' | 'error' | 'warning' | 'information';

export interface Issue {
  severity?: Severity;
  code: IssueType;
  diagnostics: string;
  /** FHIRPath of the element the issue is about, e.g. `Patient.identifier[0].value`. */
  expression?: string[];
}

/**
 * A failure a client can act on. `status` is explicit when the issue type alone does not decide it
 * (e.g. 412 for a version conflict, 413 for a body over the limit).
 */
export class FhirError extends Error {
  readonly status: number;
  readonly issues: Issue[];
  readonly headers: Record<string, string>;

  constructor(status: number, issues: Issue[] | Issue, headers: Record<string, string> = {}) {
    const list = Array.isArray(issues) ? issues : [issues];
    super(list.map((i) => i.diagnostics).join('; '));
    this.name = 'FhirError';
    this.status = status;
    this.issues = list;
    this.headers = headers;
  }

  toOutcome(): OperationOutcome {
    return outcome(this.issues.map((i) => ({ severity: 'error', ...i })));
  }
}

/** Builds an OperationOutcome from issues (severity defaults to error). */
export function outcome(issues: Issue[]): OperationOutcome {
  return {
    resourceType: 'OperationOutcome',
    issue: issues.map((i): OperationOutcomeIssue => {
      const issue: OperationOutcomeIssue = { severity: i.severity ?? 'error', code: i.code, diagnostics: i.diagnostics };
      if (i.expression?.length) issue.expression = i.expression;
      return issue;
    }),
  };
}

/** An informational OperationOutcome, e.g. for `Prefer: return=OperationOutcome`. */
export function information(diagnostics: string): OperationOutcome {
  return outcome([{ severity: 'information', code: 'informational', diagnostics }]);
}

const one = (code: IssueType, diagnostics: string, expression?: string[]): Issue =>
  expression ? { code, diagnostics, expression } : { code, diagnostics };

/** Shorthands for the errors raised most often, each with the status the FHIR spec asks for. */
export const errors = {
  badRequest: (msg: string, expression?: string[]) => new FhirError(400, one('invalid', msg, expression)),
  unauthorized: (msg: string) => new FhirError(401, one('login', msg)),
  forbidden: (msg: string) => new FhirError(403, one('forbidden', msg)),
  notFound: (msg: string) => new FhirError(404, one('not-found', msg)),
  methodNotAllowed: (msg: string) => new FhirError(405, one('not-supported', msg)),
  notAcceptable: (msg: string) => new FhirError(406, one('not-supported', msg)),
  conflict: (msg: string) => new FhirError(409, one('conflict', msg)),
  gone: (msg: string, headers: Record<string, string> = {}) => new FhirError(410, one('deleted', msg), headers),
  preconditionFailed: (msg: string, code: IssueType = 'conflict') => new FhirError(412, one(code, msg)),
  tooLarge: (msg: string) => new FhirError(413, one('too-long', msg)),
  unsupportedMediaType: (msg: string) => new FhirError(415, one('not-supported', msg)),
  unprocessable: (issues: Issue[] | Issue) => new FhirError(422, issues),
  businessRule: (msg: string, expression?: string[]) => new FhirError(422, one('business-rule', msg, expression)),
  notSupported: (msg: string) => new FhirError(501, one('not-supported', msg)),
  internal: (msg = 'An unexpected error occurred on the server') => new FhirError(500, one('exception', msg)),
};
