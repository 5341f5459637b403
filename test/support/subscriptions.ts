/** Builders for subscription tests. */
import { TOPIC_BASE } from '../../src/domain/subscriptions/topics.js';

export const IG = 'http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition';

/** A backport Subscription to `topic` with optional filters and payload content. */
export function subscription(topic: string, endpoint: string, o: { filters?: string[]; content?: string; headers?: string[]; extra?: object[] } = {}) {
  return {
    resourceType: 'Subscription',
    meta: { profile: [`${IG}/backport-subscription`] },
    status: 'requested',
    reason: 'test',
    criteria: topic.startsWith('http') ? topic : `${TOPIC_BASE}/${topic}`,
    ...(o.filters ? { _criteria: { extension: o.filters.map((f) => ({ url: `${IG}/backport-filter-criteria`, valueString: f })) } } : {}),
    channel: {
      type: 'rest-hook',
      endpoint,
      payload: 'application/fhir+json',
      _payload: { extension: [{ url: `${IG}/backport-payload-content`, valueCode: o.content ?? 'id-only' }] },
      ...(o.headers ? { header: o.headers } : {}),
      ...(o.extra ? { extension: o.extra } : {}),
    },
  };
}

