/**
 * @module fhir/search/expression-check
 * A SearchParameter written at run time has its FHIRPath evaluated by @medplum/core's engine on every
 * write of its base types (https://hl7.org/fhir/R4/searchparameter.html). That engine runs `matches`
 * and `replaceMatches` on JavaScript's backtracking RegExp, so a pattern like `^(a+)+$` would let one
 * client stall the server on other clients' writes. Such expressions are refused (422). Pure.
 */
import type { Resource } from '@medplum/fhirtypes';
import type { Issue } from '../error.js';

const REGEX_FUNCTION = /\b(matches|matchesFull|replaceMatches)\s*\(/;

export function checkSearchParameterExpression(resource: Resource): Issue[] {
  if (resource.resourceType !== 'SearchParameter' || !resource.expression || !REGEX_FUNCTION.test(resource.expression)) return [];
  return [
    {
      severity: 'error',
      code: 'not-supported',
      diagnostics: 'A SearchParameter expression may not use matches(), matchesFull() or replaceMatches(): they run on a backtracking regex engine during indexing',
      expression: ['SearchParameter.expression'],
    },
  ];
}
