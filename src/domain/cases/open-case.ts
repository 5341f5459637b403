/**
 * @module domain/cases/open-case
 * A citizen opens a case (`Task/$open-case`): for themself, or as guardian for a child under 13 (the
 * RelatedPerson is then the requester). The case type must be one the clinic takes (its
 * HealthcareService); a retired type is translated through the ConceptMap, and the Task says so. The
 * form is required unless the type takes free text. The Task is owned by the clinic, status Ny, with
 * the deadline (end of the Nth working day after the day received, Europe/Stockholm) in
 * `restriction.period.end`.
 */
import { randomUUID } from 'node:crypto';
import type { Annotation, Organization, Questionnaire, QuestionnaireResponse, Task, TaskInput } from '@medplum/fhirtypes';
import { errors } from '../../fhir/error.js';
import type { DomainContext } from '../context.js';
import { deadline } from '../calendar/working-days.js';
import { createResource } from '../repository.js';
import { loadCaseTypes, loadOfferedCodes, resolveCaseType, type CaseType } from './case-types.js';
import { moveExtension, statusConcept } from './case-task.js';
import { CASE_INPUT_SYSTEM, CASE_TYPE_SYSTEM } from './codes.js';
import { asServer, clinic, findAsServer, idOf, readAsServer, unitName } from './server.js';
import { STATUS } from './state-machine.js';
import { citizenFacts, citizenRole, storeResponse } from './workflow.js';

/**
 * Working days a clinic has to answer a case (DOMAIN.md section 2: "answer within 2 working days",
 * counted from the day after the day received): the setting LOTS_CASE_ANSWER_WORKING_DAYS
 * (config.cases.answerWorkingDays), this default when absent.
 */
export const CASE_ANSWER_WORKING_DAYS = 2;

export function answerWorkingDays(config: object): number {
  const days = (config as { cases?: { answerWorkingDays?: unknown } }).cases?.answerWorkingDays;
  return typeof days === 'number' && Number.isInteger(days) && days > 0 ? days : CASE_ANSWER_WORKING_DAYS;
}

export interface OpenCaseInput {
  type: { system?: string; code: string };
  /** `Organization/x`: the clinic. */
  unit: string;
  /** `Patient/x`; defaults to the logged-in citizen. */
  patient?: string;
  response?: QuestionnaireResponse;
  message?: string;
}

export async function openCase(ctx: DomainContext, input: OpenCaseInput, now = new Date()): Promise<Task> {
  const { patient, requester } = await whoFor(ctx, input.patient, now);
  if (input.type.system && input.type.system !== CASE_TYPE_SYSTEM) {
    throw errors.badRequest(`type: case types are codes from ${CASE_TYPE_SYSTEM}, not ${input.type.system}`, ['type']);
  }
  const { types, map } = await loadCaseTypes(ctx);
  const { type, requested } = resolveCaseType(types, map, input.type.code);
  const org = await clinic(ctx, input.unit);
  await checkOffered(ctx, org, type, types);

  const message = input.message?.trim();
  if (!input.response && !type.freeText) {
    throw errors.businessRule(`response: the case type "${type.display}" needs its form answered (a QuestionnaireResponse to ${type.questionnaire ?? 'its Questionnaire'})`, ['response']);
  }
  if (!input.response && !message) throw errors.businessRule(`message: write what the case is about`, ['message']);
  const form = input.response ? await formOf(ctx, type, input.response) : undefined;

  return ctx.repo.transaction(async (repo) => {
    const server = asServer({ ...ctx, repo });
    const qr = input.response ? await storeResponse(server, input.response, patient, { reference: requester }, now, form) : undefined;
    const task = caseTask({ type, requested, patient, requester, org, message, qr, now, days: answerWorkingDays(ctx.config) });
    return createResource(server, task);
  });
}

