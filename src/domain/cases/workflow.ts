/**
 * @module domain/cases/workflow
 * The moves on a case (assign, reply, ask, answer, close): checks who is asking (state-machine.ts
 * `permit`), serialises moves on the same case, checks the move against the status (`transition`,
 * 409 with the allowed moves), and writes the new Task version, the message (a Communication
 * `partOf` the Task) and the citizen's notifications in one transaction.
 */
import { randomUUID } from 'node:crypto';
import type { Communication, PractitionerRole, Questionnaire, QuestionnaireResponse, Reference, Task } from '@medplum/fhirtypes';
import { citizenAccess } from '../../auth/resolve-access.js';
import { errors } from '../../fhir/error.js';
import type { DomainContext } from '../context.js';
import { createResource, updateResource } from '../repository.js';
import { handlerOf, nextVersion, requireCase } from './case-task.js';
import { CASE_MESSAGE_SYSTEM } from './codes.js';
import { unansweredRequired } from './forms.js';
import { queueNotifications } from './notifications.js';
import { actorReference, asServer, clinic, findAsServer, idOf, lookupOf, readAsServer, staffRoleAt, worksAt } from './server.js';
import { MOVE_DISPLAY, permit, STATUS, transition, type Actor, type CaseMove } from './state-machine.js';

export type MessageKind = 'svar' | 'fraga' | 'information' | 'invanarsvar';
const MESSAGE_DISPLAY: Record<MessageKind, string> = {
  svar: 'Svar från mottagningen',
  fraga: 'Fråga till invånaren',
  information: 'Information från mottagningen (kan inte besvaras)',
  invanarsvar: 'Svar från invånaren',
};

export interface MoveInput {
  /** assign: the PractitionerRole to assign (default: the caller's own at the clinic). */
  handler?: string;
  /** reply, ask, answer, close: the text. */
  message?: string;
  /** answer: the citizen's answers to a form. */
  response?: QuestionnaireResponse;
  /** close: why. */
  reason?: string;
  /** reply/ask from a template: the message kind and the form the citizen is to answer. */
  kind?: MessageKind;
  questionnaire?: Reference;
}

export interface MoveResult {
  task: Task;
  communication?: Communication;
}

/** The citizen behind a citizen principal: their own Patient ids and the children they act for now. */
export interface CitizenFacts {
  own: string[];
  children: { patientId: string; relatedPersonId: string }[];
}

export async function citizenFacts(ctx: DomainContext, now = new Date()): Promise<CitizenFacts | undefined> {
  if (ctx.principal.kind !== 'citizen') return undefined;
  return citizenAccess(lookupOf(ctx), ctx.principal.personnummer, now);
}

/** How the citizen appears when acting for `patientRef`: themself (Patient) or as guardian (RelatedPerson). */
export function citizenRole(facts: CitizenFacts, patientRef: string | undefined): string | undefined {
  const id = idOf(patientRef, 'Patient');
  if (!id) return undefined;
  if (facts.own.includes(id)) return `Patient/${id}`;
  const child = facts.children.find((c) => c.patientId === id);
  return child ? `RelatedPerson/${child.relatedPersonId}` : undefined;
}

interface Caller {
  /** The staff member's PractitionerRole at the case's clinic. */
  role?: string;
  citizen?: CitizenFacts;
}

function actorFor(ctx: DomainContext, caller: Caller, task: Task): Actor {
  const p = ctx.principal;
  if (p.kind === 'system') return { kind: 'system' };
  if (p.kind === 'citizen') return { kind: 'citizen', forPatient: !!caller.citizen && !!citizenRole(caller.citizen, task.for?.reference) };
  const unitId = idOf(task.owner, 'Organization') ?? '';
  const handler = handlerOf(task);
  return {
    kind: 'staff',
    inUnit: worksAt(p, unitId),
    receiver: p.roles.includes('arendemottagare'),
    handler: p.roles.includes('arendehanterare'),
    assigned: !!caller.role && caller.role === handler,
  };
}

