/**
 * @module fhir/search/extract-values
 * Turns the FHIRPath results of a search parameter into index values, one function per kind of value,
 * following the type rules of https://hl7.org/fhir/R4/search.html (which data types each kind covers).
 */
import type { TypedValue } from '@medplum/core';
import type {
  Address,
  CodeableConcept,
  Coding,
  ContactPoint,
  HumanName,
  Identifier,
  Period,
  Quantity,
  Reference,
  Timing,
} from '@medplum/fhirtypes';
import type { CompositeEntry, DateEntry, QuantityEntry, ReferenceEntry, StringEntry, TokenEntry } from './index-entries.js';
import type { ParamType } from './registry.js';
import { dateValueRange, periodRange } from './values/date-range.js';
import { normalizeString } from './values/normalize.js';
import { canonicalQuantity } from './values/ucum.js';

type Token = Omit<TokenEntry, 'param'>;
type Str = Omit<StringEntry, 'param'>;
type DateRange = Omit<DateEntry, 'param'>;
type Ref = Omit<ReferenceEntry, 'param'>;
type Qty = Omit<QuantityEntry, 'param'>;

/** Display text as `:text` compares it: folded like string search. */
const folded = (s: unknown): string | null => (typeof s === 'string' && s ? normalizeString(s) || null : null);
const str = (s: unknown): string | null => (typeof s === 'string' && s !== '' ? s : null);

export function tokens(tv: TypedValue): Token[] {
  const value = tv.value as unknown;
  switch (tv.type) {
    case 'Coding':
      return [coding(value as Coding)];
    case 'CodeableConcept': {
      const cc = value as CodeableConcept;
      const out = (cc.coding ?? []).map(coding);
      if (cc.text) out.push({ system: null, code: null, text: folded(cc.text) });
      return out;
    }
    case 'Identifier': {
      const id = value as Identifier;
      return [{ system: str(id.system), code: str(id.value), text: folded(id.type?.text) }];
    }
    case 'ContactPoint': {
      const cp = value as ContactPoint;
      return [{ system: str(cp.system), code: str(cp.value), text: null }];
    }
    case 'boolean':
      return [{ system: null, code: String(value), text: null }];
    case 'Reference': {
      const ref = value as Reference;
      return ref.identifier ? [{ system: str(ref.identifier.system), code: str(ref.identifier.value), text: null }] : [];
    }
    default:
      return typeof value === 'string' || typeof value === 'number' ? [{ system: null, code: String(value), text: null }] : [];
  }
}

function coding(c: Coding): Token {
  return { system: str(c.system), code: str(c.code), text: folded(c.display) };
}

/** For `identifier:of-type=typeSystem|typeCode|value`: system holds `typeSystem|typeCode`. */
export function identifierTypeTokens(tv: TypedValue): Token[] {
  if (tv.type !== 'Identifier') return [];
  const id = tv.value as Identifier;
  if (!id.value) return [];
  return (id.type?.coding ?? []).map((c) => ({ system: `${c.system ?? ''}|${c.code ?? ''}`, code: id.value!, text: null }));
}

export function strings(tv: TypedValue): Str[] {
  const value = tv.value as unknown;
  let parts: (string | undefined)[];
  switch (tv.type) {
    case 'HumanName': {
      const n = value as HumanName;
      const full = [...(n.given ?? []), n.family].filter(Boolean).join(' ');
      parts = [n.family, ...(n.given ?? []), ...(n.prefix ?? []), ...(n.suffix ?? []), n.text, full];
      break;
    }
    case 'Address': {
      const a = value as Address;
      parts = [...(a.line ?? []), a.city, a.district, a.state, a.postalCode, a.country, a.text];
      break;
    }
    case 'CodeableConcept':
      parts = [(value as CodeableConcept).text, ...((value as CodeableConcept).coding ?? []).map((c) => c.display)];
      break;
    case 'Coding':
      parts = [(value as Coding).display];
      break;
    default:
      parts = typeof value === 'string' ? [value] : [];
  }
  const seen = new Set<string>();
  const out: Str[] = [];
  for (const p of parts) {
    if (!p || typeof p !== 'string') continue;
    const norm = normalizeString(p);
    if (!norm || seen.has(p)) continue;
    seen.add(p);
    out.push({ norm, value: p });
  }
  return out;
}

