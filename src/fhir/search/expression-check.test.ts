import type { SearchParameter } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { checkSearchParameterExpression } from './expression-check.js';

const sp = (expression: string): SearchParameter => ({ resourceType: 'SearchParameter', url: 'https://x/sp', name: 'x', status: 'active', description: 'x', code: 'x', base: ['Patient'], type: 'string', expression });

describe('checkSearchParameterExpression', () => {
  it('refuses regex functions and leaves other expressions alone', () => {
    expect(checkSearchParameterExpression(sp("Patient.name.where(family.matches('^(a+)+$'))"))[0]).toMatchObject({ code: 'not-supported', expression: ['SearchParameter.expression'] });
    expect(checkSearchParameterExpression(sp("Patient.name.family.replaceMatches ('a', 'b')"))).toHaveLength(1);
    expect(checkSearchParameterExpression(sp("Patient.extension('https://x/matches').value"))).toEqual([]);
    expect(checkSearchParameterExpression({ resourceType: 'Patient' })).toEqual([]);
  });
});