/** Makes `move` on case `id` as the caller. `ifMatch` (the version the client saw) guards against lost updates. */
export async function moveCase(ctx: DomainContext, id: string, move: CaseMove, input: MoveInput, options: { ifMatch?: number; now?: Date } = {}): Promise<MoveResult> {
  const now = options.now ?? new Date();
  // Only a case the caller can see exists for them.
  const visible = await ctx.repo.read('Task', id);
  if (!visible || visible.deleted) throw errors.notFound(`Task/${id} is not known`);
  const seen = JSON.parse(visible.json!) as Task;
  requireCase(seen);
  const unitId = idOf(seen.owner, 'Organization');
  if (!unitId) throw errors.businessRule(`Task/${id} has no clinic (owner) and cannot be worked`);
  const caller: Caller = {};
  if (ctx.principal.kind === 'staff') {
    const role = await staffRoleAt(ctx, unitId);
    if (role) caller.role = role;
  }
  const citizen = await citizenFacts(ctx, now);
  if (citizen) caller.citizen = citizen;
  check(ctx, caller, seen, move);

  return ctx.repo.transaction(async (repo) => {
    const tx: DomainContext = { ...ctx, repo };
    const server = asServer(tx);
    await repo.lock(`case:${id}`);
    const task = await server.repo.lookup<Task>('Task', id);
    if (!task) throw errors.notFound(`Task/${id} is not known`);
    const current = { versionId: Number(task.meta!.versionId) };
    if (options.ifMatch !== undefined && options.ifMatch !== current.versionId) {
      throw errors.preconditionFailed(`Task/${id} has changed: version ${current.versionId} is current, not ${options.ifMatch}; read it again`);
    }
    const status = requireCase(task);
    check(ctx, caller, task, move);
    const t = transition(status, move);
    if (!t.ok) {
      const allowed = t.allowed.map((m) => `${m} (${MOVE_DISPLAY[m]})`).join(', ');
      throw errors.conflict(
        `The case is "${STATUS[status].display}": ${move} (${MOVE_DISPLAY[move]}) is not possible now. ${allowed ? `Allowed moves: ${allowed}` : 'A closed case allows no moves'}`,
      );
    }
    const by = actorReference(ctx, caller.role, caller.citizen ? citizenRole(caller.citizen, task.for?.reference) : undefined);
    const org = await clinic(tx, `Organization/${unitId}`, 'owner');
    let communication: Communication | undefined;
    let handler: string | undefined;
    let staffWrote = false;

    switch (move) {
      case 'assign':
        handler = await handlerToAssign(tx, caller, unitId, org.name ?? unitId, input.handler);
        break;
      case 'reply':
      case 'ask':
      case 'close': {
        const text = input.message?.trim();
        if (move !== 'close' && !text) throw errors.badRequest(`message: write the ${move === 'ask' ? 'question' : 'reply'} to the citizen`, ['message']);
        if (!text) break;
        const kind: MessageKind = input.kind ?? (move === 'ask' ? 'fraga' : 'svar');
        communication = await createResource(server, staffMessage(task, kind, text, by, input.questionnaire, now));
        staffWrote = true;
        await queueNotifications(server, notifyInput(task, communication, org.name ?? unitId), now);
        break;
      }
      case 'answer':
        communication = await citizenAnswer(server, task, by, input, now);
        break;
    }

    const next = nextVersion(task, {
      move,
      by,
      status: t.to,
      now,
      ...(handler ? { handler } : {}),
      ...(staffWrote ? { staffWrote } : {}),
      ...(move === 'close' && input.reason?.trim() ? { reason: input.reason.trim() } : {}),
    });
    const updated = await updateResource(server, next, current.versionId);
    return communication ? { task: updated, communication } : { task: updated };
  });
}

function check(ctx: DomainContext, caller: Caller, task: Task, move: CaseMove): void {
  const decision = permit(move, actorFor(ctx, caller, task));
  if (!decision.allowed) throw errors.forbidden(`You may not ${move} (${MOVE_DISPLAY[move]}) on this case: ${decision.reason}`);
}

/** The PractitionerRole to assign: the one named, or the caller's own; it must work at the clinic. */
async function handlerToAssign(ctx: DomainContext, caller: Caller, unitId: string, name: string, wanted: string | undefined): Promise<string> {
  if (!wanted) {
    if (caller.role) return caller.role;
    throw errors.badRequest(`handler: name the PractitionerRole to assign (you have none at ${name} to assign to yourself)`, ['handler']);
  }
  const roleId = idOf(wanted, 'PractitionerRole');
  const role = roleId ? await readAsServer<PractitionerRole>(ctx, 'PractitionerRole', roleId) : undefined;
  if (!role) throw errors.businessRule(`handler: ${wanted} is not a known PractitionerRole`, ['handler']);
  if (role.active === false || idOf(role.organization, 'Organization') !== unitId) {
    throw errors.businessRule(`handler: ${wanted} does not work at ${name}; assign the case to someone at the clinic`, ['handler']);
  }
  return wanted;
}

