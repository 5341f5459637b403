/**
 * @module domain/triage/service
 * 1177 direkt's triage workflow: check the response against its form, apply the rule set, and store
 * the response, the GuidanceResponse (the rule that fired, its expression and the answers it read)
 * and the follow-up of the level, in one transaction:
 *
 * - emergency: nothing but the instruction (leave the service; call 112 or go to the emergency department);
 * - chat: a Task in the 1177 nurses' queue (owner Organization/rad-1177) and the chat thread's first message;
 * - book: free Slots at the listed unit within the rule's days (when booking finds any), else a Task for the unit;
 * - self-care: a Communication with the rule's advice; the citizen may still take the chat (`startChat`).
 */
import { randomUUID } from 'node:crypto';
import type {
  Communication,
  GuidanceResponse,
  Parameters,
  ParametersParameter,
  Patient,
  PlanDefinition,
  Practitioner,
  QuestionnaireResponse,
  Reference,
  RelatedPerson,
  Resource,
  Slot,
  Task,
} from '@medplum/fhirtypes';
import { errors, FhirError } from '../../fhir/error.js';
import { hasErrors } from '../../fhir/validate.js';
import type { DomainContext } from '../context.js';
import { checkWrite, createResource, readResource, searchResources } from '../repository.js';
import { checkAnswers } from './answers.js';
import { findFreeSlotsIfAvailable } from './booking.js';
import { isClosed } from './chat.js';
import { LEVEL_SYSTEM, levelCoding, NURSES_UNIT, TRIAGE_REQUEST_SYSTEM, type Level } from './codes.js';
import { asServer, callerReference, findQuestionnaire, findRuleSet, listedUnit, valueSetCodes } from './lookup.js';
import { answersOf, evaluateRules, type RuleHit, type TriageDecision } from './rules.js';

export interface TriageInput {
  /** A new response to store (type level), or the id of a stored one (instance level). */
  response: QuestionnaireResponse | { storedId: string };
  /** A canonical (`url` or `url|version`) naming the rule set instead of the form's active one. */
  planDefinition?: string;
  now?: Date;
}

export interface TriageOutcome {
  level: Level;
  decision: TriageDecision;
  response: QuestionnaireResponse;
  guidance: GuidanceResponse;
  /** What the citizen is told. */
  instruction: string;
  /** For `book`: within how many days. */
  withinDays?: number;
  /** Resources created as the follow-up (Task, Communication). */
  followUps: Resource[];
  /** For `book`: free Slots at the listed unit the citizen may book. */
  slots: Slot[];
  /** True when the citizen may take the chat instead (self-care and book). */
  chatOffer: boolean;
}

const NO_RULE_TEXT =
  'Inga av reglerna passade dina svar, så en sjuksköterska på 1177 bedömer dem. Du får svar här i chatten så snart någon är ledig; om du blir sämre, ring 112.';
const CHAT_CHOSEN_TEXT = 'Du har valt att chatta med en sjuksköterska på 1177. Du får svar här så snart någon är ledig; om du blir sämre, ring 112.';
const OPEN_RESPONSE = ['completed', 'amended'];

