/**
 * @module domain/cases/state-machine
 * The case workflow (ärendeflödet) as data: the statuses a case goes through, the moves between them and
 * who may make each move. Pure: the service (workflow.ts) reads the Task, asks here, and writes.
 *
 * ```
 *   Ny --assign--> Fördelat --reply--> Pågående <--reply-- Svar från invånare
 *                     |  \                |  \                 ^        |
 *                     |   `----ask------> Väntar på invånare --answer--'  |
 *                     `------- close (from every open status) --> Avslutat
 * ```
 * `assign` also re-assigns an open case without changing its status (except Ny -> Fördelat).
 */
import type { Task } from '@medplum/fhirtypes';

export const CASE_STATUSES = ['ny', 'fordelat', 'pagaende', 'vantar-pa-invanare', 'svar-fran-invanare', 'avslutat'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

/** Swedish display name and the Task.status that follows each businessStatus. */
export const STATUS: Record<CaseStatus, { display: string; taskStatus: Task['status'] }> = {
  ny: { display: 'Ny', taskStatus: 'requested' },
  fordelat: { display: 'Fördelat', taskStatus: 'accepted' },
  pagaende: { display: 'Pågående', taskStatus: 'in-progress' },
  'vantar-pa-invanare': { display: 'Väntar på invånare', taskStatus: 'on-hold' },
  'svar-fran-invanare': { display: 'Svar från invånare', taskStatus: 'in-progress' },
  avslutat: { display: 'Avslutat', taskStatus: 'completed' },
};

export const OPEN_STATUSES: readonly CaseStatus[] = CASE_STATUSES.filter((s) => s !== 'avslutat');

/** Moves on an existing case. (`open` and `send` create one; they are recorded with the same extension.) */
export const CASE_MOVES = ['assign', 'reply', 'ask', 'answer', 'close'] as const;
export type CaseMove = (typeof CASE_MOVES)[number];
export type RecordedMove = CaseMove | 'open' | 'send';

export const MOVE_DISPLAY: Record<RecordedMove, string> = {
  open: 'Öppna ärende',
  send: 'Skicka ärende',
  assign: 'Fördela',
  reply: 'Svara',
  ask: 'Fråga invånaren',
  answer: 'Invånarens svar',
  close: 'Avsluta',
};

/** From which statuses each move may be made, and where it leads (`same` keeps the status). */
const MOVES: Record<CaseMove, { from: readonly CaseStatus[]; to: CaseStatus | ((from: CaseStatus) => CaseStatus) }> = {
  assign: { from: OPEN_STATUSES, to: (from) => (from === 'ny' ? 'fordelat' : from) },
  reply: { from: ['fordelat', 'pagaende', 'svar-fran-invanare'], to: 'pagaende' },
  ask: { from: ['fordelat', 'pagaende', 'svar-fran-invanare'], to: 'vantar-pa-invanare' },
  answer: { from: ['vantar-pa-invanare'], to: 'svar-fran-invanare' },
  close: { from: OPEN_STATUSES, to: 'avslutat' },
};

export type Transition = { ok: true; to: CaseStatus } | { ok: false; allowed: CaseMove[] };

/** The moves that may be made from a status (by someone). */
export function allowedMoves(status: CaseStatus): CaseMove[] {
  return CASE_MOVES.filter((m) => MOVES[m].from.includes(status));
}

/** Where `move` leads from `status`, or the moves allowed instead. */
export function transition(status: CaseStatus, move: CaseMove): Transition {
  const rule = MOVES[move];
  if (!rule.from.includes(status)) return { ok: false, allowed: allowedMoves(status) };
  return { ok: true, to: typeof rule.to === 'function' ? rule.to(status) : rule.to };
}

/** Who is making a move, reduced to the facts the rules need. */
export type Actor =
  /** The server itself or a system client (integrations): every move. */
  | { kind: 'system' }
  /** A citizen; `forPatient` when they are the case's patient or act for them as guardian. */
  | { kind: 'citizen'; forPatient: boolean }
  /**
   * Staff: `inUnit` when the case's clinic is one of their units; `receiver` / `handler` for the roles
   * ärendemottagare / ärendehanterare; `assigned` when the case is assigned to their PractitionerRole.
   */
  | { kind: 'staff'; inUnit: boolean; receiver: boolean; handler: boolean; assigned: boolean };

export type Permission = { allowed: true } | { allowed: false; reason: string };

const yes: Permission = { allowed: true };
const no = (reason: string): Permission => ({ allowed: false, reason });

/**
 * May `actor` make `move`? Ärendemottagare see all of the unit's cases and assign them; ärendehanterare
 * work (reply, ask, close) the cases assigned to them; an ärendemottagare may also close a case (e.g.
 * one sent to the wrong clinic). Only the citizen (or their guardian) answers a question.
 */
export function permit(move: CaseMove, actor: Actor): Permission {
  if (actor.kind === 'system') return yes;
  if (actor.kind === 'citizen') {
    if (move !== 'answer') return no(`only staff at the clinic may ${MOVE_DISPLAY[move].toLowerCase()} (${move})`);
    return actor.forPatient ? yes : no('you may not act for the patient of this case');
  }
  if (!actor.inUnit) return no("the case belongs to a clinic that is not one of your units");
  switch (move) {
    case 'answer':
      return no('only the citizen (or their guardian) answers the clinic\'s questions');
    case 'assign':
      return actor.receiver ? yes : no('assigning cases needs the role ärendemottagare (arendemottagare)');
    case 'close':
      if (actor.receiver || (actor.handler && actor.assigned)) return yes;
      return no('closing a case needs the role ärendemottagare, or ärendehanterare with the case assigned to you');
    case 'reply':
    case 'ask':
      if (!actor.handler) return no('working a case needs the role ärendehanterare (arendehanterare)');
      return actor.assigned ? yes : no('the case is not assigned to you; an ärendemottagare assigns it first');
  }
}

/** The businessStatus code of a Task, if it is one of ours. */
export function statusOf(codes: readonly string[]): CaseStatus | undefined {
  return CASE_STATUSES.find((s) => codes.includes(s));
}

/** A status from a code or its Swedish name, any case ("Avslutat", "avslutat", "Väntar på invånare"). */
export function parseStatus(value: string): CaseStatus | undefined {
  const v = value.trim().toLowerCase();
  return CASE_STATUSES.find((s) => s === v || STATUS[s].display.toLowerCase() === v);
}
