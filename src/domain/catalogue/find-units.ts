/**
 * @module domain/catalogue/find-units
 * Verksamhetskatalogen's free-text search (docs/catalogue.md): the units whose name, places (their
 * names), services (their names and types, e.g. the case types), municipality, street or postcode
 * contain every word of the
 * text, accents and case ignored ("vaxjo" finds Växjö). Each word is a handful of ordinary searches on
 * the string and token indexes (`:contains`, `:text`), whose unit ids are intersected; a postcode may
 * be written with or without its space.
 */
import type { HealthcareService, Location, Organization } from '@medplum/fhirtypes';
import { errors } from '../../fhir/error.js';
import type { DomainContext } from '../context.js';
import { searchResources } from '../repository.js';

export const MAX_WORDS = 8;

/** The words of the text; "351 85" and "35185" are one postcode, written as stored ("351 85"). */
export function words(text: string): string[] {
  const joined = text.trim().replace(/\b(\d{3})\s+(\d{2})\b/g, '$1 $2').replace(/\b(\d{3})(\d{2})\b/g, '$1 $2');
  const out: string[] = [];
  const parts = joined.split(/\s+/).filter(Boolean);
  for (let i = 0; i < parts.length; i++) {
    const [a, b] = [parts[i]!, parts[i + 1]];
    if (/^\d{3}$/.test(a) && b !== undefined && /^\d{2}$/.test(b)) {
      out.push(`${a} ${b}`);
      i++;
    } else out.push(a.replace(/[,;.]+$/, ''));
  }
  return out.filter(Boolean);
}

const idOf = (ref: string | undefined, type: string) => (ref?.startsWith(`${type}/`) ? ref.slice(type.length + 1) : undefined);

/** The ids of the units one word finds. */
async function unitsFor(ctx: DomainContext, word: string): Promise<Set<string>> {
  const [byName, byAddress, places, named, services, typed] = await Promise.all([
    searchResources<Organization>(ctx, 'Organization', [['name:contains', word]], 1000),
    searchResources<Organization>(ctx, 'Organization', [['address:contains', word]], 1000),
    searchResources<Location>(ctx, 'Location', [['address:contains', word]], 1000),
    searchResources<Location>(ctx, 'Location', [['name:contains', word]], 1000),
    searchResources<HealthcareService>(ctx, 'HealthcareService', [['name:contains', word], ['active', 'true']], 1000),
    searchResources<HealthcareService>(ctx, 'HealthcareService', [['service-type:text', word], ['active', 'true']], 1000),
  ]);
  const ids = new Set<string>();
  for (const o of [...byName, ...byAddress]) ids.add(o.id!);
  for (const l of [...places, ...named]) {
    const id = idOf(l.managingOrganization?.reference, 'Organization');
    if (id) ids.add(id);
  }
  for (const s of [...services, ...typed]) {
    const id = idOf(s.providedBy?.reference, 'Organization');
    if (id) ids.add(id);
  }
  return ids;
}

/** The units (not the regions above them) matching every word, by name. */
export async function findUnits(ctx: DomainContext, text: string): Promise<Organization[]> {
  const list = words(text);
  if (!list.length) throw errors.badRequest('text is empty: give a name, service, municipality or postcode, e.g. text=vaxjo', ['text']);
  if (list.length > MAX_WORDS) throw errors.badRequest(`text has more than ${MAX_WORDS} words`, ['text']);
  let found: Set<string> | undefined;
  for (const w of list) {
    const ids = await unitsFor(ctx, w);
    found = found ? new Set([...found].filter((id) => ids.has(id))) : ids;
    if (!found.size) return [];
  }
  const units = await searchResources<Organization>(ctx, 'Organization', [['_id', [...found!].join(',')]], 1000);
  return units.filter((o) => o.partOf && o.active !== false).sort((a, b) => (a.name ?? '').localeCompare(b.name ?? '', 'sv'));
}