export async function triage(ctx: DomainContext, input: TriageInput): Promise<TriageOutcome> {
  const now = input.now ?? new Date();
  const isNew = !('storedId' in input.response);
  const response = isNew ? prepareNew(ctx, input.response as QuestionnaireResponse) : await readStored(ctx, (input.response as { storedId: string }).storedId);
  const patientRef = patientOf(response);
  if (isNew) await checkWrite(ctx, response, 'c');

  if (!OPEN_RESPONSE.includes(response.status)) {
    throw new FhirError(422, {
      code: 'business-rule',
      diagnostics: `Only a finished form is triaged: the response's status is "${response.status}"; send it with status "completed" when every question is answered`,
      expression: ['QuestionnaireResponse.status'],
    });
  }
  const plan = await findRuleSet(ctx, response.questionnaire, input.planDefinition);
  const questionnaire = await findQuestionnaire(ctx, plan, response.questionnaire);
  const issues = checkAnswers(questionnaire, response, await valueSetCodes(ctx, questionnaire));
  if (issues.length) throw errors.unprocessable(issues);

  const patient = await readResource<Patient>(ctx, 'Patient', patientRef.slice('Patient/'.length));
  if (!patient) throw errors.notFound(`${patientRef} (the response's subject) is not known`);
  const decision = evaluateRules(plan, response, patient, now);
  const rule = decision.rule;
  const level = decision.level;

  const guidance = guidanceResponse(plan, response, patientRef, decision, now);
  // The caller must be allowed to write the outcome for this patient; the server then writes it.
  await checkWrite(ctx, guidance, 'c');

  let slots: Slot[] = [];
  let unit: string | undefined;
  if (level === 'book') {
    unit = await listedUnit(ctx, patientRef);
    if (unit) slots = await findFreeSlotsIfAvailable(ctx, { unit, start: now, end: addDays(now, rule!.withinDays!) });
  }
  const requester = await callerReference(ctx, patient);

  const outcome = await ctx.repo.transaction(async (repo) => {
    const tx = { ...ctx, repo };
    const server = asServer(tx);
    const stored = isNew ? await createResource(tx, response) : response;
    const savedGuidance = await createResource(server, guidance);
    const followUps: Resource[] = [];
    const about: Reference[] = [{ reference: `QuestionnaireResponse/${stored.id}` }, { reference: `GuidanceResponse/${savedGuidance.id}` }];
    if (level === 'chat') {
      // A stored response triaged again keeps its open chat.
      if (!isNew) await repo.lock(`triage-chat:${stored.id}`);
      const chat = (!isNew && (await openChatFor(server, stored.id!))) || (await openChat(server, { response: stored, patient: patientRef, requester, priority: rule?.priority ?? 'asap', text: rule?.text ?? NO_RULE_TEXT, about, now }));
      followUps.push(chat.task, chat.thread);
    } else if (level === 'book' && slots.length === 0) {
      followUps.push(await createResource(server, bookingTask(stored, patientRef, unit ?? NURSES_UNIT, rule!, requester, about, now)));
    } else if (level === 'self-care') {
      followUps.push(await createResource(server, adviceMessage(stored, patientRef, rule!, about, now)));
    }
    return { stored, savedGuidance, followUps };
  });

  const result: TriageOutcome = {
    level,
    decision,
    response: outcome.stored,
    guidance: outcome.savedGuidance,
    instruction: rule?.text ?? NO_RULE_TEXT,
    followUps: outcome.followUps,
    slots,
    chatOffer: level === 'self-care' || level === 'book',
  };
  if (rule?.withinDays !== undefined) result.withinDays = rule.withinDays;
  return result;
}

/** A new response: checked for structure before anything else, and given a server id. */
function prepareNew(ctx: DomainContext, response: QuestionnaireResponse): QuestionnaireResponse {
  if ((response as Resource).resourceType !== 'QuestionnaireResponse') {
    throw errors.badRequest(`The response must be a QuestionnaireResponse, not a ${(response as Resource).resourceType}`, ['Parameters.parameter.where(name=\'response\').resource']);
  }
  const fresh = { ...response, id: randomUUID() };
  patientOf(fresh);
  const issues = ctx.validator.validate(fresh);
  if (hasErrors(issues)) throw errors.unprocessable(issues.filter((i) => i.severity !== 'information' && i.severity !== 'warning'));
  return fresh;
}

async function readStored(ctx: DomainContext, id: string): Promise<QuestionnaireResponse> {
  const response = await readResource<QuestionnaireResponse>(ctx, 'QuestionnaireResponse', id);
  if (!response) throw errors.notFound(`QuestionnaireResponse/${id} is not known`);
  return response;
}

/** `Patient/x`: the response's subject, which must be a patient. */
function patientOf(response: QuestionnaireResponse): string {
  const ref = response.subject?.reference;
  if (!ref || !/^Patient\/[A-Za-z0-9\-.]{1,64}$/.test(ref)) {
    throw new FhirError(422, {
      code: 'required',
      diagnostics: 'The response must name the patient it is about (QuestionnaireResponse.subject, a reference to Patient/<id>): age and sex come from there',
      expression: ['QuestionnaireResponse.subject'],
    });
  }
  return ref;
}

const addDays = (d: Date, days: number): Date => new Date(d.getTime() + days * 86_400_000);

