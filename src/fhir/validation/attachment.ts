/**
 * @module fhir/validation/attachment
 * An Attachment's `size` and `hash` describe its `data` (https://hl7.org/fhir/R4/datatypes.html#Attachment:
 * size in bytes, hash the base64 SHA-1 of the data); the HL7 validator errors when they disagree. Pure.
 */
import { createHash } from 'node:crypto';
import type { Attachment } from '@medplum/fhirtypes';
import type { Issue } from '../error.js';
import type { TypedNode } from './walk.js';

export function checkAttachment(node: TypedNode, out: Issue[]): void {
  if (node.type !== 'Attachment' || !node.value || typeof node.value !== 'object') return;
  const { data, size, hash } = node.value as Attachment;
  if (typeof data !== 'string' || (size === undefined && hash === undefined)) return;
  const bytes = Buffer.from(data, 'base64');
  if (typeof size === 'number' && size !== bytes.length) {
    out.push({ severity: 'error', code: 'value', diagnostics: `The stated size ${size} does not match the size of the data, ${bytes.length} bytes`, expression: [`${node.expression}.size`] });
  }
  if (typeof hash === 'string') {
    const actual = createHash('sha1').update(bytes).digest('base64');
    if (hash.replace(/\s/g, '') !== actual) {
      out.push({ severity: 'error', code: 'value', diagnostics: `The hash does not match the data (the SHA-1 of the data is ${actual})`, expression: [`${node.expression}.hash`] });
    }
  }
}
