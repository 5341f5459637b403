/**
 * @module domain/cases/report
 * Answers late, per clinic and month (`Task/$case-report`): of the cases citizens opened in a month
 * (Europe/Stockholm, by the day received), how many were answered, how many of those after the
 * deadline, and how many are still unanswered past it. "Answered" is the first message from staff to
 * the citizen in the case (a reply, a question, or a closing message), recorded on the Task.
 */
import type { Parameters, ParametersParameter, Task } from '@medplum/fhirtypes';
import { errors } from '../../fhir/error.js';
import { stockholmDate, startOfStockholmDay } from '../calendar/working-days.js';
import type { DomainContext } from '../context.js';
import { deadlineOf, firstReplyOf } from './case-task.js';
import { SEARCH } from './codes.js';
import { asServer, findAsServer, idOf, worksAt } from './server.js';
import type { Organization } from '@medplum/fhirtypes';

export interface ReportRow {
  unit: string;
  month: string;
  received: number;
  answered: number;
  answeredLate: number;
  unansweredOverdue: number;
}

/** Counts per clinic and month received. Pure. Only cases with a deadline (opened by citizens) count. */
export function lateAnswers(tasks: readonly Task[], now: Date): ReportRow[] {
  const rows = new Map<string, ReportRow>();
  for (const t of tasks) {
    const unit = t.owner?.reference;
    const deadline = deadlineOf(t);
    if (!unit || !deadline || !t.authoredOn) continue;
    const month = stockholmDate(new Date(t.authoredOn)).slice(0, 7);
    const key = `${unit} ${month}`;
    const row = rows.get(key) ?? { unit, month, received: 0, answered: 0, answeredLate: 0, unansweredOverdue: 0 };
    rows.set(key, row);
    row.received++;
    const reply = firstReplyOf(t);
    if (reply) {
      row.answered++;
      if (Date.parse(reply) > Date.parse(deadline)) row.answeredLate++;
    } else if (Date.parse(deadline) < now.getTime()) row.unansweredOverdue++;
  }
  return [...rows.values()].sort((a, b) => a.unit.localeCompare(b.unit) || a.month.localeCompare(b.month));
}

export interface ReportQuery {
  /** `Organization/x` refs; default: the caller's units (staff) or every clinic (system). */
  units?: string[];
  /** First and last month, YYYY-MM (inclusive). */
  from: string;
  to: string;
}

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

export function nextMonth(month: string): string {
  const [y, m] = month.split('-').map(Number);
  return m === 12 ? `${y! + 1}-01` : `${y}-${String(m! + 1).padStart(2, '0')}`;
}

export async function caseReport(ctx: DomainContext, q: ReportQuery, now = new Date()): Promise<Parameters> {
  for (const [name, v] of [['from', q.from], ['to', q.to]] as const) if (!MONTH.test(v)) throw errors.badRequest(`${name}: give a month as YYYY-MM; got "${v}"`, [name]);
  if (q.from > q.to) throw errors.badRequest('from: the first month is after the last', ['from']);
  const units = unitsFor(ctx, q.units);
  const start = startOfStockholmDay(`${q.from}-01`).toISOString();
  const end = startOfStockholmDay(`${nextMonth(q.to)}-01`).toISOString();
  const params: [string, string][] = [
    ['authored-on', `ge${start}`],
    ['authored-on', `lt${end}`],
    [`${SEARCH.deadline}:missing`, 'false'],
    ['_count', '1000'],
  ];
  if (units) params.push(['owner', units.join(',')]);
  // The report shows counts only, no patient's data, so it reads as the server once the caller is checked.
  const tasks = await allTasks(ctx, params);
  const rows = lateAnswers(tasks, now);
  const names = await unitNames(ctx, [...new Set(rows.map((r) => r.unit))]);
  const parameter: ParametersParameter[] = [{ name: 'period', valuePeriod: { start: `${q.from}-01`, end: `${q.to}-${lastDay(q.to)}` } }];
  for (const r of rows) {
    parameter.push({
      name: 'row',
      part: [
        { name: 'unit', valueReference: { reference: r.unit, ...(names.get(r.unit) ? { display: names.get(r.unit)! } : {}) } },
        { name: 'month', valueString: r.month },
        { name: 'received', valueInteger: r.received },
        { name: 'answered', valueInteger: r.answered },
        { name: 'answeredLate', valueInteger: r.answeredLate },
        { name: 'unansweredOverdue', valueInteger: r.unansweredOverdue },
      ],
    });
  }
  return { resourceType: 'Parameters', parameter };
}

function lastDay(month: string): string {
  const [y, m] = month.split('-').map(Number);
  return String(new Date(Date.UTC(y!, m!, 0)).getUTCDate());
}

/** The clinics the caller may report on: staff (ärendemottagare or administrator) their own units. */
function unitsFor(ctx: DomainContext, wanted: string[] | undefined): string[] | undefined {
  const p = ctx.principal;
  if (p.kind === 'citizen') throw errors.forbidden('The case report is for staff');
  const refs = wanted?.map((u) => (u.includes('/') ? u : `Organization/${u}`));
  for (const r of refs ?? []) if (!idOf(r, 'Organization')) throw errors.badRequest(`unit: "${r}" is not an Organization reference`, ['unit']);
  if (p.kind === 'system') return refs;
  if (!p.roles.includes('arendemottagare') && !p.roles.includes('administrator')) throw errors.forbidden('The case report needs the role ärendemottagare or administrator');
  const outside = (refs ?? []).filter((r) => !worksAt(p, idOf(r, 'Organization')!));
  if (outside.length) throw errors.forbidden(`${outside.join(', ')} is not one of your units`);
  return refs ?? p.units.map((u) => (u.startsWith('Organization/') ? u : `Organization/${u}`));
}

/** Every Task matching, as the server (a report counts; it shows no patient data, so it is not logged). */
function allTasks(ctx: DomainContext, params: [string, string][]): Promise<Task[]> {
  return asServer(ctx).repo.findAll<Task>('Task', params);
}

async function unitNames(ctx: DomainContext, refs: string[]): Promise<Map<string, string>> {
  if (refs.length === 0) return new Map();
  const orgs = await findAsServer<Organization>(ctx, 'Organization', [['_id', refs.map((r) => idOf(r, 'Organization') ?? '').join(',')]], 1000);
  return new Map(orgs.filter((o) => o.name).map((o) => [`Organization/${o.id}`, o.name!]));
}
