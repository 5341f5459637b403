/**
 * @module http/fhir/operations/triage
 * The $operations of 1177 direkt (src/domain/triage/, docs/triage.md):
 *
 * - `POST QuestionnaireResponse/$triage` (Parameters: `response`, optional `planDefinition`) and
 *   `POST QuestionnaireResponse/[id]/$triage` (a stored response): the level of care, the
 *   GuidanceResponse, one `followUp` per resource created, and `chatOffer` after self-care or book;
 * - `POST QuestionnaireResponse/[id]/$chat-start`: takes the chat offered after a triage;
 * - `POST Task/[id]/$chat-send` (`text`, `attachment`), `$chat-read` (read receipts), `$chat-close`
 *   (a nurse; completes the Task), and `GET Task/[id]/$chat-stream` (Server-Sent Events).
 */
import type { Attachment, Parameters, ParametersParameter, QuestionnaireResponse } from '@medplum/fhirtypes';
import { z } from 'zod';
import { levelCoding } from '../../../domain/triage/codes.js';
import { chatStream, closeChat, markRead, sendMessage } from '../../../domain/triage/chat.js';
import { startChat, triage, type TriageOutcome } from '../../../domain/triage/service.js';
import { errors } from '../../../fhir/error.js';
import type { FhirRequest } from '../types.js';
import type { OperationDef } from './operation.js';

const part = z.looseObject({ name: z.string().min(1) });
const parametersSchema = z.looseObject({ resourceType: z.literal('Parameters'), parameter: z.array(part).optional() });

type Part = ParametersParameter;

/** The parts of a Parameters body by name; 400 for a body that is not one, or names not in `allowed`. */
function readParameters(body: unknown, op: string, allowed: readonly string[]): Map<string, Part[]> {
  const parsed = parametersSchema.safeParse(body ?? { resourceType: 'Parameters' });
  if (!parsed.success) throw errors.badRequest(`$${op} takes a Parameters resource (with ${allowed.join(', ')})`);
  const parts = new Map<string, Part[]>();
  ((parsed.data as Parameters).parameter ?? []).forEach((p, i) => {
    if (!allowed.includes(p.name)) throw errors.badRequest(`$${op} has no parameter "${p.name}"; it takes ${allowed.join(', ')}`, [`Parameters.parameter[${i}].name`]);
    parts.set(p.name, [...(parts.get(p.name) ?? []), p]);
  });
  return parts;
}

function one(parts: Map<string, Part[]>, name: string, op: string): Part | undefined {
  const list = parts.get(name) ?? [];
  if (list.length > 1) throw errors.badRequest(`$${op}: give "${name}" at most once`);
  return list[0];
}

const canonicalOf = (p: Part | undefined): string | undefined => p?.valueCanonical ?? p?.valueUri ?? p?.valueString;

export const triageOperation: OperationDef = {
  name: 'triage',
  levels: ['type', 'instance'],
  types: ['QuestionnaireResponse'],
  affectsState: true,
  scope: 'c',
  async handler(ctx, req, { id }) {
    const body = req.body as { resourceType?: string } | undefined;
    let response: QuestionnaireResponse | undefined;
    let planDefinition: string | undefined;
    if (body?.resourceType === 'QuestionnaireResponse' && !id) {
      response = body as QuestionnaireResponse;
    } else {
      const parts = readParameters(body, 'triage', id ? ['planDefinition'] : ['response', 'planDefinition']);
      const r = one(parts, 'response', 'triage');
      if (r) {
        if (r.resource?.resourceType !== 'QuestionnaireResponse') throw errors.badRequest('$triage: "response" must hold a QuestionnaireResponse (parameter.resource)', ['Parameters.parameter.where(name=\'response\')']);
        response = r.resource;
      }
      const p = one(parts, 'planDefinition', 'triage');
      planDefinition = canonicalOf(p);
      if (p && !planDefinition) throw errors.badRequest('$triage: "planDefinition" is a canonical URL (valueCanonical)', ['Parameters.parameter.where(name=\'planDefinition\')']);
    }
    if (!id && !response) throw errors.badRequest('$triage needs the answers: a Parameters with "response" (a QuestionnaireResponse), or POST to QuestionnaireResponse/[id]/$triage for a stored one');
    const outcome = await triage(ctx, { response: id ? { storedId: id } : response!, ...(planDefinition ? { planDefinition } : {}) });
    return { status: 200, resource: triageResult(outcome, ctx.config.baseUrl) };
  },
};

