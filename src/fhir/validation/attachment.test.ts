import { describe, expect, it } from 'vitest';
import { findings } from './test-support.js';

// "hello" is aGVsbG8= in base64: 5 bytes, SHA-1 qvTGHdzF6KLavt4PO0gs2a6pQ00=.
const doc = (attachment: object) => ({ resourceType: 'DocumentReference', status: 'current', content: [{ attachment }] });

describe('Attachment size and hash', () => {
  const cases: [string, object, string[]][] = [
    ['size and hash that match', doc({ data: 'aGVsbG8=', size: 5, hash: 'qvTGHdzF6KLavt4PO0gs2a6pQ00=' }), []],
    ['neither size nor hash', doc({ data: 'aGVsbG8=' }), []],
    ['size and hash without data (a url)', doc({ url: 'http://example.org/x.pdf', size: 1000, hash: 'qvTGHdzF6KLavt4PO0gs2a6pQ00=' }), []],
    ['a wrong size', doc({ data: 'aGVsbG8=', size: 6 }), ['error DocumentReference.content[0].attachment.size']],
    ['a wrong hash', doc({ data: 'aGVsbG8=', hash: 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=' }), ['error DocumentReference.content[0].attachment.hash']],
    ['both wrong, in a Media', { resourceType: 'Media', status: 'completed', content: { data: 'aGVsbG8=', size: 1, hash: 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=' } }, ['error Media.content.size', 'error Media.content.hash']],
  ];
  it.each(cases)('%s', (_name, resource, expected) => {
    expect(findings(resource)).toEqual(expected);
  });
});
