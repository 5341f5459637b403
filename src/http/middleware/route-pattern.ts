/**
 * @module http/middleware/route-pattern
 * The route of a FHIR request with every id taken out (`/fhir/Patient/:id/_history/:vid`), for the
 * request log: a path may carry an id that is a personnummer or a name, and a log must never hold one.
 * Only resource types, `$operations`, `_keywords` and `metadata` are kept, by position
 * (https://hl7.org/fhir/R4/http.html#general: [type]/[id]/_history/[vid], [type]/[id]/[compartment type]).
 */

const TYPE = /^[A-Z][A-Za-z]{1,63}$/;
const KEYWORD = /^(\$[A-Za-z][A-Za-z0-9-]{0,63}|_[a-z]{1,32}|metadata|\.well-known|smart-configuration)$/;

/** The pattern of `path` below `basePath`, or undefined when `path` is not under it. */
export function fhirRoutePattern(path: string, basePath: string): string | undefined {
  if (path !== basePath && !path.startsWith(`${basePath}/`)) return undefined;
  const segments = path.slice(basePath.length).split('/').filter((s) => s !== '');
  const out: string[] = [];
  // What the next segment should be: a type (or keyword) at the start and after an id; an id after a
  // type; a version id after `_history` that follows an id.
  let expect: 'type' | 'id' | 'vid' = 'type';
  for (const segment of segments) {
    if (expect === 'vid') {
      out.push(':vid');
      expect = 'type';
    } else if (KEYWORD.test(segment)) {
      out.push(segment);
      expect = segment === '_history' && out.at(-2) === ':id' ? 'vid' : expect === 'id' ? 'id' : 'type';
    } else if (expect === 'id') {
      out.push(':id');
      expect = 'type';
    } else {
      out.push(TYPE.test(segment) ? segment : ':unknown');
      expect = 'id';
    }
  }
  return [basePath, ...out].join('/');
}