function triageResult(o: TriageOutcome, baseUrl: string): Parameters {
  const parameter: ParametersParameter[] = [
    { name: 'level', valueCoding: levelCoding(o.level) },
    { name: 'instruction', valueString: o.instruction },
  ];
  if (o.withinDays !== undefined) parameter.push({ name: 'bookWithin', valueDuration: { value: o.withinDays, unit: 'dagar', system: 'http://unitsofmeasure.org', code: 'd' } });
  parameter.push({ name: 'response', valueReference: { reference: `QuestionnaireResponse/${o.response.id}` } });
  parameter.push({ name: 'guidance', resource: o.guidance });
  for (const r of o.followUps) parameter.push({ name: 'followUp', resource: r });
  for (const s of o.slots) parameter.push({ name: 'slot', resource: s });
  if (o.chatOffer) {
    parameter.push({
      name: 'chatOffer',
      part: [
        { name: 'text', valueString: 'Vill du hellre chatta med en sjuksköterska på 1177? Det kan du alltid välja.' },
        { name: 'operation', valueUri: `${baseUrl}/QuestionnaireResponse/${o.response.id}/$chat-start` },
      ],
    });
  }
  return { resourceType: 'Parameters', parameter };
}

export const chatStartOperation: OperationDef = {
  name: 'chat-start',
  levels: ['instance'],
  types: ['QuestionnaireResponse'],
  affectsState: true,
  scope: 'r',
  async handler(ctx, req, { id }) {
    readParameters(req.body, 'chat-start', []);
    const chat = await startChat(ctx, id!);
    return {
      status: chat.created ? 201 : 200,
      resource: { resourceType: 'Parameters', parameter: [{ name: 'followUp', resource: chat.task }, { name: 'followUp', resource: chat.thread }] },
    };
  },
};

const MAX_MESSAGE = 4000;

export const chatSendOperation: OperationDef = {
  name: 'chat-send',
  levels: ['instance'],
  types: ['Task'],
  affectsState: true,
  scope: 'r',
  async handler(ctx, req, { id }) {
    const parts = readParameters(req.body, 'chat-send', ['text', 'attachment']);
    const textPart = one(parts, 'text', 'chat-send');
    const attachmentPart = one(parts, 'attachment', 'chat-send');
    const text = textPart?.valueString?.trim();
    if (textPart && !text) throw errors.badRequest('$chat-send: "text" is a non-empty valueString', ['Parameters.parameter.where(name=\'text\')']);
    if (text && text.length > MAX_MESSAGE) throw errors.badRequest(`$chat-send: a message has at most ${MAX_MESSAGE} characters; this one has ${text.length}`, ['Parameters.parameter.where(name=\'text\')']);
    const attachment: Attachment | undefined = attachmentPart?.valueAttachment;
    if (attachmentPart && (!attachment?.contentType || !(attachment.data || attachment.url))) {
      throw errors.badRequest('$chat-send: "attachment" is a valueAttachment with contentType and data (or url)', ['Parameters.parameter.where(name=\'attachment\')']);
    }
    if (!text && !attachment) throw errors.badRequest('$chat-send needs "text" (valueString) or "attachment" (valueAttachment)');
    const message = await sendMessage(ctx, id!, { ...(text ? { text } : {}), ...(attachment ? { attachment } : {}) });
    return { status: 201, resource: message, headers: { Location: `${ctx.config.baseUrl}/Communication/${message.id}/_history/${message.meta?.versionId}` } };
  },
};

export const chatReadOperation: OperationDef = {
  name: 'chat-read',
  levels: ['instance'],
  types: ['Task'],
  affectsState: true,
  scope: 'r',
  async handler(ctx, req, { id }) {
    readParameters(req.body, 'chat-read', []);
    const marked = await markRead(ctx, id!);
    return { status: 200, resource: { resourceType: 'Parameters', parameter: [{ name: 'marked', valueInteger: marked.length }, ...marked.map((m) => ({ name: 'message', resource: m }))] } };
  },
};

export const chatCloseOperation: OperationDef = {
  name: 'chat-close',
  levels: ['instance'],
  types: ['Task'],
  affectsState: true,
  scope: 'u',
  async handler(ctx, req, { id }) {
    const parts = readParameters(req.body, 'chat-close', ['text']);
    const text = one(parts, 'text', 'chat-close')?.valueString?.trim();
    return { status: 200, resource: await closeChat(ctx, id!, text || undefined) };
  },
};

const sinceSchema = z.iso.datetime({ offset: true });

export const chatStreamOperation: OperationDef = {
  name: 'chat-stream',
  levels: ['instance'],
  types: ['Task'],
  affectsState: false,
  scope: 'r',
  async handler(ctx, req: FhirRequest, { id }) {
    if (req.method !== 'GET') throw errors.methodNotAllowed('$chat-stream is a GET (Server-Sent Events)');
    // An EventSource reconnecting sends the id of the last event it saw as Last-Event-ID.
    const since = req.query.get('since') ?? req.headers.lastEventId ?? undefined;
    if (since !== undefined && !sinceSchema.safeParse(since).success) throw errors.badRequest('since is the id of the last event received (an instant, e.g. 2025-01-02T10:00:00.123Z)', ['since']);
    const stream = await chatStream(ctx, id!, since ? { since } : {});
    return { status: 200, stream, headers: { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache, no-store', 'X-Accel-Buffering': 'no' } };
  },
};

export const triageOperations: OperationDef[] = [triageOperation, chatStartOperation, chatSendOperation, chatReadOperation, chatCloseOperation, chatStreamOperation];
