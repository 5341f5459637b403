/**
 * @module http/fhir/operations/cases
 * The $operations of the cases e-service (ärenden; src/domain/cases/, docs/cases.md):
 *
 * - `Task/$open-case`: a citizen opens a case at a clinic (201, the Task).
 * - `Task/[id]/$assign`, `$reply`, `$ask`, `$answer`, `$close`: the moves of the case workflow (the
 *   Task's new version; `If-Match` is honoured). An illegal move is 409 naming the allowed ones.
 * - `Task/$send-case`: staff send a citizen a message from a template ("Skicka ärende"; 201, the
 *   Communication).
 * - `Task/$inbox` (GET): a clinic's cases for staff, a searchset Bundle sorted by deadline.
 * - `Task/$case-report` (GET): answers late per clinic and month, a Parameters table.
 *
 * Inputs are Parameters (POST) or URL parameters (GET), checked in domain/cases/schema.ts.
 */
import type { Bundle, Resource, Task } from '@medplum/fhirtypes';
import { caseReport } from '../../../domain/cases/report.js';
import { CASE_STATUS_SYSTEM, EXT } from '../../../domain/cases/codes.js';
import { isOverdue } from '../../../domain/cases/case-task.js';
import { inbox, type InboxQuery } from '../../../domain/cases/inbox.js';
import { openCase } from '../../../domain/cases/open-case.js';
import {
  answerSchema,
  assignSchema,
  closeSchema,
  collectBody,
  collectQuery,
  inboxSchema,
  messageSchema,
  openCaseSchema,
  parseInput,
  reportSchema,
  sendCaseSchema,
} from '../../../domain/cases/schema.js';
import { CASE_STATUSES, STATUS, type CaseMove } from '../../../domain/cases/state-machine.js';
import { sendTemplateMessage } from '../../../domain/cases/templates.js';
import { moveCase, type MoveInput } from '../../../domain/cases/workflow.js';
import { stockholmDate } from '../../../domain/calendar/working-days.js';
import { bundleJson, link, type EntryParts } from '../../../fhir/bundle.js';
import { outcome } from '../../../fhir/error.js';
import { includesCut } from '../search.js';
import type { PageCursor, SearchRow } from '../../../store/store.js';
import { etag, parseETag } from '../version-headers.js';
import type { FhirContext, FhirRequest, FhirResponse } from '../types.js';
import type { OperationDef } from './operation.js';


function written(ctx: FhirContext, r: Resource, status: 200 | 201): FhirResponse {
  const headers: Record<string, string> = { ETag: etag(Number(r.meta!.versionId)), 'Last-Modified': new Date(r.meta!.lastUpdated!).toUTCString() };
  if (status === 201) headers.Location = `${ctx.config.baseUrl}/${r.resourceType}/${r.id}/_history/${r.meta!.versionId}`;
  return { status, resource: r, headers };
}

const openCaseOperation: OperationDef = {
  name: 'open-case',
  levels: ['type'],
  types: ['Task'],
  affectsState: true,
  scope: 'c',
  async handler(ctx, req) {
    const i = parseInput(openCaseSchema, collectBody(req.body, 'open-case'));
    const task = await openCase(ctx, {
      type: i.type,
      unit: i.unit,
      ...(i.patient ? { patient: i.patient } : {}),
      ...(i.response ? { response: i.response } : {}),
      ...(i.message ? { message: i.message } : {}),
    });
    return written(ctx, task, 201);
  },
};

/** One workflow move as an instance operation on Task. */
function moveOperation(move: CaseMove, input: (req: FhirRequest) => MoveInput): OperationDef {
  return {
    name: move,
    levels: ['instance'],
    types: ['Task'],
    affectsState: true,
    async handler(ctx, req, { id }) {
      const ifMatch = req.headers.ifMatch ? parseETag(req.headers.ifMatch) : undefined;
      const { task } = await moveCase(ctx, id!, move, input(req), ifMatch !== undefined ? { ifMatch } : {});
      return written(ctx, task, 200);
    },
  };
}

const moveOperations: OperationDef[] = [
  moveOperation('assign', (req) => {
    const i = parseInput(assignSchema, collectBody(req.body, 'assign'));
    return i.handler ? { handler: i.handler } : {};
  }),
  moveOperation('reply', (req) => ({ message: parseInput(messageSchema, collectBody(req.body, 'reply')).message })),
  moveOperation('ask', (req) => ({ message: parseInput(messageSchema, collectBody(req.body, 'ask')).message })),
  moveOperation('answer', (req) => {
    const i = parseInput(answerSchema, collectBody(req.body, 'answer'));
    return { ...(i.message ? { message: i.message } : {}), ...(i.response ? { response: i.response } : {}) };
  }),
  moveOperation('close', (req) => {
    const i = parseInput(closeSchema, collectBody(req.body, 'close'));
    return { ...(i.message ? { message: i.message } : {}), ...(i.reason ? { reason: i.reason } : {}) };
  }),
];

