import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TABLE, type Shape } from '../../src/http/fhir/routes.js';
import { operations } from '../../src/http/fhir/operations/index.js';
import type { OperationDef } from '../../src/http/fhir/operations/operation.js';
import type { TestApp, TestResponse } from '../support/test-app.js';
import { bookingApp } from './booking-fixtures.js';

/**
 * The generated leak matrix (issue 13): every route of the route table and every operation, tried by
 * callers who may not see the target, on Tolvan's record (listed at vc-teleborg):
 * - a citizen (Sven), a guardian (Lisa, who acts for her own children only), staff of another unit
 *   (vc-centrum) and a system client whose scopes do not cover the type;
 * - a route or operation on one resource answers a hidden resource exactly as it answers one that
 *   does not exist (no existence oracle): 403 or 404; DELETE, idempotent, 200 "nothing to do"; an
 *   operation that refuses its input before reading anything, the same refusal for both;
 * - searches, history and type-level operations never return the hidden resources;
 * - nothing is written (rows and versions counted before and after; the access log aside).
 * Routes and operations are read from the router's own table and list, so a new one is covered here
 * without anyone adding a test.
 */
let t: TestApp;
const tokens: Record<string, string> = {};
const CALLERS = ['citizen', 'guardian', 'other unit', 'no scope'] as const;
type Caller = (typeof CALLERS)[number];

const PATIENT = 'Patient/tolvan';
/** A hidden resource of each type the matrix needs (created in beforeAll as the server). */
const TARGETS: Record<string, string> = {
  Patient: 'tolvan',
  Observation: 'leak-obs',
  Task: 'leak-task',
  Appointment: 'leak-appt',
  QuestionnaireResponse: 'leak-qr',
  Schedule: 'karin-holm-vc-teleborg',
};
const MISSING = 'leak-missing';
const HIDDEN = Object.values(TARGETS).filter((id) => id.startsWith('leak-'));

const fixtures = [
  { resourceType: 'Observation', id: 'leak-obs', status: 'final', code: { text: 'puls' }, subject: { reference: PATIENT }, valueString: 'leak-secret' },
  { resourceType: 'Task', id: 'leak-task', status: 'requested', intent: 'order', for: { reference: PATIENT }, owner: { reference: 'Organization/vc-teleborg' } },
  {
    resourceType: 'Appointment',
    id: 'leak-appt',
    status: 'booked',
    start: '2030-01-07T09:00:00Z',
    end: '2030-01-07T09:30:00Z',
    participant: [{ actor: { reference: PATIENT }, status: 'accepted' }, { actor: { reference: 'PractitionerRole/karin-holm-vc-teleborg' }, status: 'accepted' }],
  },
  { resourceType: 'QuestionnaireResponse', id: 'leak-qr', status: 'completed', subject: { reference: PATIENT }, questionnaire: 'https://lots.example/fhir/Questionnaire/symptom-form' },
];

const EMPTY = { resourceType: 'Parameters' };

/** A body that names the hidden target wherever an operation may look for one. */
const probe = {
  resourceType: 'Parameters',
  parameter: [
    { name: 'patient', valueReference: { reference: PATIENT } },
    { name: 'subject', valueReference: { reference: PATIENT } },
    { name: 'unit', valueReference: { reference: 'Organization/vc-teleborg' } },
    { name: 'task', valueReference: { reference: 'Task/leak-task' } },
    { name: 'slot', valueReference: { reference: 'Slot/leak-missing' } },
    { name: 'text', valueString: 'hej' },
    { name: 'response', resource: fixtures[3] },
  ],
};

const observation = (id?: string) => ({ resourceType: 'Observation', ...(id ? { id } : {}), status: 'final', code: { text: 'puls' }, subject: { reference: PATIENT } });

/** What the caller sends on one route: the hidden target, or (`missing`) an id that does not exist. */
interface Probe {
  method: string;
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** Addresses one resource: must be 403 or 404, and the same for a missing one. */
  single: boolean;
}

