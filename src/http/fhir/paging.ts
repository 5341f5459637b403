/**
 * @module http/fhir/paging
 * `_count` parsing shared by search and history, and the URL of a page link.
 */
import { errors } from '../../fhir/error.js';

export const DEFAULT_COUNT = 20;
export const MAX_COUNT = 1000;

/** `_count`: default 20, at most 1,000 (larger values are capped, as HAPI does); 400 when not a number. */
export function parseCount(value: string | null): number {
  if (value === null || value === '') return DEFAULT_COUNT;
  if (!/^\d+$/.test(value)) throw errors.badRequest(`_count must be a whole number; got "${value}"`, ['_count']);
  return Math.min(Number(value), MAX_COUNT);
}

export function pageUrl(base: string, params: Record<string, string | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) q.set(k, v);
  const s = q.toString();
  return s ? `${base}?${s}` : base;
}
