import { describe, expect, it } from 'vitest';
import { findings } from './test-support.js';

const withDiv = (div: string, extra: object = {}) => ({ resourceType: 'Patient', text: { status: 'generated', div: `<div xmlns="http://www.w3.org/1999/xhtml">${div}</div>` }, ...extra });

describe('narrative internal links', () => {
  const cases: [string, object, string[]][] = [
    ['a link to an anchor in the narrative', withDiv('<a href="#n1">Namn</a><p id="n1">Astrid</p>'), []],
    ['a link to an element id', withDiv('<a href="#name1">Namn</a>', { name: [{ id: 'name1', family: 'Holm' }] }), []],
    ['an image of a contained Binary', withDiv('<img src="#pic"/>', { contained: [{ resourceType: 'Binary', id: 'pic', contentType: 'image/png' }], photo: [{ url: '#pic' }] }), []],
    ['an external link', withDiv('<a href="http://example.org/x">x</a>'), []],
    ['a link to nothing', withDiv('<a href="#nowhere">x</a>'), ['error Patient.text.div']],
    ['an image of nothing', withDiv('<img src="#11" alt="x"/>'), ['error Patient.text.div']],
  ];
  it.each(cases)('%s', (_name, resource, expected) => {
    expect(findings(resource)).toEqual(expected);
  });
});
