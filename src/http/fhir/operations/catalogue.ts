/**
 * @module http/fhir/operations/catalogue
 * The catalogue's own operations (src/domain/catalogue/, docs/catalogue.md), next to the plain mCSD
 * searches (IHE ITI-90, https://profiles.ihe.net/ITI/mCSD/ITI-90.html) every client can use:
 *
 * - `Organization/[id]/$contact-card` (GET): the unit's kontaktkort as a FHIR document Bundle
 *   (https://hl7.org/fhir/R4/documents.html), or as an HTML page with `Accept: text/html`; `date` shows
 *   another day's hours and its week.
 * - `Organization/$find-units?text=` (GET or POST): Verksamhetskatalogen's free-text search across
 *   units by name, service, municipality or postcode, accents ignored, as a searchset Bundle.
 */
import type { Bundle, BundleEntry } from '@medplum/fhirtypes';
import { z } from 'zod';
import { cardHtml } from '../../../domain/catalogue/contact-card.js';
import { findUnits } from '../../../domain/catalogue/find-units.js';
import { cardBundle, unitCard } from '../../../domain/catalogue/service.js';
import { collectBody, collectQuery, one, optionalOne, parseInput } from '../../../fhir/parameters.js';
import type { OperationDef } from './operation.js';

export const HTML = 'text/html';

/** True when the Accept header prefers HTML to JSON (by q, then by order). */
export function prefersHtml(accept: string | undefined): boolean {
  if (!accept) return false;
  const ranges = accept.split(',').map((r, i) => {
    const [type = '', ...params] = r.split(';').map((s) => s.trim().toLowerCase());
    const q = params.find((p) => p.startsWith('q='));
    return { type, q: q ? Number(q.slice(2)) : 1, i };
  });
  const best = ranges.filter((r) => r.q > 0 && (r.type === HTML || r.type.includes('json') || r.type === '*/*')).sort((a, b) => b.q - a.q || a.i - b.i)[0];
  return best?.type === HTML;
}

const cardInput = z.strictObject({
  /** The day to show as "today" (and its week); the Swedish date now when absent. */
  date: optionalOne(
    z
      .string({ error: 'must be a date, e.g. 2026-12-24' })
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date, e.g. 2026-12-24')
      .refine((d) => new Date(`${d}T12:00:00Z`).toISOString().startsWith(d), 'is not a real date'),
  ),
});

const contactCardOperation: OperationDef = {
  name: 'contact-card',
  levels: ['instance'],
  types: ['Organization'],
  affectsState: false,
  async handler(ctx, req, { id }) {
    const input = parseInput(cardInput, req.method === 'POST' ? collectBody(req.body, 'contact-card') : collectQuery(req.query));
    const card = await unitCard(ctx, id!, input.date);
    if (!prefersHtml(req.headers.accept)) return { status: 200, resource: cardBundle(ctx.config.baseUrl, card) };
    const body = new Response(cardHtml(card.card)).body!;
    return { status: 200, stream: body, headers: { 'Content-Type': `${HTML}; charset=utf-8`, 'Cache-Control': 'no-cache' } };
  },
};

const findInput = z.strictObject({ text: one(z.string({ error: 'must be a string' }).max(200, 'may be at most 200 characters')) });

const findUnitsOperation: OperationDef = {
  name: 'find-units',
  levels: ['type'],
  types: ['Organization'],
  affectsState: false,
  scope: 's',
  async handler(ctx, req) {
    const input = parseInput(findInput, req.method === 'POST' && req.body !== undefined ? collectBody(req.body, 'find-units') : collectQuery(req.query));
    const units = await findUnits(ctx, input.text);
    const base = ctx.config.baseUrl;
    const entry: BundleEntry[] = units.map((o) => ({ fullUrl: `${base}/Organization/${o.id}`, resource: o, search: { mode: 'match' } }));
    const bundle: Bundle = {
      resourceType: 'Bundle',
      type: 'searchset',
      total: units.length,
      link: [{ relation: 'self', url: `${base}/Organization/$find-units?${new URLSearchParams({ text: input.text })}` }],
      entry,
    };
    return { status: 200, resource: bundle };
  },
};

export const catalogueOperations: OperationDef[] = [contactCardOperation, findUnitsOperation];