export function dates(tv: TypedValue): DateRange[] {
  const value = tv.value as unknown;
  switch (tv.type) {
    case 'Period': {
      const p = value as Period;
      if (!p.start && !p.end) return [];
      return [periodRange(p.start, p.end)];
    }
    case 'Timing': {
      const t = value as Timing;
      const events = (t.event ?? []).map(dateValueRange).filter((r) => r !== undefined);
      const b = t.repeat?.boundsPeriod;
      return b ? [...events, periodRange(b.start, b.end)] : events;
    }
    default: {
      if (typeof value !== 'string') return [];
      const r = dateValueRange(value);
      return r ? [r] : [];
    }
  }
}

/** A reference as type/id when it points into this server, else as a URL (absolute or canonical). */
export function references(tv: TypedValue, baseUrl: string): Ref[] {
  const raw = tv.type === 'Reference' ? (tv.value as Reference).reference : typeof tv.value === 'string' ? tv.value : undefined;
  if (!raw || raw.startsWith('#')) return [];
  return [parseReference(raw, baseUrl)];
}

const LOCAL = /^([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(\/_history\/[^/]+)?$/;

export function parseReference(raw: string, baseUrl: string): Ref {
  const local = raw.startsWith(baseUrl + '/') ? raw.slice(baseUrl.length + 1) : raw;
  const m = LOCAL.exec(local);
  if (m) return { targetType: m[1]!, targetId: m[2]!, url: null };
  return { targetType: null, targetId: null, url: raw.split('|')[0]! };
}

/** For `reference:identifier=system|value`. */
export function referenceIdentifiers(tv: TypedValue): Token[] {
  if (tv.type !== 'Reference') return [];
  const id = (tv.value as Reference).identifier;
  return id?.value ? [{ system: str(id.system), code: id.value, text: null }] : [];
}

export function numbers(tv: TypedValue): string[] {
  return typeof tv.value === 'number' ? [String(tv.value)] : [];
}

export function quantities(tv: TypedValue): Qty[] {
  const q = tv.value as Quantity & { currency?: string };
  if (!q || typeof q !== 'object' || typeof q.value !== 'number') return [];
  const value = String(q.value);
  const code = str(q.code) ?? str(q.currency);
  const canon = code && (q.system === 'http://unitsofmeasure.org' || !q.system) ? canonicalQuantity(value, code) : undefined;
  return [
    {
      value,
      system: str(q.system) ?? (q.currency ? 'urn:iso:std:iso:4217' : null),
      code,
      unit: str(q.unit),
      canonValue: canon?.value ?? null,
      canonCode: canon?.code ?? null,
    },
  ];
}

export function uris(tv: TypedValue): string[] {
  return typeof tv.value === 'string' ? [tv.value] : [];
}

/** The values of one composite component, as partial composite columns. */
export type ComponentValue = Partial<Omit<CompositeEntry, 'param'>>;

export function componentValues(type: ParamType, values: TypedValue[], baseUrl: string): ComponentValue[] {
  switch (type) {
    case 'token':
      return values.flatMap(tokens).filter((t) => t.code !== null).map((t) => ({ bSystem: t.system, bCode: t.code }));
    case 'reference':
      return values.flatMap((x) => references(x, baseUrl)).map((r) => ({ bSystem: null, bCode: r.targetType ? `${r.targetType}/${r.targetId}` : r.url }));
    case 'string':
      return values.flatMap(strings).map((s) => ({ bSystem: null, bCode: s.norm }));
    case 'quantity':
      return values.flatMap(quantities).map((q) => ({ bSystem: q.system, bCode: q.code, bValue: q.value, bCanonValue: q.canonValue, bCanonCode: q.canonCode }));
    case 'number':
      return values.flatMap(numbers).map((n) => ({ bValue: n }));
    case 'date':
      return values.flatMap(dates).map((d) => ({ bLow: d.low, bHigh: d.high }));
    default:
      return [];
  }
}

/** Combines component values: the first goes to the a-columns, the second to b, a third number to c. */
export function compositeRow(a: ComponentValue, b: ComponentValue, c: ComponentValue): Omit<CompositeEntry, 'param'> {
  return {
    aSystem: a.bSystem ?? null,
    aCode: a.bCode ?? null,
    bSystem: b.bSystem ?? null,
    bCode: b.bCode ?? null,
    bValue: b.bValue ?? null,
    bCanonValue: b.bCanonValue ?? null,
    bCanonCode: b.bCanonCode ?? null,
    bLow: b.bLow ?? null,
    bHigh: b.bHigh ?? null,
    cValue: c.bValue ?? null,
  };
}