const sendCaseOperation: OperationDef = {
  name: 'send-case',
  levels: ['type'],
  types: ['Task'],
  affectsState: true,
  scope: 'c',
  async handler(ctx, req) {
    const i = parseInput(sendCaseSchema, collectBody(req.body, 'send-case'));
    const values: Record<string, string> = {};
    for (const k of ['date', 'time', 'resource', 'clinic', 'message'] as const) if (i[k]) values[k] = i[k];
    const communication = await sendTemplateMessage(ctx, { template: i.template, unit: i.unit, patient: i.patient, values, ...(i.task ? { task: i.task } : {}) });
    return written(ctx, communication, 201);
  },
};

interface InboxPageState {
  /** The inbox query. */
  q: InboxQuery;
  /** Cursors of this page and those before it; the last is where this page starts. */
  c: (PageCursor | null)[];
}

/**
 * The inbox as a searchset Bundle. Each entry's `search.extension` carries the overdue flag
 * (`case-overdue`); `Bundle.meta.extension` carries the count per status (`case-status-count`).
 */
const inboxOperation: OperationDef = {
  name: 'inbox',
  levels: ['type'],
  types: ['Task'],
  affectsState: false,
  scope: 's',
  async handler(ctx, req) {
    const token = req.query.get('_page');
    const state: InboxPageState = token ? ctx.pageTokens.decode<InboxPageState>(token) : { q: inboxQuery(req), c: [null] };
    const cursor = state.c[state.c.length - 1] ?? undefined;
    const page = await inbox(ctx, state.q, cursor);
    const now = new Date();
    const base = `${ctx.config.baseUrl}/Task/$inbox`;
    const pageLink = (c: (PageCursor | null)[]) => `${base}?_page=${ctx.pageTokens.encode({ q: state.q, c } satisfies InboxPageState)}`;
    const header: Omit<Bundle, 'entry'> = {
      resourceType: 'Bundle',
      meta: {
        extension: CASE_STATUSES.map((s) => ({
          url: EXT.statusCount,
          extension: [
            { url: 'status', valueCoding: { system: CASE_STATUS_SYSTEM, code: s, display: STATUS[s].display } },
            { url: 'count', valueUnsignedInt: page.counts[s] },
          ],
        })),
      },
      type: 'searchset',
      total: page.total,
      link: [link('self', token ? `${base}?_page=${token}` : pageLink([null])), link('first', pageLink([null]))],
    };
    if (page.next) header.link!.push(link('next', pageLink([...state.c, page.next])));
    if (state.c.length > 1) header.link!.push(link('previous', pageLink(state.c.slice(0, -1))));
    const entries: EntryParts[] = [
      ...page.rows.map((r) => entry(ctx, r, { mode: 'match', extension: [{ url: EXT.overdue, valueBoolean: isOverdue(JSON.parse(r.json) as Task, now) }] })),
      ...page.included.map((r) => entry(ctx, r, { mode: 'include' })),
    ];
    if (page.includesTruncated) entries.push({ resource: outcome([includesCut(ctx.config.maxIncludes)]), search: { mode: 'outcome' } });
    return { status: 200, raw: bundleJson(header, entries) };
  },
};

function entry(ctx: FhirContext, r: SearchRow, search: NonNullable<EntryParts['search']>): EntryParts {
  return { fullUrl: `${ctx.config.baseUrl}/${r.resourceType}/${r.id}`, raw: r.json, search };
}

function inboxQuery(req: FhirRequest): InboxQuery {
  const i = parseInput(inboxSchema, req.method === 'POST' ? collectBody(req.body, 'inbox') : collectQuery(req.query));
  const q: InboxQuery = { unit: i.unit };
  if (i.status) q.status = i.status;
  if (i['include-closed']) q.includeClosed = true;
  if (i.handler) q.handler = i.handler;
  if (i.type?.length) q.type = i.type;
  if (i.received?.length) q.received = i.received;
  if (i.patient) q.patient = i.patient;
  if (i._count !== undefined) q.count = Math.min(i._count, 1000);
  if (i._include?.length) q.include = i._include;
  return q;
}

const reportOperation: OperationDef = {
  name: 'case-report',
  levels: ['type'],
  types: ['Task'],
  affectsState: false,
  scope: 's',
  async handler(ctx, req) {
    const i = parseInput(reportSchema, req.method === 'POST' ? collectBody(req.body, 'case-report') : collectQuery(req.query));
    const thisMonth = stockholmDate(new Date()).slice(0, 7);
    let from = i.from;
    if (!from) {
      // Default: the last 12 months, this one included.
      from = thisMonth;
      for (let n = 0; n < 11; n++) from = previousMonth(from);
    }
    const report = await caseReport(ctx, { from, to: i.to ?? thisMonth, ...(i.unit?.length ? { units: i.unit } : {}) });
    return { status: 200, resource: report };
  },
};

function previousMonth(month: string): string {
  const [y, m] = month.split('-').map(Number);
  return m === 1 ? `${y! - 1}-12` : `${y}-${String(m! - 1).padStart(2, '0')}`;
}

export const casesOperations: OperationDef[] = [openCaseOperation, ...moveOperations, sendCaseOperation, inboxOperation, reportOperation];
