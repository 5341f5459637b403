/**
 * @module domain/advice/service
 * Rådgivningsstöd's workflow with I/O (docs/advice.md): opening and closing a contact, and the nurse's
 * assessment. The caller is checked first (a nurse of the advice unit); what the contact writes is then
 * written with the server's rights on the nurse's behalf (access log: the nurse and `lots-advice`),
 * in one transaction per step. Reads of the contact go through the caller's own door, so a nurse sees
 * a contact while it is open at the unit, as auth/policy.ts rules.
 */
import { randomUUID } from 'node:crypto';
import type { Encounter, GuidanceResponse, Patient, PractitionerRole, QuestionnaireResponse, Reference, RiskAssessment, Task } from '@medplum/fhirtypes';
import { errors, FhirError } from '../../fhir/error.js';
import { hasErrors } from '../../fhir/validate.js';
import type { DomainContext } from '../context.js';
import { asServer as serverContext, createResource, readResource, searchResources, updateResource, type ServerRepository } from '../repository.js';
import { checkAnswers } from '../triage/answers.js';
import { isChatTask, isClosed } from '../triage/chat.js';
import { SYMPTOM_FORM_URL, type Level } from '../triage/codes.js';
import { callerReference, findQuestionnaire, findRuleSet, valueSetCodes } from '../triage/lookup.js';
import { evaluateRules, type TriageDecision } from '../triage/rules.js';
import { guidanceResponse } from '../triage/service.js';
import { startOfStockholmDay } from '../calendar/working-days.js';
import { nextMonth } from '../cases/report.js';
import { assessmentRecord, factsOf, finalLevel, mergeAnswers } from './assess.js';
import { ADVICE_SOFTWARE, ADVICE_UNIT, RULE_SYSTEM, type Channel } from './codes.js';
import { overrules, type OverruleRow } from './report.js';
import { anonymousCaller, closedContact, contactTask, isAdviceContact, newContact, notAdviceNurse, notOpen } from './contact.js';

type ServerContext = DomainContext & { repo: ServerRepository };
const asServer = (ctx: DomainContext): ServerContext => serverContext(ctx, ADVICE_SOFTWARE);

export function requireNurse(ctx: DomainContext): void {
  const why = notAdviceNurse(ctx.principal);
  if (why) throw errors.forbidden(why);
}

/** The nurse as the contact records them: their PractitionerRole at the advice unit, else their Practitioner. */
export async function nurseReference(ctx: DomainContext): Promise<Reference | undefined> {
  const who = await callerReference(ctx);
  if (!who?.reference) return who;
  const [role] = await searchResources<PractitionerRole>(asServer(ctx), 'PractitionerRole', [
    ['practitioner', who.reference],
    ['organization', ADVICE_UNIT],
    ['active', 'true'],
  ], 1);
  return role ? { reference: `PractitionerRole/${role.id}`, ...(who.display ? { display: who.display } : {}) } : who;
}

export interface OpenInput {
  channel: Channel;
  /** `Patient/x`: the citizen (phone). */
  patient?: string;
  /** `Task/x`: the 1177 direkt chat the contact answers. */
  chat?: string;
  /** A caller without personnummer: an anonymous Patient, with this (estimated) birth date. */
  anonymous?: { birthDate?: string };
  now?: Date;
}

export interface OpenedContact {
  encounter: Encounter;
  task: Task;
  patient?: Patient;
}

/** Opens a contact: the Encounter, and the unit's Task that holds it (the chat's, or a new contact Task). */
export async function openContact(ctx: DomainContext, input: OpenInput): Promise<OpenedContact> {
  requireNurse(ctx);
  const now = input.now ?? new Date();
  const server = asServer(ctx);
  const chat = input.chat ? await openChatTask(server, input.chat) : undefined;
  if (input.patient && !(await server.repo.lookup<Patient>('Patient', input.patient.slice('Patient/'.length)))) {
    throw errors.notFound(`${input.patient} is not known`);
  }
  const nurse = await nurseReference(ctx);
  return ctx.repo.transaction(async (repo) => {
    const tx = asServer({ ...ctx, repo });
    let patientRef = chat?.for?.reference ?? input.patient;
    let patient: Patient | undefined;
    if (!patientRef) {
      patient = await createResource(tx, anonymousCaller(input.anonymous?.birthDate));
      patientRef = `Patient/${patient.id}`;
    }
    const encounter = await createResource(tx, { ...newContact({ channel: input.channel, patient: patientRef, start: now, ...(nurse ? { nurse } : {}) }), id: randomUUID() });
    const encounterRef = { reference: `Encounter/${encounter.id}` };
    const task = chat
      ? await updateResource(tx, { ...chat, encounter: encounterRef, lastModified: now.toISOString() }, Number(chat.meta!.versionId))
      : await createResource(tx, contactTask(encounter.id!, patientRef, now));
    return { encounter, task, ...(patient ? { patient } : {}) };
  });
}