/** The patient the case is for and who asks: the citizen themself, or their guardian record for a child. */
async function whoFor(ctx: DomainContext, wanted: string | undefined, now: Date): Promise<{ patient: string; requester: string }> {
  const p = ctx.principal;
  if (p.kind === 'staff') throw errors.forbidden('Cases are opened by citizens; staff send a case to a citizen with Task/$send-case');
  if (p.kind === 'system') {
    if (!wanted) throw errors.badRequest('patient: a system client must name the patient', ['patient']);
    const id = idOf(wanted, 'Patient');
    if (!id || !(await readAsServer(ctx, 'Patient', id))) throw errors.businessRule(`patient: ${wanted} is not known`, ['patient']);
    return { patient: wanted, requester: wanted };
  }
  const facts = (await citizenFacts(ctx, now))!;
  const patient = wanted ?? (facts.own[0] ? `Patient/${facts.own[0]}` : undefined);
  if (!patient) throw errors.businessRule('There is no patient record for your personnummer, so no case can be opened for you');
  const requester = citizenRole(facts, patient);
  if (!requester) {
    throw errors.forbidden(`You may not open a case for ${patient}: you can act only for yourself and for children under 13 you are guardian of`);
  }
  return { patient, requester };
}

async function checkOffered(ctx: DomainContext, org: Organization & { id: string }, type: CaseType, types: ReadonlyMap<string, CaseType>): Promise<void> {
  const offered = await loadOfferedCodes(ctx, org.id);
  if (offered.has(type.code)) return;
  const names = [...offered].map((c) => types.get(c)?.display ?? c);
  throw errors.businessRule(
    `unit: ${unitName(org)} does not take cases of the type "${type.display}". ${names.length ? `It takes: ${names.join(', ')}` : 'It takes no cases through 1177'}`,
    ['unit'],
  );
}

/** The case type's form; the response must be to that form. */
async function formOf(ctx: DomainContext, type: CaseType, response: QuestionnaireResponse): Promise<Questionnaire | undefined> {
  if (!type.questionnaire) return undefined;
  const named = response.questionnaire?.split('|')[0];
  if (named && named !== type.questionnaire) {
    throw errors.businessRule(`response: the case type "${type.display}" is answered with the form ${type.questionnaire}, not ${named}`, ['response.questionnaire']);
  }
  const [q] = await findAsServer<Questionnaire>(ctx, 'Questionnaire', [['url', type.questionnaire]], 1);
  return q;
}

interface CaseFacts {
  type: CaseType;
  requested: CaseType | undefined;
  patient: string;
  requester: string;
  org: Organization & { id: string };
  message: string | undefined;
  qr: QuestionnaireResponse | undefined;
  now: Date;
  days: number;
}

const input = (code: string, display: string, value: Omit<TaskInput, 'type'>): TaskInput => ({ type: { coding: [{ system: CASE_INPUT_SYSTEM, code, display }] }, ...value });

export function caseTask(f: CaseFacts): Task {
  const inputs: TaskInput[] = [];
  if (f.message) inputs.push(input('message', 'Meddelande', { valueString: f.message }));
  if (f.qr) inputs.push(input('questionnaire-response', 'Formulärsvar', { valueReference: { reference: `QuestionnaireResponse/${f.qr.id}` } }));
  const note: Annotation[] = [];
  if (f.requested) {
    inputs.push(input('requested-type', 'Begärd ärendetyp', { valueCoding: { system: CASE_TYPE_SYSTEM, code: f.requested.code, display: f.requested.display } }));
    note.push({
      time: f.now.toISOString(),
      text: `Invånaren valde ärendetypen "${f.requested.display}", som inte längre används. Ärendet har översatts till "${f.type.display}" (ConceptMap case-type-legacy).`,
    });
  }
  const task: Task = {
    resourceType: 'Task',
    id: randomUUID(),
    extension: [moveExtension('open', { reference: f.requester })],
    status: STATUS.ny.taskStatus,
    businessStatus: statusConcept('ny'),
    intent: 'order',
    priority: 'routine',
    code: { coding: [{ system: CASE_TYPE_SYSTEM, code: f.type.code, display: f.type.display }], text: f.type.display },
    for: { reference: f.patient },
    authoredOn: f.now.toISOString(),
    lastModified: f.now.toISOString(),
    requester: { reference: f.requester },
    owner: { reference: `Organization/${f.org.id}`, display: unitName(f.org) },
    restriction: { period: { end: deadline(f.now, f.days).toISOString() } },
  };
  if (f.qr) task.focus = { reference: `QuestionnaireResponse/${f.qr.id}` };
  if (inputs.length) task.input = inputs;
  if (note.length) task.note = note;
  return task;
}
