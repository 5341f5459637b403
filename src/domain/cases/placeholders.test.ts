import { describe, expect, it } from 'vitest';
import { fill, placeholdersIn } from './placeholders.js';

describe('placeholders', () => {
  it('finds each once, in order', () => {
    expect(placeholdersIn('{{date}} kl. {{ time }} hos {{resource}} ({{date}}), {{clinic}}')).toEqual(['date', 'time', 'resource', 'clinic']);
  });

  it('fills them and names those without a value', () => {
    expect(fill('Din tid {{date}} kl. {{time}} är avbokad.', { date: '3 maj', time: '10:15' })).toEqual({ text: 'Din tid 3 maj kl. 10:15 är avbokad.', missing: [] });
    expect(fill('{{date}} {{time}}', { date: ' ', extra: 'x' })).toEqual({ text: '{{date}} {{time}}', missing: ['date', 'time'] });
  });

  it('leaves single braces and other text alone', () => {
    expect(fill('{date} {{ }} {{1x}}', {})).toEqual({ text: '{date} {{ }} {{1x}}', missing: [] });
  });
});