/** The GuidanceResponse that explains a decision (as `$triage` stores it); the advice support stores one per assessment too. */
export function guidanceResponse(plan: PlanDefinition, response: QuestionnaireResponse, patient: string, decision: TriageDecision, now: Date): GuidanceResponse {
  const parameter: ParametersParameter[] = [
    { name: 'response', valueReference: { reference: `QuestionnaireResponse/${response.id}` } },
    { name: 'ruleSet', valueReference: { reference: `PlanDefinition/${plan.id}${plan.meta?.versionId ? `/_history/${plan.meta.versionId}` : ''}` } },
    { name: 'age', valueInteger: decision.age.years },
    { name: 'ageInMonths', valueInteger: decision.age.months },
    { name: 'level', valueCoding: levelCoding(decision.level) },
    { name: 'rulesEvaluated', valueInteger: decision.evaluated },
    { name: 'rulesInSet', valueInteger: decision.total },
  ];
  if (decision.rule) parameter.push(ruleParameter(decision.rule));
  else parameter.push({ name: 'noRuleApplied', valueBoolean: true });
  const output: Parameters = { resourceType: 'Parameters', id: 'rules', parameter };
  const r = decision.rule;
  const note = r
    ? `Regel "${r.id}"${r.title ? ` (${r.title})` : ''} gav nivån ${decision.level}: den första av ${decision.total} regler, i prioritetsordning, som gällde (${decision.evaluated} prövades).`
    : `Ingen av ${decision.total} regler gällde; nivån blev chat så att en sjuksköterska bedömer svaren.`;
  return {
    resourceType: 'GuidanceResponse',
    id: randomUUID(),
    contained: [output],
    requestIdentifier: { system: TRIAGE_REQUEST_SYSTEM, value: response.id! },
    moduleCanonical: plan.version ? `${plan.url}|${plan.version}` : plan.url!,
    status: 'success',
    subject: { reference: patient },
    occurrenceDateTime: now.toISOString(),
    note: [{ text: note }],
    outputParameters: { reference: '#rules' },
  };
}

function ruleParameter(hit: RuleHit): ParametersParameter {
  const part: ParametersParameter[] = [
    { name: 'id', valueString: hit.id },
    { name: 'priority', valueCode: hit.priority },
    { name: 'level', valueCoding: levelCoding(hit.level) },
    { name: 'expression', valueExpression: { language: 'text/fhirpath', expression: hit.expression } },
  ];
  if (hit.title) part.splice(1, 0, { name: 'title', valueString: hit.title });
  for (const a of hit.answers) {
    const answer: ParametersParameter = { name: 'answer', part: [{ name: 'linkId', valueString: a.linkId }] };
    for (const value of a.answer) {
      const [key, v] = Object.entries(value).find(([k]) => k.startsWith('value')) ?? [];
      if (key) answer.part!.push({ name: 'value', [key]: v } as ParametersParameter);
    }
    part.push(answer);
  }
  return { name: 'rule', part };
}

interface ChatStart {
  response: QuestionnaireResponse;
  patient: string;
  requester: Reference<Patient | RelatedPerson | Practitioner> | undefined;
  priority: string;
  text: string;
  about: Reference[];
  now: Date;
}

/** The chat's Task in the nurses' queue and the thread's first message (written as the server). */
async function openChat(server: DomainContext, c: ChatStart): Promise<{ task: Task; thread: Communication }> {
  const reason = reasonText(c.response);
  const task: Task = {
    resourceType: 'Task',
    id: randomUUID(),
    status: 'requested',
    businessStatus: { text: 'Väntar på sjuksköterska' },
    intent: 'order',
    priority: c.priority as Task['priority'],
    code: { coding: [levelCoding('chat')], text: '1177 direkt: chatt med sjuksköterska' },
    description: `Chatt från 1177 direkt${reason ? `: ${reason}` : ''}`,
    focus: { reference: `QuestionnaireResponse/${c.response.id}` },
    for: { reference: c.patient },
    authoredOn: c.now.toISOString(),
    lastModified: c.now.toISOString(),
    owner: { reference: NURSES_UNIT },
    reasonReference: c.about[1] ?? c.about[0]!,
  };
  if (c.requester) task.requester = c.requester;
  const savedTask = await createResource(server, task);
  const thread: Communication = {
    resourceType: 'Communication',
    id: randomUUID(),
    partOf: [{ reference: `Task/${savedTask.id}` }],
    status: 'completed',
    subject: { reference: c.patient },
    about: c.about,
    sent: c.now.toISOString(),
    sender: { reference: NURSES_UNIT },
    recipient: [{ reference: c.patient }],
    payload: [{ contentString: c.text }],
  };
  if (reason) thread.topic = { text: reason };
  return { task: savedTask, thread: await createResource(server, thread) };
}

