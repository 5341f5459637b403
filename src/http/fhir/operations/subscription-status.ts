/**
 * @module http/fhir/operations/subscription-status
 * `Subscription/[id]/$status` (Subscriptions R5 Backport IG, R4: OperationDefinition backport-subscription-status,
 * https://hl7.org/fhir/uv/subscriptions-backport/STU1.1/OperationDefinition-backport-subscription-status.html):
 * a searchset Bundle holding the subscription's SubscriptionStatus Parameters (type query-status),
 * with events-since-subscription-start, so a client can see whether it missed events. Whoever may read
 * the Subscription may ask.
 */
import { errors } from '../../../fhir/error.js';
import { statusParameters } from '../../../fhir/subscriptions/backport.js';
import type { FhirContext } from '../types.js';
import type { OperationDef } from './operation.js';

export const subscriptionStatusOperation: OperationDef = {
  name: 'status',
  levels: ['instance'],
  types: ['Subscription'],
  canonical: 'http://hl7.org/fhir/uv/subscriptions-backport/OperationDefinition/backport-subscription-status',
  affectsState: false,
  async handler(ctx, _req, { id }) {
    const status = await currentStatus(ctx, id!);
    return { status: 200, resource: { resourceType: 'Bundle', type: 'searchset', total: 1, entry: [{ resource: status, search: { mode: 'match' } }] } };
  },
};

/** The SubscriptionStatus of a Subscription the caller may read (404 otherwise). */
export async function currentStatus(ctx: FhirContext, id: string) {
  const v = await ctx.repo.read('Subscription', id);
  if (!v || v.deleted) throw errors.notFound(`Subscription/${id} is not known`);
  const sub = JSON.parse(v.json!) as { status: string; criteria: string };
  const state = await ctx.subscriptions.state(id);
  return statusParameters({
    subscriptionId: id,
    topic: sub.criteria,
    status: state?.status ?? sub.status,
    type: 'query-status',
    eventsSinceStart: state?.eventsCount ?? 0,
    events: [],
    ...(state?.lastError ? { error: state.lastError } : {}),
  });
}