/** Who the clinic writes to in a case: the citizen who asked (patient or guardian), else the patient. */
export function citizenOf(task: Task): Reference {
  const r = task.requester?.reference;
  if (r && (r.startsWith('Patient/') || r.startsWith('RelatedPerson/'))) return { reference: r };
  return { reference: task.for!.reference! };
}

export function staffMessage(task: Task, kind: MessageKind, text: string, sender: Reference, questionnaire: Reference | undefined, now: Date): Communication {
  const payload: Communication['payload'] = [{ contentString: text }];
  if (questionnaire) payload.push({ contentReference: questionnaire });
  return {
    resourceType: 'Communication',
    id: randomUUID(),
    status: 'completed',
    category: [{ coding: [{ system: CASE_MESSAGE_SYSTEM, code: kind, display: MESSAGE_DISPLAY[kind] }] }],
    partOf: [{ reference: `Task/${task.id}` }],
    subject: { reference: task.for!.reference! },
    sent: now.toISOString(),
    recipient: [citizenOf(task) as NonNullable<Communication['recipient']>[number]],
    sender: (sender.reference || sender.identifier ? sender : { reference: task.owner!.reference! }) as Communication['sender'],
    payload,
  };
}

export function notifyInput(task: Task, communication: Communication, name: string) {
  return {
    patient: task.for!.reference!,
    ...(task.requester?.reference ? { requester: task.requester.reference } : {}),
    about: [`Communication/${communication.id}`, `Task/${task.id}`],
    unit: task.owner!.reference!,
    unitName: name,
  };
}

async function citizenAnswer(server: DomainContext, task: Task, by: Reference, input: MoveInput, now: Date): Promise<Communication> {
  const text = input.message?.trim();
  if (!text && !input.response) throw errors.badRequest('Answer with a message, a response (QuestionnaireResponse), or both', ['message']);
  const [question] = await findAsServer<Communication>(server, 'Communication', [
    ['part-of', `Task/${task.id}`],
    ['category', `${CASE_MESSAGE_SYSTEM}|fraga`],
    ['_sort', '-sent'],
  ], 1);
  const payload: Communication['payload'] = [];
  if (text) payload.push({ contentString: text });
  const author = by.reference ? by : { reference: task.for!.reference! };
  if (input.response) {
    const qr = await storeResponse(server, input.response, task.for!.reference!, author, now);
    payload.push({ contentReference: { reference: `QuestionnaireResponse/${qr.id}` } });
  }
  const handler = handlerOf(task);
  return createResource<Communication>(server, {
    resourceType: 'Communication',
    id: randomUUID(),
    status: 'completed',
    category: [{ coding: [{ system: CASE_MESSAGE_SYSTEM, code: 'invanarsvar', display: MESSAGE_DISPLAY.invanarsvar }] }],
    partOf: [{ reference: `Task/${task.id}` }],
    ...(question ? { inResponseTo: [{ reference: `Communication/${question.id}` }] } : {}),
    subject: { reference: task.for!.reference! },
    sent: now.toISOString(),
    recipient: [{ reference: handler ?? task.owner!.reference! }],
    sender: author as Communication['sender'],
    payload,
  });
}

/**
 * Stores the citizen's answers: subject, author and time set by the server; when the response names a
 * Questionnaire Lots has, every required question must be answered (422 listing them).
 */
export async function storeResponse(server: DomainContext, response: QuestionnaireResponse, patient: string, author: Reference, now: Date, questionnaire?: Questionnaire): Promise<QuestionnaireResponse> {
  const url = response.questionnaire?.split('|')[0];
  const q = questionnaire ?? (url ? (await findAsServer<Questionnaire>(server, 'Questionnaire', [['url', url]], 1))[0] : undefined);
  if (url && !q) throw errors.businessRule(`response: the form ${url} is not known`, ['response.questionnaire']);
  const qr: QuestionnaireResponse = {
    ...response,
    id: randomUUID(),
    status: response.status === 'in-progress' || !response.status ? 'completed' : response.status,
    subject: { reference: patient },
    author: author as QuestionnaireResponse['author'],
    authored: now.toISOString(),
  };
  if (q) {
    qr.questionnaire = q.url!;
    const missing = unansweredRequired(q, qr);
    if (missing.length) throw errors.businessRule(`response: these questions must be answered: ${missing.map((m) => `"${m}"`).join(', ')}`, ['response']);
  }
  delete qr.meta;
  return createResource(server, qr);
}

