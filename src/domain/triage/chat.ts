/**
 * @module domain/triage/chat
 * The 1177 chat that follows a triage: Communications between the citizen and the nurses, each `partOf`
 * the chat's Task (owned by the nurses' unit, `for` the patient), ordered by `sent`, with read receipts
 * in `received`. A nurse of the unit (role `nurse`) or a system client answers and closes; closing
 * completes the Task. The live stream polls the database, so it sees messages written through any
 * server instance.
 */
import { randomUUID } from 'node:crypto';
import type { Attachment, Communication, CommunicationPayload, Organization, Patient, Practitioner, Reference, RelatedPerson, Task } from '@medplum/fhirtypes';
import { errors } from '../../fhir/error.js';
import type { SearchRow } from '../../store/store.js';
import type { DomainContext } from '../context.js';
import { createResource, readResource, searchResources, updateResource } from '../repository.js';
import { LEVEL_SYSTEM, NURSES_UNIT } from './codes.js';
import { asServer, callerReference } from './lookup.js';

const CLOSED = ['completed', 'cancelled', 'rejected', 'failed', 'entered-in-error'];
const PATIENT_SIDE = ['Patient/', 'RelatedPerson/'];

export const isClosed = (task: Task): boolean => CLOSED.includes(task.status);

/** A 1177 chat: a Task of level chat in the nurses' queue. */
export function isChatTask(task: Task): boolean {
  return task.owner?.reference === NURSES_UNIT && (task.code?.coding ?? []).some((c) => c.system === LEVEL_SYSTEM && c.code === 'chat');
}

/** The chat's Task, if the caller may see it; 404 otherwise, 422 when the Task is not a chat. */
export async function chatTask(ctx: DomainContext, taskId: string): Promise<Task> {
  const task = await readResource<Task>(ctx, 'Task', taskId);
  if (!task) throw errors.notFound(`Task/${taskId} is not known`);
  if (!isChatTask(task)) throw errors.businessRule(`Task/${taskId} is not a 1177 chat (a Task of level chat owned by ${NURSES_UNIT})`);
  return task;
}

/** Which side of the chat sent a message: the patient's (Patient, RelatedPerson) or care's. */
export const sideOf = (msg: Communication): 'patient' | 'care' =>
  PATIENT_SIDE.some((p) => msg.sender?.reference?.startsWith(p)) || msg.sender?.identifier?.system === 'http://electronichealth.se/identifier/personnummer' ? 'patient' : 'care';

interface Party {
  side: 'patient' | 'care';
  ref: Reference<Patient | RelatedPerson | Practitioner | Organization>;
}

const patientOf = (task: Task): Reference<Patient> => ({ reference: task.for!.reference! });
const unitOf = (task: Task): Reference<Organization> => ({ reference: task.owner!.reference! });

/** The caller in this chat: a citizen (the patient or a guardian), a nurse of the unit, or a system client (as the unit). */
async function partyOf(ctx: DomainContext, task: Task): Promise<Party> {
  const p = ctx.principal;
  if (p.kind === 'citizen') {
    const patient = await readResource<Patient>(asServer(ctx), 'Patient', task.for!.reference!.slice('Patient/'.length));
    return { side: 'patient', ref: (patient && (await callerReference(ctx, patient))) ?? patientOf(task) };
  }
  if (p.kind === 'staff') {
    const unit = task.owner!.reference!;
    if (!p.units.includes(unit) || !p.roles.includes('nurse')) throw errors.forbidden(`Only a nurse of ${unit} takes part in this chat`);
    const ref = await callerReference(ctx);
    return { side: 'care', ref: ref ?? unitOf(task) };
  }
  return { side: 'care', ref: unitOf(task) };
}

export interface ChatMessage {
  text?: string;
  attachment?: Attachment;
}

/** Sends a message in the chat; the first from care moves the Task to in-progress. */
/** One message of the thread, sent now. */
function chatMessage(task: Task, sender: Communication['sender'], recipient: NonNullable<Communication['recipient']>[number], payload: CommunicationPayload[], now: Date): Communication {
  return {
    resourceType: 'Communication',
    id: randomUUID(),
    partOf: [{ reference: `Task/${task.id}` }],
    status: 'completed',
    subject: patientOf(task),
    sent: now.toISOString(),
    sender,
    recipient: [recipient],
    payload,
  };
}