async function openChatTask(server: ServerContext, id: string): Promise<Task> {
  const task = await server.repo.lookup<Task>('Task', id);
  if (!task) throw errors.notFound(`Task/${id} is not known`);
  if (!isChatTask(task)) throw errors.businessRule(`Task/${id} is not a 1177 direkt chat`);
  if (isClosed(task)) throw errors.conflict(`The chat Task/${id} is ${task.status}`);
  if (task.encounter) throw errors.conflict(`The chat Task/${id} is already answered in ${task.encounter.reference}`);
  return task;
}

/** The contact, as the caller may see it; 404 when not, 422 when the Encounter is not an advice contact. */
export async function readContact(ctx: DomainContext, id: string): Promise<Encounter> {
  const e = await readResource<Encounter>(ctx, 'Encounter', id);
  if (!e) throw errors.notFound(`Encounter/${id} is not known`);
  if (!isAdviceContact(e)) throw errors.businessRule(`Encounter/${id} is not a contact with ${ADVICE_UNIT}`);
  return e;
}

/** The open Task of the unit that holds the contact (phone: the contact Task; chat: the chat Task). */
async function tasksOf(server: ServerContext, encounterId: string): Promise<Task[]> {
  return server.repo.find<Task>('Task', [['encounter', `Encounter/${encounterId}`], ['owner', ADVICE_UNIT]], 10);
}

/** Closes the contact: finished with its end time; a phone contact's Task is completed (a chat stays until `$chat-close`). */
export async function closeContact(ctx: DomainContext, id: string, now = new Date()): Promise<Encounter> {
  requireNurse(ctx);
  const encounter = await readContact(ctx, id);
  const why = notOpen(encounter);
  if (why) throw errors.conflict(why);
  return ctx.repo.transaction(async (repo) => {
    const tx = asServer({ ...ctx, repo });
    await repo.lock(`advice-contact:${id}`);
    const closed = await updateResource(tx, closedContact(encounter, now), Number(encounter.meta!.versionId));
    for (const t of await tasksOf(tx, id)) {
      if (!isChatTask(t) && !isClosed(t)) await updateResource(tx, { ...t, status: 'completed', businessStatus: { text: 'Avslutat' }, lastModified: now.toISOString() }, Number(t.meta!.versionId));
    }
    return closed;
  });
}

export interface AssessInput {
  /** The nurse's answers to the symptom form (only what they asked or corrected, when answers are carried over). */
  response?: QuestionnaireResponse;
  level?: Level;
  reason?: string;
  now?: Date;
}

export interface Assessed {
  decision: TriageDecision;
  level: Level;
  overruled: boolean;
  response: QuestionnaireResponse;
  guidance: GuidanceResponse;
  assessment: RiskAssessment;
  /** The 1177 direkt response whose answers were carried over. */
  carriedFrom?: string;
}

/**
 * Assesses the contact: the triage rules on the answers give a suggestion (level and deciding rule, as
 * `$triage` explains them), the nurse's level is final. Stores the answers, the GuidanceResponse and
 * the RiskAssessment; a second assessment of the same contact is a new version of its RiskAssessment.
 */
