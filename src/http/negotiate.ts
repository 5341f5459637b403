/**
 * @module http/negotiate
 * Content negotiation (https://hl7.org/fhir/R4/http.html#mime-type): Lots speaks JSON only. `_format`
 * wins over Accept; asking only for XML or Turtle is 406, sending them is 415.
 */
import { errors } from '../fhir/error.js';

const JSON_TYPES = new Set(['application/fhir+json', 'application/json', 'application/json+fhir', 'text/json']);
const FORMAT_ALIASES: Record<string, string> = { json: 'application/fhir+json' };

/** The media type to answer with: the JSON type the client named, or application/fhir+json. */
export function responseMediaType(format: string | null, accept: string | undefined): string {
  if (format) {
    // A '+' in a query string arrives as a space ("application/fhir json").
    const f = format.trim().replace(/ /g, '+').toLowerCase();
    const mapped = FORMAT_ALIASES[f] ?? f;
    if (JSON_TYPES.has(mapped)) return mapped === 'application/json' ? mapped : 'application/fhir+json';
    throw errors.notAcceptable(`_format=${format} is not supported; this server speaks JSON only (_format=json)`);
  }
  if (!accept) return 'application/fhir+json';
  const ranges = accept.split(',').map((r) => {
    const [type = '', ...params] = r.split(';').map((s) => s.trim().toLowerCase());
    const q = params.find((p) => p.startsWith('q='));
    return { type, q: q ? Number(q.slice(2)) : 1 };
  });
  const acceptable = ranges.filter((r) => r.q > 0).sort((a, b) => b.q - a.q);
  for (const r of acceptable) {
    if (r.type === 'application/json') return 'application/json';
    if (JSON_TYPES.has(r.type) || r.type === '*/*' || r.type === 'application/*') return 'application/fhir+json';
  }
  throw errors.notAcceptable(`Cannot answer with ${accept}; this server speaks JSON only (Accept: application/fhir+json)`);
}

export type BodyKind = 'json' | 'json-patch' | 'form';

/** What kind of body a Content-Type names; 415 for anything else. A missing Content-Type is read as JSON. */
export function bodyKind(contentType: string | undefined): BodyKind {
  if (!contentType) return 'json';
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  if (JSON_TYPES.has(type)) return 'json';
  if (type === 'application/json-patch+json') return 'json-patch';
  if (type === 'application/x-www-form-urlencoded') return 'form';
  throw errors.unsupportedMediaType(
    `Content-Type ${type} is not supported; send FHIR JSON with Content-Type: application/fhir+json`,
  );
}
