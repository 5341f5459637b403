/**
 * @module http/fhir/operations/subscription-events
 * `Subscription/[id]/$events` (Subscriptions R5 Backport IG, OperationDefinition backport-subscription-events,
 * https://hl7.org/fhir/uv/subscriptions-backport/STU1.1/OperationDefinition-backport-subscription-events.html):
 * replays past events by number (`eventsSinceNumber`, `eventsUntilNumber`, inclusive; at most 1,000),
 * as a history Bundle like a notification (type query-event), for a client that noticed a gap.
 * `content` (empty, id-only, full-resource) defaults to the subscription's own; full resources are
 * read through the door as the caller, so their access applies and the reads are logged.
 */
import type { Resource, Subscription } from '@medplum/fhirtypes';
import { errors } from '../../../fhir/error.js';
import { notificationBundle, PAYLOAD_CONTENTS, readSubscription, type NotificationEvent, type PayloadContent } from '../../../fhir/subscriptions/backport.js';
import type { FhirRequest } from '../types.js';
import type { OperationDef } from './operation.js';

const MAX_RANGE = 1000;

export const subscriptionEventsOperation: OperationDef = {
  name: 'events',
  levels: ['instance'],
  types: ['Subscription'],
  canonical: 'http://hl7.org/fhir/uv/subscriptions-backport/OperationDefinition/backport-subscription-events',
  affectsState: false,
  async handler(ctx, req, { id }) {
    const v = await ctx.repo.read('Subscription', id!);
    if (!v || v.deleted) throw errors.notFound(`Subscription/${id} is not known`);
    const sub = JSON.parse(v.json!) as Subscription;
    const state = await ctx.subscriptions.state(id!);
    const count = state?.eventsCount ?? 0;
    const until = Math.min(number(req, 'eventsUntilNumber') ?? count, count);
    const since = number(req, 'eventsSinceNumber') ?? Math.max(1, until - 99);
    if (until - since + 1 > MAX_RANGE) throw errors.badRequest(`At most ${MAX_RANGE} events at once: narrow eventsSinceNumber..eventsUntilNumber`, ['eventsSinceNumber']);
    const content = contentOf(req) ?? readSubscription(sub).spec?.content ?? 'id-only';
    const events: NotificationEvent[] = [];
    for (const e of since <= until ? await ctx.subscriptions.events(id!, since, until) : []) {
      const ev: NotificationEvent = { eventNumber: e.eventNumber, timestamp: e.occurredAt, focus: `${e.focusType}/${e.focusId}/_history/${e.focusVersion}` };
      if (!e.json) ev.deleted = true;
      else if (content === 'full-resource') {
        const focus = await ctx.repo.vread(e.focusType, e.focusId, e.focusVersion);
        if (focus?.json) ev.resource = JSON.parse(focus.json) as Resource;
      }
      events.push(ev);
    }
    const bundle = notificationBundle({ subscriptionId: id!, topic: sub.criteria, status: state?.status ?? sub.status, type: 'query-event', eventsSinceStart: count, events, content, baseUrl: ctx.config.baseUrl });
    return { status: 200, resource: bundle };
  },
};

function param(req: FhirRequest, name: string): string | undefined {
  if (req.method === 'GET') return req.query.get(name) ?? undefined;
  const p = (req.body as { parameter?: { name: string; valueString?: string; valueInteger?: number; valueCode?: string }[] } | undefined)?.parameter?.find((x) => x.name === name);
  const v = p?.valueString ?? p?.valueInteger ?? p?.valueCode;
  return v === undefined ? undefined : String(v);
}

function number(req: FhirRequest, name: string): number | undefined {
  const raw = param(req, name);
  if (raw === undefined) return undefined;
  if (!/^[1-9][0-9]{0,15}$/.test(raw)) throw errors.badRequest(`${name} must be a positive whole number`, [name]);
  return Number(raw);
}

function contentOf(req: FhirRequest): PayloadContent | undefined {
  const c = param(req, 'content');
  if (c === undefined) return undefined;
  if (!(PAYLOAD_CONTENTS as readonly string[]).includes(c)) throw errors.badRequest(`content must be one of: ${PAYLOAD_CONTENTS.join(', ')}`, ['content']);
  return c as PayloadContent;
}