export async function sendMessage(ctx: DomainContext, taskId: string, message: ChatMessage, now = new Date()): Promise<Communication> {
  const task = await chatTask(ctx, taskId);
  if (isClosed(task)) throw errors.conflict(`The chat is closed (Task/${taskId} is ${task.status}); start a new contact with 1177 direkt`);
  const party = await partyOf(ctx, task);
  const payload: CommunicationPayload[] = [];
  if (message.text) payload.push({ contentString: message.text });
  if (message.attachment) payload.push({ contentAttachment: message.attachment });
  const msg = chatMessage(task, party.ref, party.side === 'patient' ? unitOf(task) : patientOf(task), payload, now);
  return ctx.repo.transaction(async (repo) => {
    const tx = { ...ctx, repo };
    const saved = await createResource(tx, msg);
    if (party.side === 'care' && task.status === 'requested') {
      await updateResource(asServer(tx), { ...task, status: 'in-progress', businessStatus: { text: 'Pågår' }, lastModified: now.toISOString() }, Number(task.meta!.versionId));
    }
    return saved;
  });
}

/** The messages of a chat, ordered by `sent` (as the server: call after the caller's access is checked). */
export async function threadOf(ctx: DomainContext, taskId: string): Promise<Communication[]> {
  return searchResources<Communication>(asServer(ctx), 'Communication', [
    ['part-of', `Task/${taskId}`],
    ['_sort', 'sent'],
  ], 1000);
}

/** Marks the other side's unread messages as received now (read receipts); returns how many. */
export async function markRead(ctx: DomainContext, taskId: string, now = new Date()): Promise<Communication[]> {
  const task = await chatTask(ctx, taskId);
  const party = await partyOf(ctx, task);
  return ctx.repo.transaction(async (repo) => {
    const server = asServer({ ...ctx, repo });
    const unread = (await threadOf(server, taskId)).filter((m) => !m.received && sideOf(m) !== party.side);
    const marked: Communication[] = [];
    for (const m of unread) marked.push(await updateResource(server, { ...m, received: now.toISOString() }, Number(m.meta!.versionId)));
    return marked;
  });
}

/** Closes the chat (a nurse of the unit or a system client): an optional last message, then the Task completed. */
export async function closeChat(ctx: DomainContext, taskId: string, text: string | undefined, now = new Date()): Promise<Task> {
  const task = await chatTask(ctx, taskId);
  const party = await partyOf(ctx, task);
  if (party.side !== 'care') throw errors.forbidden('Only a nurse of the unit closes the chat');
  if (isClosed(task)) throw errors.conflict(`The chat is already closed (Task/${taskId} is ${task.status})`);
  return ctx.repo.transaction(async (repo) => {
    const tx = { ...ctx, repo };
    if (text) await createResource(tx, chatMessage(task, party.ref, patientOf(task), [{ contentString: text }], now));
    const closed: Task = {
      ...task,
      status: 'completed',
      businessStatus: { text: 'Avslutad' },
      lastModified: now.toISOString(),
      executionPeriod: { ...(task.executionPeriod ?? {}), start: task.executionPeriod?.start ?? task.authoredOn ?? now.toISOString(), end: now.toISOString() },
    };
    return updateResource(asServer(tx), closed, Number(task.meta!.versionId));
  });
}

export interface StreamOptions {
  /** Resume after this event id (the `lastUpdated` of the last message version received). */
  since?: string;
  /** How often the database is asked for new messages. */
  pollMs?: number;
  /** A comment line is sent this often so proxies keep the connection open. */
  heartbeatMs?: number;
  /** The stream ends after this long; clients reconnect (with `since`), which re-checks their token. */
  maxMs?: number;
}

/** How far back each poll looks again, for transactions that committed after later ones. */
const LATE_COMMIT_MS = 10_000;

