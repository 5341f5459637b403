import type { Questionnaire } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { EXT } from './codes.js';
import { pickTemplate, templateKind, templateText } from './templates.js';

const template = (id: string, venue?: string, kind = 'information'): Questionnaire => ({
  resourceType: 'Questionnaire',
  id,
  status: 'active',
  extension: [{ url: EXT.templateKind, valueCode: kind }],
  ...(venue ? { useContext: [{ code: { code: 'venue' }, valueReference: { reference: venue } }] } : {}),
  item: [{ linkId: 'm', type: 'display', text: `text ${id}` }],
});

describe('choosing a template', () => {
  it("prefers the clinic's own, else the region's", () => {
    const region = template('region');
    const own = template('own', 'Organization/a');
    expect(pickTemplate([region, own], 'Organization/a')?.id).toBe('own');
    expect(pickTemplate([region, own], 'Organization/b')?.id).toBe('region');
    expect(pickTemplate([own], 'Organization/b')).toBeUndefined();
  });

  it('ignores Questionnaires that are not templates', () => {
    const form: Questionnaire = { resourceType: 'Questionnaire', status: 'active' };
    expect(pickTemplate([form], 'Organization/a')).toBeUndefined();
    expect(templateKind(template('q', undefined, 'questions'))).toBe('questions');
    expect(templateText(template('x'))).toBe('text x');
  });
});