function bookingTask(response: QuestionnaireResponse, patient: string, unit: string, rule: RuleHit, requester: Reference<Patient | RelatedPerson | Practitioner> | undefined, about: Reference[], now: Date): Task {
  const reason = reasonText(response);
  const task: Task = {
    resourceType: 'Task',
    id: randomUUID(),
    status: 'requested',
    businessStatus: { text: 'Tid ska bokas' },
    intent: 'order',
    priority: rule.priority as Task['priority'],
    code: { coding: [levelCoding('book')], text: `1177 direkt: besök inom ${rule.withinDays} dagar` },
    description: `Boka besök inom ${rule.withinDays} dagar${reason ? `: ${reason}` : ''} (regel ${rule.id})`,
    focus: { reference: `QuestionnaireResponse/${response.id}` },
    for: { reference: patient },
    authoredOn: now.toISOString(),
    lastModified: now.toISOString(),
    owner: { reference: unit },
    reasonReference: about[1]!,
    restriction: { period: { start: now.toISOString(), end: addDays(now, rule.withinDays!).toISOString() } },
  };
  if (requester) task.requester = requester;
  return task;
}

function adviceMessage(response: QuestionnaireResponse, patient: string, rule: RuleHit, about: Reference[], now: Date): Communication {
  const msg: Communication = {
    resourceType: 'Communication',
    id: randomUUID(),
    status: 'completed',
    subject: { reference: patient },
    about,
    sent: now.toISOString(),
    sender: { reference: NURSES_UNIT },
    recipient: [{ reference: patient }],
    payload: [{ contentString: rule.text }],
  };
  msg.topic = { text: rule.title ?? 'Egenvårdsråd' };
  return msg;
}

/** The reason for contact as text (the answer's display or code), for Task descriptions. */
function reasonText(response: QuestionnaireResponse): string | undefined {
  const coding = answersOf(response, 'reason')[0]?.valueCoding;
  return coding?.display ?? coding?.code;
}

/**
 * Takes the chat offered after self-care advice or a booking: a Task in the nurses' queue and the
 * thread, for the triaged response. The same open chat is returned when it already exists; a response
 * triaged as an emergency gets no chat (the citizen must call 112).
 */
export async function startChat(ctx: DomainContext, responseId: string, now = new Date()): Promise<{ task: Task; thread: Communication; created: boolean }> {
  const response = await readStored(ctx, responseId);
  const patient = patientOf(response);
  const [guidance] = await searchResources<GuidanceResponse>(ctx, 'GuidanceResponse', [
    ['request', `${TRIAGE_REQUEST_SYSTEM}|${response.id}`],
    ['_sort', '-_lastUpdated'],
  ]);
  if (!guidance) throw errors.conflict(`QuestionnaireResponse/${responseId} has not been triaged; call $triage first`);
  const output = guidance.contained?.find((r): r is Parameters => r.resourceType === 'Parameters');
  const level = output?.parameter?.find((p) => p.name === 'level')?.valueCoding;
  if (level?.system === LEVEL_SYSTEM && level.code === 'emergency') {
    throw errors.businessRule('Your answers show you need emergency care now: call 112 or go to the nearest emergency department. The chat is not a substitute.');
  }
  const patientResource = await readResource<Patient>(ctx, 'Patient', patient.slice('Patient/'.length));
  if (!patientResource) throw errors.notFound(`${patient} (the response's subject) is not known`);
  const requester = await callerReference(ctx, patientResource);
  const about: Reference[] = [{ reference: `QuestionnaireResponse/${response.id}` }, { reference: `GuidanceResponse/${guidance.id}` }];
  return ctx.repo.transaction(async (repo) => {
    const tx = { ...ctx, repo };
    const server = asServer(tx);
    await repo.lock(`triage-chat:${response.id}`);
    const existing = await openChatFor(server, response.id!);
    if (existing) return { ...existing, created: false };
    const probe: Task = { resourceType: 'Task', status: 'requested', intent: 'order', for: { reference: patient } };
    await checkWrite(tx, probe, 'c');
    const chat = await openChat(server, { response, patient, requester, priority: 'routine', text: CHAT_CHOSEN_TEXT, about, now });
    return { ...chat, created: true };
  });
}

/** The open chat of a response, with its first message, if there is one. */
async function openChatFor(server: DomainContext, responseId: string): Promise<{ task: Task; thread: Communication } | undefined> {
  const tasks = await searchResources<Task>(server, 'Task', [
    ['focus', `QuestionnaireResponse/${responseId}`],
    ['owner', NURSES_UNIT],
    ['code', `${LEVEL_SYSTEM}|chat`],
  ]);
  const task = tasks.find((t) => !isClosed(t));
  if (!task) return undefined;
  const [thread] = await searchResources<Communication>(server, 'Communication', [
    ['part-of', `Task/${task.id}`],
    ['_sort', 'sent'],
  ], 1);
  if (!thread) return undefined;
  return { task, thread };
}
