/**
 * @module domain/cases/templates
 * Templates and "Skicka ärende": staff (or the server, e.g. booking when a visit is cancelled) send a
 * citizen a message from a clinic's template. A template is a Questionnaire identified by its code
 * (identifier system `.../NamingSystem/case-template`), of kind `information` (a message that cannot be
 * answered) or `questions` (a form the citizen answers), active or not (`status`). A clinic's own
 * template (useContext venue = the clinic) overrides the region's (no venue) with the same code.
 * The message text is the first `display` item, with placeholders `{{date}}`, `{{time}}`,
 * `{{resource}}`, `{{clinic}}` (the clinic's name when not given) and `{{message}}`.
 *
 * Within a case (`task`) the message is a move: `ask` for questions, `reply` for information. Without
 * one it starts a new case (an invånarärende) owned by the clinic: waiting for the citizen when it
 * asks, closed at once when it only informs.
 */
import { randomUUID } from 'node:crypto';
import type { Communication, Organization, Questionnaire, Reference, Task } from '@medplum/fhirtypes';
import { errors } from '../../fhir/error.js';
import type { DomainContext } from '../context.js';
import { createResource } from '../repository.js';
import { moveExtension, statusConcept } from './case-task.js';
import { CASE_INPUT_SYSTEM, CASE_TYPE_SYSTEM, EXT, TEMPLATE_SYSTEM } from './codes.js';
import { queueNotifications } from './notifications.js';
import { fill } from './placeholders.js';
import { actorReference, asServer, clinic, findAsServer, idOf, readAsServer, staffRoleAt, unitName, worksAt } from './server.js';
import { STATUS, type CaseStatus } from './state-machine.js';
import { moveCase, notifyInput, staffMessage, type MessageKind } from './workflow.js';

export type TemplateKind = 'information' | 'questions';

/** The case type of a case the clinic starts ("Skicka ärende"). */
export const SENT_CASE_TYPE = { system: CASE_TYPE_SYSTEM, code: 'invanararende', display: 'Invånarärende' };

export interface SendTemplateInput {
  /** The template's code, e.g. `din-tid-ar-avbokad`. */
  template: string;
  /** `Organization/x`: the clinic sending. */
  unit: string;
  /** `Patient/y`: the citizen. */
  patient: string;
  /** Placeholder values: date, time, resource, clinic (defaults to the clinic's name), message. */
  values: Record<string, string>;
  /** `Task/z`: send within this case instead of starting a new one. */
  task?: string;
}

export const templateKind = (q: Questionnaire): TemplateKind | undefined => {
  const kind = q.extension?.find((e) => e.url === EXT.templateKind)?.valueCode;
  return kind === 'information' || kind === 'questions' ? kind : undefined;
};

const venueOf = (q: Questionnaire): string | undefined =>
  q.useContext?.find((u) => u.code?.code === 'venue' && u.valueReference?.reference?.startsWith('Organization/'))?.valueReference?.reference;

/** The clinic's template with this code: its own if it has one, else the region's. Pure. */
export function pickTemplate(candidates: readonly Questionnaire[], unit: string): Questionnaire | undefined {
  const own = candidates.filter((q) => templateKind(q) && venueOf(q) === unit);
  const region = candidates.filter((q) => templateKind(q) && !venueOf(q));
  return own[0] ?? region[0];
}

/** The template's message text (its first display item). */
export const templateText = (q: Questionnaire): string => q.item?.find((i) => i.type === 'display')?.text ?? q.title ?? '';

async function findTemplate(ctx: DomainContext, code: string, unit: string, name: string): Promise<Questionnaire & { id: string }> {
  const candidates = await findAsServer<Questionnaire>(ctx, 'Questionnaire', [['identifier', `${TEMPLATE_SYSTEM}|${code}`]]);
  const q = pickTemplate(candidates, unit);
  if (!q) throw errors.businessRule(`template: there is no template "${code}" for ${name}`, ['template']);
  if (q.status !== 'active') throw errors.businessRule(`template: "${q.title ?? code}" is not active at ${name}`, ['template']);
  return q as Questionnaire & { id: string };
}

/**
 * Sends a citizen a message from a clinic's template; returns the Communication. The caller must be
 * staff of the clinic (the citizen must be one of the clinic's patients: listed there, with a case or an
 * appointment there) or a system client. Booking calls it on the caller's behalf with its `asServer`
 * context (domain/repository.ts) after its own checks.
 * Missing placeholder values, an unknown or inactive template: 422. The citizen is notified (SMS or
 * e-mail, by their choices).
 */
