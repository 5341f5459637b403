/**
 * @module domain/booking/search-all
 * Every match of a search as the caller, page by page (keyset cursors): for reading all the slots
 * of a Schedule in a period, which may be more than one page.
 */
import type { Resource } from '@medplum/fhirtypes';
import { parseSearch } from '../../fhir/search/parse.js';
import type { DomainContext } from '../context.js';
import { readPolicy } from '../repository.js';

const PAGE = 1000;

export async function searchAll<T extends Resource>(ctx: DomainContext, type: T['resourceType'], params: [string, string][]): Promise<T[]> {
  const req = parseSearch([type], params, { registry: ctx.searchParams, resourceTypes: ctx.resourceTypes, strict: true, baseUrl: ctx.config.baseUrl, defaultCount: PAGE, maxCount: PAGE });
  req.total = 'none';
  const policy = readPolicy(ctx, 's');
  const out: T[] = [];
  let cursor;
  do {
    const page = await ctx.store.search(req, { ...(policy ? { policy } : {}), ...(cursor ? { cursor } : {}) });
    for (const row of page.rows) out.push(JSON.parse(row.json) as T);
    cursor = page.next;
  } while (cursor);
  return out;
}
