/**
 * @module http/fhir/operations/export
 * The Bulk Data kick-off (Bulk Data Access 2.0, https://hl7.org/fhir/uv/bulkdata/STU2/export.html):
 * `[base]/$export`, `Patient/$export` and `Group/[id]/$export`, GET or POST (Parameters), with
 * `Prefer: respond-async`. Answers 202 with `Content-Location`, the status URL (http/export-status.ts);
 * the job runs in the background as the requester (domain/export). A Group's members are the
 * patients exported; the caller must be able to read the Group.
 */
import { randomUUID } from 'node:crypto';
import type { Group } from '@medplum/fhirtypes';
import { storedOwner, requesterKey } from '../../../domain/export/job.js';
import { parseKickOff, type ExportLevel } from '../../../domain/export/params.js';
import { errors } from '../../../fhir/error.js';
import type { FhirContext, FhirRequest } from '../types.js';
import type { OperationDef } from './operation.js';

export const exportOperation: OperationDef = {
  name: 'export',
  canonical: 'http://hl7.org/fhir/uv/bulkdata/OperationDefinition/export',
  levels: ['system', 'type', 'instance'],
  types: ['Patient', 'Group'],
  affectsState: false,
  async handler(ctx, req, { type, id }) {
    if (!/respond-async/.test(req.headers.prefer ?? '')) throw errors.badRequest('$export runs asynchronously: send Prefer: respond-async');
    const level: ExportLevel = !type ? 'system' : type === 'Patient' && !id ? 'patient' : type === 'Group' && id ? 'group' : fail(type, id);
    const params = parseKickOff({
      level,
      ...(id ? { groupId: id } : {}),
      params: inputs(req),
      lenient: /handling\s*=\s*lenient/.test(req.headers.prefer ?? ''),
      resourceTypes: ctx.resourceTypes,
      checkSearch: (t, query) => void ctx.repo.parseSearch([t], [...new URLSearchParams(query)], { strict: true }),
    });
    if (level === 'group') params.patients = params.patients ?? (await members(ctx, id!));
    const job = randomUUID();
    const request = `${ctx.config.baseUrl}/${req.segments.join('/')}${req.method === 'GET' && [...req.query].length ? `?${req.query.toString()}` : ''}`;
    await ctx.exports.create({ id: job, ownerKey: requesterKey(ctx.principal), owner: storedOwner(ctx.principal, ctx.access), request, params, transactionTime: new Date().toISOString() });
    return { status: 202, headers: { 'Content-Location': `${ctx.config.baseUrl}/bulkstatus/${job}` }, resource: accepted() };
  },
};

function fail(type: string, id: string | undefined): never {
  throw errors.notFound(`$export is served at the system level, on Patient and on a Group instance, not on ${type}${id ? ' instances' : ''}`);
}

/** The parameters as name/value pairs, from the query (GET) or a Parameters body (POST). */
function inputs(req: FhirRequest): [string, string][] {
  if (req.method === 'GET') return [...req.query];
  const body = req.body as { resourceType?: string; parameter?: { name: string; valueString?: string; valueInstant?: string; valueCode?: string; valueReference?: { reference?: string } }[] } | undefined;
  if (body === undefined) return [...req.query];
  if (body.resourceType !== 'Parameters') throw errors.badRequest('POST $export takes a Parameters body');
  return (body.parameter ?? []).map((p) => [p.name, p.valueString ?? p.valueInstant ?? p.valueCode ?? p.valueReference?.reference ?? '']);
}

/** The Group's Patient members (the caller must be able to read the Group). */
async function members(ctx: FhirContext, id: string): Promise<string[]> {
  const v = await ctx.repo.read('Group', id);
  if (!v || v.deleted) throw errors.notFound(`Group/${id} is not known`);
  const group = JSON.parse(v.json!) as Group;
  return (group.member ?? []).map((m) => m.entity.reference ?? '').filter((r) => r.startsWith('Patient/'));
}

function accepted() {
  return { resourceType: 'OperationOutcome' as const, issue: [{ severity: 'information' as const, code: 'informational' as const, diagnostics: 'Export accepted; poll the Content-Location' }] };
}