export async function sendTemplateMessage(
  ctx: DomainContext,
  input: { template: string; unit: string; patient: string; values: Record<string, string>; task?: string },
): Promise<Communication> {
  const now = new Date();
  const unit = input.unit.includes('/') ? input.unit : `Organization/${input.unit}`;
  const patient = input.patient.includes('/') ? input.patient : `Patient/${input.patient}`;
  const org = await clinic(ctx, unit);
  await checkSender(ctx, org, patient);
  const q = await findTemplate(ctx, input.template, unit, unitName(org));
  const kind = templateKind(q)!;
  const { text, missing } = fill(templateText(q), { clinic: unitName(org), ...input.values });
  if (missing.length) throw errors.businessRule(`values: the template "${q.title ?? input.template}" needs ${missing.map((m) => `"${m}"`).join(', ')}`, ['values']);
  const questionnaire: Reference | undefined = kind === 'questions' ? { reference: `Questionnaire/${q.id}`, display: q.title ?? input.template } : undefined;
  const messageKind: MessageKind = kind === 'questions' ? 'fraga' : 'information';

  if (input.task) {
    const taskId = idOf(input.task, 'Task') ?? idOf(`Task/${input.task}`, 'Task');
    const seen = taskId ? await ctx.repo.read('Task', taskId) : undefined;
    if (!seen || seen.deleted) throw errors.notFound(`task: ${input.task} is not known`);
    const task = JSON.parse(seen.json!) as Task;
    if (task.owner?.reference !== unit) throw errors.businessRule(`task: ${input.task} is a case of another clinic`, ['task']);
    if (task.for?.reference !== patient) throw errors.businessRule(`task: ${input.task} is about another patient`, ['task']);
    const result = await moveCase(ctx, taskId!, kind === 'questions' ? 'ask' : 'reply', { message: text, kind: messageKind, ...(questionnaire ? { questionnaire } : {}) }, { now });
    return result.communication!;
  }

  return ctx.repo.transaction(async (repo) => {
    const tx: DomainContext = { ...ctx, repo };
    const server = asServer(tx);
    const role = await staffRoleAt(tx, org.id);
    const by = actorReference(ctx, role);
    const status: CaseStatus = kind === 'questions' ? 'vantar-pa-invanare' : 'avslutat';
    const task = await createResource<Task>(server, sentCase({ org, patient, q, code: input.template, role, by, status, now }));
    const communication = await createResource(server, staffMessage(task, messageKind, text, role ? { reference: role } : { reference: unit }, questionnaire, now));
    await queueNotifications(server, notifyInput(task, communication, unitName(org)), now);
    return communication;
  });
}

/** Staff of the clinic, writing to one of its patients; or the server. Citizens do not send templates. */
async function checkSender(ctx: DomainContext, org: Organization & { id: string }, patient: string): Promise<void> {
  const p = ctx.principal;
  const patientId = idOf(patient, 'Patient');
  if (!patientId || !(await readAsServer(ctx, 'Patient', patientId))) throw errors.businessRule(`patient: ${patient} is not known`, ['patient']);
  if (p.kind === 'system') return;
  if (p.kind === 'citizen') throw errors.forbidden('Messages from templates are sent by the clinic, not by citizens');
  if (!worksAt(p, org.id)) throw errors.forbidden(`You do not work at ${unitName(org)}, so you cannot send its messages`);
  const ok = await ctx.repo.isPatientOf(patient, [org.id]);
  if (!ok) throw errors.forbidden(`${patient} is not a patient of ${unitName(org)} (not listed there, and with no case or appointment there)`);
}

interface SentCase {
  org: Organization & { id: string };
  patient: string;
  q: Questionnaire & { id: string };
  code: string;
  role: string | undefined;
  by: Reference;
  status: CaseStatus;
  now: Date;
}

function sentCase(f: SentCase): Task {
  const task: Task = {
    resourceType: 'Task',
    id: randomUUID(),
    extension: [moveExtension('send', f.by)],
    status: STATUS[f.status].taskStatus,
    businessStatus: statusConcept(f.status),
    intent: 'order',
    priority: 'routine',
    code: { coding: [SENT_CASE_TYPE], text: f.q.title ?? SENT_CASE_TYPE.display },
    description: f.q.title ?? f.code,
    for: { reference: f.patient },
    authoredOn: f.now.toISOString(),
    lastModified: f.now.toISOString(),
    requester: f.role ? { reference: f.role } : { reference: `Organization/${f.org.id}` },
    owner: { reference: `Organization/${f.org.id}`, display: unitName(f.org) },
    input: [{ type: { coding: [{ system: CASE_INPUT_SYSTEM, code: 'template', display: 'Mall' }] }, valueReference: { reference: `Questionnaire/${f.q.id}`, display: f.q.title ?? f.code } }],
  };
  if (f.role) task.extension!.push({ url: EXT.handler, valueReference: { reference: f.role } });
  return task;
}