/**
 * Server-Sent Events for one chat: `message` for a message not sent on this stream before, `update`
 * for a new version of one (a read receipt), `closed` when the Task is completed (then the stream
 * ends). Event ids are the versions' `lastUpdated`, to resume with `since`. Each message is logged as
 * read by the caller when it is sent to them.
 */
export async function chatStream(ctx: DomainContext, taskId: string, opts: StreamOptions = {}): Promise<ReadableStream<Uint8Array>> {
  const task = await chatTask(ctx, taskId);
  const { pollMs = 1000, heartbeatMs = 15_000, maxMs = 10 * 60_000 } = opts;
  const encoder = new TextEncoder();
  const seen = new Map<string, string>();
  let watermark = opts.since;
  let stopped = false;
  let closedSent = false;
  let wake: (() => void) | undefined;
  let lastWrite = Date.now();
  const started = Date.now();

  const poll = async (): Promise<string[]> => {
    const params: [string, string][] = [
      ['part-of', `Task/${task.id}`],
      ['_sort', '_lastUpdated'],
    ];
    if (watermark) params.push(['_lastUpdated', `ge${new Date(Date.parse(watermark) - LATE_COMMIT_MS).toISOString()}`]);
    const req = ctx.repo.parseSearch(['Communication'], params, { defaultCount: 1000 });
    req.total = 'none';
    const versionOf = (row: SearchRow) => {
      const meta = (JSON.parse(row.json) as Communication).meta;
      return { row, version: meta?.versionId ?? '', lastUpdated: meta?.lastUpdated ?? '' };
    };
    const isFresh = (r: ReturnType<typeof versionOf>) => seen.get(r.row.id) !== r.version && (!opts.since || r.lastUpdated > opts.since);
    // Only the messages sent to the client now are logged (each once per version, not every poll).
    const page = await ctx.repo.search(req, { log: { interaction: '$chat-stream', shown: (row) => isFresh(versionOf(row)) } });
    const rows = page.rows.map(versionOf);
    const fresh = rows.filter(isFresh);
    // In the order written (the order of the event ids, so a client that resumes misses nothing);
    // clients show the thread by `sent`.
    const out: string[] = [];
    for (const { row, version, lastUpdated } of fresh) {
      const kind = seen.has(row.id) ? 'update' : 'message';
      seen.set(row.id, version);
      out.push(`id: ${lastUpdated}\nevent: ${kind}\ndata: ${row.json}\n\n`);
    }
    for (const r of rows) if (!watermark || r.lastUpdated > watermark) watermark = r.lastUpdated;
    // Closed: what was written before the close has been sent above; then say so and end.
    // A case the caller can no longer see ends the stream like a cancelled one.
    const current = (await ctx.repo.exists('Task', task.id!, true)) ? await asServer(ctx).repo.lookup<Task>('Task', task.id!) : undefined;
    const status = current?.status ?? 'cancelled';
    if (CLOSED.includes(status)) {
      out.push(`event: closed\ndata: ${JSON.stringify({ task: `Task/${task.id}`, status })}\n\n`);
      closedSent = true;
    }
    return out;
  };

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(`retry: ${pollMs}\n\n`));
    },
    async pull(controller) {
      while (!stopped) {
        if (closedSent || Date.now() - started > maxMs) {
          controller.close();
          stopped = true;
          return;
        }
        let chunks: string[];
        try {
          chunks = await poll();
        } catch (err) {
          if (stopped) return;
          ctx.log.warn('chat stream: poll failed; the stream ends and the client reconnects', { task: `Task/${task.id}`, error: err instanceof Error ? err.message : String(err) });
          stopped = true;
          controller.close();
          return;
        }
        if (stopped) return;
        if (chunks.length) {
          controller.enqueue(encoder.encode(chunks.join('')));
          lastWrite = Date.now();
          return;
        }
        if (Date.now() - lastWrite >= heartbeatMs) {
          controller.enqueue(encoder.encode(': keep-alive\n\n'));
          lastWrite = Date.now();
          return;
        }
        await sleep(pollMs);
      }
    },
    cancel() {
      stopped = true;
      wake?.();
    },
  });
}
