/**
 * @module domain/cases/case-task
 * A case as a FHIR Task: reading its status, clinic, handler and deadline, and making its next version
 * for a move. Pure. The Task keeps `owner` = the clinic's Organization (the access policy relies on
 * it); the ärendehanterare is an extension (`case-handler`, searchable as `handler`); every version
 * records the move that made it and who made it (`case-move`), so the Task's history is the case log.
 */
import type { CodeableConcept, Extension, Reference, Task } from '@medplum/fhirtypes';
import { errors } from '../../fhir/error.js';
import { CASE_MOVE_SYSTEM, CASE_STATUS_SYSTEM, EXT } from './codes.js';
import { MOVE_DISPLAY, STATUS, statusOf, type CaseStatus, type RecordedMove } from './state-machine.js';

export function statusConcept(status: CaseStatus): CodeableConcept {
  return { coding: [{ system: CASE_STATUS_SYSTEM, code: status, display: STATUS[status].display }], text: STATUS[status].display };
}

/** The case status of a Task, or undefined when the Task is not a case. */
export function caseStatus(task: Task): CaseStatus | undefined {
  const codes = (task.businessStatus?.coding ?? []).filter((c) => c.system === CASE_STATUS_SYSTEM).map((c) => c.code ?? '');
  return statusOf(codes);
}

/** The status, or 422 when the Task is not a case. */
export function requireCase(task: Task): CaseStatus {
  const status = caseStatus(task);
  if (!status) throw errors.businessRule(`Task/${task.id} is not a case: its businessStatus is not from ${CASE_STATUS_SYSTEM}`);
  return status;
}

export const unitRef = (task: Task): string | undefined => task.owner?.reference;

export function handlerOf(task: Task): string | undefined {
  return task.extension?.find((e) => e.url === EXT.handler)?.valueReference?.reference;
}

export function firstReplyOf(task: Task): string | undefined {
  return task.extension?.find((e) => e.url === EXT.firstReply)?.valueDateTime;
}

export const deadlineOf = (task: Task): string | undefined => task.restriction?.period?.end;

/** Not answered by staff, still open, and past its deadline. */
export function isOverdue(task: Task, now: Date): boolean {
  const deadline = deadlineOf(task);
  const status = caseStatus(task);
  return !!deadline && status !== undefined && status !== 'avslutat' && !firstReplyOf(task) && Date.parse(deadline) < now.getTime();
}

export function moveExtension(move: RecordedMove, by: Reference): Extension {
  return {
    url: EXT.move,
    extension: [
      { url: 'move', valueCoding: { system: CASE_MOVE_SYSTEM, code: move, display: MOVE_DISPLAY[move] } },
      { url: 'by', valueReference: by },
    ],
  };
}

export interface NextVersion {
  move: RecordedMove;
  by: Reference;
  status: CaseStatus;
  now: Date;
  /** Assign: the new handler. */
  handler?: string;
  /** A staff message to the citizen: records the first reply when there was none. */
  staffWrote?: boolean;
  /** Close: why. */
  reason?: string;
}

/** The Task's next version after a move (meta is left for the store to set). */
export function nextVersion(task: Task, n: NextVersion): Task {
  const keep = (task.extension ?? []).filter((e) => e.url !== EXT.move && !(n.handler && e.url === EXT.handler));
  const extension: Extension[] = [moveExtension(n.move, n.by), ...keep];
  if (n.handler) extension.push({ url: EXT.handler, valueReference: { reference: n.handler } });
  if (n.staffWrote && !firstReplyOf(task)) extension.push({ url: EXT.firstReply, valueDateTime: n.now.toISOString() });
  const next: Task = { ...task, extension, status: STATUS[n.status].taskStatus, businessStatus: statusConcept(n.status), lastModified: n.now.toISOString() };
  if (n.reason) next.statusReason = { text: n.reason };
  return next;
}
