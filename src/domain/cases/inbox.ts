/**
 * @module domain/cases/inbox
 * The staff inbox (`Task/$inbox`): a clinic's cases as an ordinary Task search (so paging, `_include`
 * and the access policy work as for any search), sorted by deadline, closed cases left out unless asked
 * for, with the number of cases in each status. An ärendemottagare sees all of the clinic's cases; an
 * ärendehanterare only those assigned to them.
 */
import type { Task } from '@medplum/fhirtypes';
import { PERSONNUMMER_SYSTEM } from '../../fhir/identifiers/personnummer.js';
import { errors } from '../../fhir/error.js';
import type { PageCursor, SearchRow } from '../../store/store.js';
import type { DomainContext } from '../context.js';
import { CASE_STATUS_SYSTEM, CASE_TYPE_SYSTEM, SEARCH } from './codes.js';
import { clinic, staffRoleAt, unitName, worksAt } from './server.js';
import { CASE_STATUSES, OPEN_STATUSES, type CaseStatus } from './state-machine.js';

export const INBOX_DEFAULT_COUNT = 50;
const DATE_FILTER = /^(eq|ne|gt|lt|ge|le|sa|eb|ap)?\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;
const PERSONNUMMER = /^(\d{8})-?(\d{4})$/;

export interface InboxQuery {
  /** `Organization/x`: the clinic. */
  unit: string;
  /** Only these statuses. */
  status?: CaseStatus[];
  /** Closed cases too (when no status is named). */
  includeClosed?: boolean;
  /** `PractitionerRole/x`, `me` (the caller's own cases) or `none` (not yet assigned). */
  handler?: string;
  /** Case type codes. */
  type?: string[];
  /** When received (Task.authoredOn), as date search values with prefixes; several = all must hold. */
  received?: string[];
  /** The patient's name (any part, starts-with) or personnummer (12 digits, with or without '-'). */
  patient?: string;
  count?: number;
  /** `_include` values, e.g. `Task:patient`. */
  include?: string[];
}

/** The statuses the inbox lists. */
export function shownStatuses(q: Pick<InboxQuery, 'status' | 'includeClosed'>): CaseStatus[] {
  if (q.status?.length) return q.status;
  return q.includeClosed ? [...CASE_STATUSES] : [...OPEN_STATUSES];
}

/** The Task search parameters of an inbox query, except the status (pure). `handler` is resolved. */
export function inboxParams(q: InboxQuery, handler: string | undefined): [string, string][] {
  const params: [string, string][] = [['owner', q.unit]];
  if (handler === 'none') params.push([`${SEARCH.handler}:missing`, 'true']);
  else if (handler) params.push([SEARCH.handler, handler]);
  if (q.type?.length) params.push(['code', q.type.map((c) => (c.includes('|') ? c : `${CASE_TYPE_SYSTEM}|${c}`)).join(',')]);
  for (const r of q.received ?? []) {
    if (!DATE_FILTER.test(r)) throw errors.badRequest(`received: "${r}" is not a date (YYYY, YYYY-MM, YYYY-MM-DD or a dateTime), optionally with a prefix such as ge or lt`, ['received']);
    params.push(['authored-on', r]);
  }
  const who = q.patient?.trim();
  if (who) {
    const pnr = PERSONNUMMER.exec(who);
    params.push(pnr ? ['patient.identifier', `${PERSONNUMMER_SYSTEM}|${pnr[1]}${pnr[2]}`] : ['patient.name', who]);
  }
  for (const inc of q.include ?? []) params.push(['_include', inc]);
  params.push(['_sort', `${SEARCH.deadline},authored-on`]);
  return params;
}

export const statusParam = (statuses: readonly CaseStatus[]): [string, string] => ['business-status', statuses.map((s) => `${CASE_STATUS_SYSTEM}|${s}`).join(',')];

export interface InboxPage {
  unitName: string;
  rows: SearchRow[];
  included: SearchRow[];
  /** True when the includes were cut at LOTS_MAX_INCLUDES. */
  includesTruncated: boolean;
  next?: PageCursor;
  /** Matches over all pages (the statuses shown). */
  total: number;
  /** Cases per status, with every filter but the status applied. */
  counts: Record<CaseStatus, number>;
}

export async function inbox(ctx: DomainContext, q: InboxQuery, cursor?: PageCursor): Promise<InboxPage> {
  const org = await clinic(ctx, q.unit);
  const handler = await resolveHandler(ctx, org.id, unitName(org), q.handler);
  const base = inboxParams(q, handler);
  const parse = (extra: [string, string][]) => ctx.repo.parseSearch(['Task'], [...base, ...extra], { defaultCount: INBOX_DEFAULT_COUNT });
  const shown = shownStatuses(q);
  const req = parse([statusParam(shown), ['_count', String(q.count ?? INBOX_DEFAULT_COUNT)]]);
  req.total = 'none';
  const log = { interaction: '$inbox', query: new URLSearchParams(base).toString() };
  const page = await ctx.repo.search(req, { ...(cursor ? { cursor } : {}), includes: true, log });
  const { included, truncated } = page;
  const counts = {} as Record<CaseStatus, number>;
  for (const s of CASE_STATUSES) counts[s] = await ctx.repo.count(parse([statusParam([s])]));
  return {
    unitName: unitName(org),
    rows: page.rows,
    included,
    includesTruncated: truncated,
    ...(page.next ? { next: page.next } : {}),
    total: shown.reduce((n, s) => n + counts[s], 0),
    counts,
  };
}

/**
 * Who may open the inbox and whose cases they see: staff of the clinic with a case role (an
 * ärendehanterare who is not also ärendemottagare sees only their own cases), or a system client.
 */
async function resolveHandler(ctx: DomainContext, unitId: string, name: string, wanted: string | undefined): Promise<string | undefined> {
  const p = ctx.principal;
  if (p.kind === 'citizen') throw errors.forbidden('The inbox is for staff; citizens find their cases with Task?patient=');
  if (p.kind === 'system') {
    if (wanted === 'me') throw errors.badRequest('handler=me needs a staff login', ['handler']);
    return wanted;
  }
  if (!worksAt(p, unitId)) throw errors.forbidden(`${name} is not one of your units`);
  const receiver = p.roles.includes('arendemottagare');
  if (!receiver && !p.roles.includes('arendehanterare')) throw errors.forbidden('The inbox needs the role ärendemottagare or ärendehanterare');
  const own = wanted === 'me' || !receiver ? await staffRoleAt(ctx, unitId) : undefined;
  if ((wanted === 'me' || !receiver) && !own) throw errors.forbidden(`Your HSA-id has no PractitionerRole at ${name}, so no cases are assigned to you there`);
  if (!receiver) {
    // An ärendehanterare sees only their own cases, whatever else they ask for.
    if (wanted && wanted !== 'me' && wanted !== own) throw errors.forbidden('As ärendehanterare you see only the cases assigned to you');
    return own;
  }
  return wanted === 'me' ? own : wanted;
}

/** Tasks from rows (for the overdue flag). */
export const tasksOf = (rows: readonly SearchRow[]): Task[] => rows.map((r) => JSON.parse(r.json) as Task);