function routeProbe(shape: Shape, method: string, id: string): Probe | undefined {
  const type = 'Observation';
  switch (shape) {
    case 'metadata':
      return { method, path: 'metadata', single: false };
    case 'system':
      return method === 'GET'
        ? { method, path: `?_id=${id}`, single: false }
        : { method, path: '', body: { resourceType: 'Bundle', type: 'transaction', entry: [{ resource: observation(id), request: { method: 'PUT', url: `${type}/${id}` } }] }, single: true };
    case 'systemHistory':
      return { method, path: '_history', single: false };
    case 'type':
      if (method === 'GET') return { method, path: `${type}?_id=${id}`, single: false };
      if (method === 'POST') return { method, path: type, body: observation(), single: true };
      if (method === 'PUT') return { method, path: `${type}?_id=${id}`, body: observation(id), single: true };
      if (method === 'DELETE') return { method, path: `${type}?_id=${id}`, single: false };
      return { method, path: `${type}?_id=${id}`, body: [{ op: 'replace', path: '/status', value: 'amended' }], headers: { 'content-type': 'application/json-patch+json' }, single: true };
    case 'search':
      return { method, path: `${type}/_search`, body: new URLSearchParams({ _id: id }).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' }, single: false };
    case 'typeHistory':
      return { method, path: `${type}/_history`, single: false };
    case 'instance':
      if (method === 'PUT') return { method, path: `${type}/${id}`, body: observation(id), single: true };
      if (method === 'PATCH') return { method, path: `${type}/${id}`, body: [{ op: 'replace', path: '/status', value: 'amended' }], headers: { 'content-type': 'application/json-patch+json' }, single: true };
      return { method, path: `${type}/${id}`, single: true };
    case 'instanceHistory':
      return { method, path: `${type}/${id}/_history`, single: true };
    case 'version':
      return { method, path: `${type}/${id}/_history/1`, single: true };
    case 'compartment':
      return { method, path: `Patient/${id === MISSING ? MISSING : 'tolvan'}/Observation`, single: false };
  }
}

/** The probes of an operation: at instance level on a hidden resource of a type it takes; at type and system level naming the target. */
function operationProbes(op: OperationDef, id: (type: string) => string): (Probe & { label: string })[] {
  const method = op.affectsState ? 'POST' : 'GET';
  const out: (Probe & { label: string })[] = [];
  for (const level of op.levels) {
    if (level === 'system') out.push({ label: `$${op.name}`, method: 'POST', path: `$${op.name}`, body: probe, single: false });
    // A type-level probe names the target in its Parameters, so every type gets one; an instance-level
    // probe needs a hidden resource of its type (another type's operation is tried on a missing id).
    for (const type of op.types ?? ['Observation']) {
      if (level === 'type') out.push({ label: `${type}/$${op.name}`, method: 'POST', path: `${type}/$${op.name}`, body: probe, single: false });
      if (level === 'instance') out.push({ label: `${type}/[id]/$${op.name}`, method, path: `${type}/${TARGETS[type] ? id(type) : MISSING}/$${op.name}`, ...(method === 'POST' ? { body: EMPTY } : {}), single: !!TARGETS[type] });
    }
  }
  return out;
}

async function written(): Promise<number> {
  const [row] = await t.deps.db.query<{ n: string }>(
    `select (select count(*) from resource where resource_type <> 'AuditEvent') + (select count(*) from resource_history where resource_type <> 'AuditEvent') as n`,
  );
  return Number(row!.n);
}

const send = (who: Caller, p: Probe): Promise<TestResponse> =>
  t.request(p.method, p.path, { token: tokens[who]!, ...(p.body !== undefined ? { body: p.body } : {}), ...(p.headers ? { headers: p.headers } : {}) });

const codes = (r: TestResponse): string[] => (r.body?.resourceType === 'OperationOutcome' ? r.body.issue.map((i: { code: string }) => i.code) : []);

/** No hidden resource in the answer (an id the caller sent may be echoed back; the content may not). */
function expectNothingHidden(r: TestResponse, label: string): void {
  expect(r.text, `${label}: the answer holds the hidden content`).not.toContain('leak-secret');
  const found = (r.body?.entry ?? []).map((e: { resource?: { id?: string } }) => e.resource?.id).filter((id: string) => HIDDEN.includes(id));
  expect(found, `${label}: the answer holds hidden resources`).toEqual([]);
}

beforeAll(async () => {
  t = await bookingApp();
  for (const r of fixtures) {
    const res = await t.request('PUT', `${r.resourceType}/${r.id}`, { body: r });
    expect(res.status, res.text).toBe(201);
  }
  tokens.citizen = await t.citizenToken('195009072553');
  tokens.guardian = await t.citizenToken('196101182803');
  tokens['other unit'] = await t.staffToken('SE2321000065-P000000000202', ['Organization/vc-centrum'], ['nurse', 'arendemottagare', 'arendehanterare']);
  tokens['no scope'] = await t.systemToken('system/Organization.rs');
}, 120_000);
afterAll(() => t.close());

describe.each(CALLERS)('as %s, on Tolvan’s record', (who) => {
  const routes = TABLE.map(([shape, method, name]) => ({ shape, method, name }));

  it.each(routes)('route $method $shape ($name) reveals and writes nothing', async ({ shape, method, name }) => {
    const hidden = routeProbe(shape, method, TARGETS.Observation!)!;
    const missing = routeProbe(shape, method, MISSING)!;
    const before = await written();
    const a = await send(who, hidden);
    const b = await send(who, missing);
    expect(await written(), `${name} wrote`).toBe(before);
    expectNothingHidden(a, `${method} ${hidden.path}`);
    const sameAsMissing = () =>
      expect({ status: a.status, codes: codes(a) }, `${method} ${hidden.path} differs from a missing id: ${a.text.slice(0, 300)}`).toEqual({ status: b.status, codes: codes(b) });
    // A create or a transaction names no existing resource; every other route on one resource answers
    // a hidden one exactly like a missing one: 403 or 404, or for DELETE (idempotent in Lots) 200
    // "nothing to do".
    if (hidden.single && (method === 'POST' || shape === 'system')) expect([403, 404], `${method} ${hidden.path}: ${a.text.slice(0, 300)}`).toContain(a.status);
    else if (hidden.single) {
      sameAsMissing();
      if (method !== 'DELETE') expect([403, 404], `${method} ${hidden.path}`).toContain(a.status);
    }
  });

  const ops = operations.flatMap((op) => operationProbes(op, (type) => TARGETS[type] ?? TARGETS.Observation!).map((p) => ({ ...p, op })));

  it.each(ops)('operation $label reveals and writes nothing', async (p) => {
    const before = await written();
    const a = await send(who, p);
    expect(await written(), `${p.label} wrote`).toBe(before);
    expectNothingHidden(a, p.label);
    if (p.single) {
      // 403 or 404; an operation that refuses its input before it reads (400, 422) must refuse it the
      // same way for a resource that does not exist, so that the answer says nothing about the target.
      const b = await send(who, { ...p, path: p.path.replace(/\/[^/]+\/\$/, `/${MISSING}/$`) });
      if (![403, 404].includes(a.status)) {
        expect({ status: a.status, codes: codes(a) }, `${p.label}: ${a.text.slice(0, 300)}`).toEqual({ status: b.status, codes: codes(b) });
        expect(a.status, p.label).toBeGreaterThanOrEqual(400);
      }
      if (a.status === 404) expect(codes(a), `${p.label} differs from a missing id`).toEqual(codes(b));
    } else {
      expect(a.status, `${p.label}: ${a.text.slice(0, 300)}`).not.toBe(201);
    }
  });
});

it('walks every route and every operation (a new one is tried without a new test)', () => {
  expect(TABLE.length).toBeGreaterThanOrEqual(18);
  expect(operations.length).toBeGreaterThanOrEqual(15);
  for (const op of operations) expect(operationProbes(op, () => 'x').length, op.name).toBeGreaterThan(0);
});