export async function assess(ctx: DomainContext, encounterId: string, input: AssessInput): Promise<Assessed> {
  requireNurse(ctx);
  const now = input.now ?? new Date();
  const encounter = await readContact(ctx, encounterId);
  const why = notOpen(encounter);
  if (why) throw errors.conflict(why);
  const patientRef = encounter.subject!.reference!;
  const server = asServer(ctx);
  const carried = await carriedResponse(server, encounterId);
  const nurse = await nurseReference(ctx);

  const response: QuestionnaireResponse = {
    resourceType: 'QuestionnaireResponse',
    id: randomUUID(),
    questionnaire: input.response?.questionnaire ?? carried?.questionnaire ?? SYMPTOM_FORM_URL,
    status: 'completed',
    subject: { reference: patientRef },
    encounter: { reference: `Encounter/${encounterId}` },
    authored: now.toISOString(),
    item: mergeAnswers(carried, input.response),
  };
  if (nurse) response.author = nurse as QuestionnaireResponse['author'];
  if (!response.item?.length) throw new FhirError(422, { code: 'required', diagnostics: 'No answers to assess: give the answers to the symptom form (the parameter response)', expression: ['response'] });
  const issues = ctx.validator.validate(response);
  if (hasErrors(issues)) throw errors.unprocessable(issues.filter((i) => i.severity === 'error' || i.severity === 'fatal'));

  const plan = await findRuleSet(ctx, response.questionnaire);
  const questionnaire = await findQuestionnaire(ctx, plan, response.questionnaire);
  const answerIssues = checkAnswers(questionnaire, response, await valueSetCodes(ctx, questionnaire));
  if (answerIssues.length) throw errors.unprocessable(answerIssues);
  const patient = await server.repo.lookup<Patient>('Patient', patientRef.slice('Patient/'.length));
  if (!patient) throw errors.notFound(`${patientRef} (the contact's subject) is not known`);
  const decision = evaluateRules(plan, response, patient, now);
  const { level, overruled } = finalLevel({ suggested: decision.level, ...(input.level ? { final: input.level } : {}), ...(input.reason ? { reason: input.reason } : {}) });

  return ctx.repo.transaction(async (repo) => {
    const tx = asServer({ ...ctx, repo });
    await repo.lock(`advice-contact:${encounterId}`);
    const stored = await createResource(tx, response);
    const guidance = await createResource(tx, { ...guidanceResponse(plan, stored, patientRef, decision, now), encounter: { reference: `Encounter/${encounterId}` } });
    const record = assessmentRecord({
      patient: patientRef,
      encounter: `Encounter/${encounterId}`,
      ...(nurse ? { performer: nurse } : {}),
      decision,
      ...(plan.version ? { ruleSetVersion: plan.version } : {}),
      level,
      ...(overruled && input.reason ? { reason: input.reason } : {}),
      basis: [{ reference: `QuestionnaireResponse/${stored.id}` }, { reference: `GuidanceResponse/${guidance.id}` }, ...(carried ? [{ reference: `QuestionnaireResponse/${carried.id}` }] : [])],
      at: now,
    });
    const [earlier] = await tx.repo.find<RiskAssessment>('RiskAssessment', [['encounter', `Encounter/${encounterId}`]], 1);
    const assessment = earlier ? await updateResource(tx, { ...record, id: earlier.id }, Number(earlier.meta!.versionId)) : await createResource(tx, record);
    return { decision, level, overruled, response: stored, guidance, assessment, ...(carried ? { carriedFrom: `QuestionnaireResponse/${carried.id}` } : {}) };
  });
}

/** The citizen's 1177 direkt response, when the contact answers a chat (the chat Task's focus). */
async function carriedResponse(server: ServerContext, encounterId: string): Promise<QuestionnaireResponse | undefined> {
  const chat = (await tasksOf(server, encounterId)).find(isChatTask);
  const focus = chat?.focus?.reference;
  if (!focus?.startsWith('QuestionnaireResponse/')) return undefined;
  return server.repo.lookup<QuestionnaireResponse>('QuestionnaireResponse', focus.slice('QuestionnaireResponse/'.length));
}

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/**
 * Overrules per rule and month for the months `from`..`to` (YYYY-MM, inclusive): staff of the advice
 * unit and system clients only. Counts hold no patient data; the records are read to decide, not shown.
 */
export async function adviceReport(ctx: DomainContext, from: string, to: string): Promise<OverruleRow[]> {
  const p = ctx.principal;
  if (p.kind === 'citizen' || (p.kind === 'staff' && !p.units.some((u) => u === ADVICE_UNIT || `Organization/${u}` === ADVICE_UNIT))) {
    throw errors.forbidden(`The overrule report is for the staff of ${ADVICE_UNIT} and the rules' keepers`);
  }
  for (const [name, v] of [['from', from], ['to', to]] as const) if (!MONTH.test(v)) throw errors.badRequest(`${name} is a month, YYYY-MM`, [name]);
  if (from > to) throw errors.badRequest('from is after to', ['from']);
  const start = startOfStockholmDay(`${from}-01`).toISOString();
  const end = startOfStockholmDay(`${nextMonth(to)}-01`).toISOString();
  const records = await asServer(ctx).repo.findAll<RiskAssessment>('RiskAssessment', [
    ['method', `${RULE_SYSTEM}|`],
    ['date', `ge${start}`],
    ['date', `lt${end}`],
  ]);
  return overrules(records.map(factsOf));
}

/**
 * Whether the caller, a nurse of the advice unit, holds `contact` (`Encounter/x`) open with `patient`:
 * then they may book a slot at another unit for the caller (the booking operations, on their behalf).
 */
export async function holdsOpenContactWith(ctx: DomainContext, contact: string, patient: string): Promise<boolean> {
  if (notAdviceNurse(ctx.principal) || !/^Encounter\/[A-Za-z0-9\-.]{1,64}$/.test(contact)) return false;
  const e = await readResource<Encounter>(ctx, 'Encounter', contact.slice('Encounter/'.length));
  return !!e && isAdviceContact(e) && !notOpen(e) && e.subject?.reference === patient;
}
