/**
 * @module domain/citizen/access-log-service
 * Reading the access log (access-log.ts): the citizen's own (`Patient/$access-log`), and a unit's for
 * staff in the granskare role (`AuditEvent/$access-log`), newest first, a page at a time (`before` is the
 * instant of the last entry shown). The AuditEvents are found by the server once the caller is checked;
 * the citizen's reading of their log is itself logged (a read of their Patient).
 */
import type { AuditEvent, Organization, ParametersParameter, Patient, Practitioner, RelatedPerson } from '@medplum/fhirtypes';
import { isProtectedIdentity } from '../../auth/labels.js';
import { errors } from '../../fhir/error.js';
import { PERSONNUMMER_SYSTEM } from '../../fhir/identifiers/personnummer.js';
import { HSA_ID_SYSTEMS } from '../cases/codes.js';
import type { DomainContext } from '../context.js';
import type { ServerRepository } from '../repository.js';
import { isOwnAction, logEntry, requestorOf, unitsOf, type Names } from './access-log.js';
import { serverFor } from './own-record.js';

export interface Page {
  count: number;
  /** Only events recorded before this instant (the next page). */
  before?: string;
}

export interface LogPage {
  entries: ParametersParameter[];
  /** The `before` of the next page, when there may be more. */
  next?: string;
}

/** Most AuditEvents read to fill one page of the citizen's log (their own actions are skipped). */
const SCAN_LIMIT = 2000;

export async function citizenLog(ctx: DomainContext, patientId: string, page: Page): Promise<LogPage> {
  if (ctx.principal.kind === 'staff') throw errors.forbidden('Staff read access logs through AuditEvent/$access-log, in the granskare role');
  const seen = await ctx.repo.read('Patient', patientId, 'operation');
  if (!seen || seen.deleted) throw errors.notFound(`Patient/${patientId} is not known`);
  const patient = JSON.parse(seen.json!) as Patient;
  const pnr = patient.identifier?.find((i) => i.system === PERSONNUMMER_SYSTEM)?.value;
  const server = serverFor(ctx).repo;
  const shown: AuditEvent[] = [];
  let before = page.before;
  let more = true;
  for (let scanned = 0; shown.length <= page.count && more && scanned < SCAN_LIMIT; ) {
    const batch = await server.find<AuditEvent>('AuditEvent', [['patient', `Patient/${patientId}`], ['_sort', '-date'], ...(before ? [['date', `lt${before}`] as [string, string]] : [])], 200);
    scanned += batch.length;
    more = batch.length === 200;
    shown.push(...batch.filter((e) => !isOwnAction(e, pnr)));
    before = batch.at(-1)?.recorded;
  }
  return pageOf(server, shown, page.count, false);
}

export interface UnitQuery extends Page {
  unit?: string;
  /** HSA-id of the member of staff. */
  person?: string;
  patient?: string;
  from?: string;
  to?: string;
}

export async function unitLog(ctx: DomainContext, q: UnitQuery): Promise<LogPage> {
  const p = ctx.principal;
  if (p.kind === 'citizen') throw errors.forbidden('Citizens read their own log with Patient/[id]/$access-log');
  if (p.kind === 'staff' && !p.roles.includes('granskare')) throw errors.forbidden('Reading a unit’s access log needs the granskare role');
  const mine = p.kind === 'staff' ? p.units.map((u) => u.replace(/^Organization\//, '')) : undefined;
  const unit = q.unit?.replace(/^Organization\//, '');
  if (mine && unit && !mine.includes(unit)) throw errors.forbidden(`You review the logs of ${mine.join(', ')}, not ${unit}`);
  if (!unit && !mine) throw errors.badRequest('unit: required for system clients', ['unit']);
  const units = unit ? [unit] : mine!;
  const params: [string, string][] = [['agent-unit', units.map((u) => `Organization/${u}`).join(',')], ['_sort', '-date']];
  if (q.person) params.push(['altid', q.person]);
  if (q.patient) params.push(['patient', q.patient.startsWith('Patient/') ? q.patient : `Patient/${q.patient}`]);
  if (q.from) params.push(['date', `ge${q.from}`]);
  if (q.to) params.push(['date', `le${q.to}`]);
  if (q.before) params.push(['date', `lt${q.before}`]);
  const server = serverFor(ctx).repo;
  return pageOf(server, await server.find<AuditEvent>('AuditEvent', params, q.count + 1), q.count, true);
}

async function pageOf(server: ServerRepository, events: AuditEvent[], count: number, withPatient: boolean): Promise<LogPage> {
  const page = events.slice(0, count);
  const names = await lookupNames(server, page);
  const next = events.length > count ? page.at(-1)?.recorded : undefined;
  return { entries: page.map((e) => logEntry(e, names, withPatient)), ...(next ? { next } : {}) };
}

async function lookupNames(server: ServerRepository, events: AuditEvent[]): Promise<Names> {
  const agents = events.map(requestorOf);
  const hsaIds = [...new Set(agents.map((a) => a?.altId).filter((x): x is string => !!x))];
  const unitRefs = [...new Set(agents.flatMap(unitsOf))];
  const guardians = [...new Set(agents.map((a) => a?.who?.reference).filter((r): r is string => !!r?.startsWith('RelatedPerson/')))];
  const staff = new Map<string, { name?: string; protected: boolean }>();
  if (hsaIds.length) {
    const people = await server.find<Practitioner>('Practitioner', [['identifier', hsaIds.flatMap((id) => HSA_ID_SYSTEMS.map((s) => `${s}|${id}`)).join(',')]], 200);
    for (const person of people) {
      const id = person.identifier?.find((i) => (HSA_ID_SYSTEMS as readonly string[]).includes(i.system ?? ''))?.value;
      if (id) staff.set(id, { ...(person.name?.[0] ? { name: nameOf(person.name[0]) } : {}), protected: isProtectedIdentity(person) });
    }
  }
  const units = new Map<string, string>();
  if (unitRefs.length) {
    for (const org of await server.find<Organization>('Organization', [['_id', unitRefs.map((r) => r.split('/')[1]).join(',')]], 200)) if (org.name) units.set(`Organization/${org.id}`, org.name);
  }
  const relatedPersons = new Map<string, string>();
  if (guardians.length) {
    for (const rp of await server.find<RelatedPerson>('RelatedPerson', [['_id', guardians.map((r) => r.split('/')[1]).join(',')]], 200)) if (rp.name?.[0]) relatedPersons.set(`RelatedPerson/${rp.id}`, nameOf(rp.name[0]));
  }
  return { staff, units, relatedPersons };
}

const nameOf = (n: { text?: string; given?: string[]; family?: string }) => n.text ?? [...(n.given ?? []), n.family ?? ''].join(' ').trim();
