/**
 * @module fhir/subscriptions/backport
 * The R4 form of topic-based subscriptions, from the Subscriptions R5 Backport IG
 * (https://hl7.org/fhir/uv/subscriptions-backport/STU1.1/): reading a `Subscription` into what a
 * server needs to deliver it, and building the notification Bundles. Pure: no I/O.
 */
import { matchesSearchRequest, parseSearchRequest } from '@medplum/core';
import type { Bundle, BundleEntry, Element, Parameters, ParametersParameter, Resource, Subscription, SubscriptionChannel } from '@medplum/fhirtypes';

/** The primitive extensions (`_criteria`, `_payload`) the backport puts its elements in; not in the R4 types. */
type WithPrimitiveExtensions = Subscription & { _criteria?: Element; channel?: SubscriptionChannel & { _payload?: Element } };
import type { Issue } from '../error.js';

const IG = 'http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition';
export const BACKPORT = {
  subscriptionProfile: `${IG}/backport-subscription`,
  statusProfile: `${IG}/backport-subscription-status-r4`,
  filterCriteria: `${IG}/backport-filter-criteria`,
  payloadContent: `${IG}/backport-payload-content`,
  heartbeatPeriod: `${IG}/backport-heartbeat-period`,
  timeout: `${IG}/backport-timeout`,
  maxCount: `${IG}/backport-max-count`,
} as const;

export const PAYLOAD_CONTENTS = ['empty', 'id-only', 'full-resource'] as const;
export type PayloadContent = (typeof PAYLOAD_CONTENTS)[number];
export const CHANNEL_TYPES = ['rest-hook'] as const;
export type NotificationType = 'handshake' | 'heartbeat' | 'event-notification' | 'query-status' | 'query-event';

/** What delivering a Subscription takes, read from its backport form. */
export interface SubscriptionSpec {
  topic: string;
  /** `Type?param=value...` strings (backport-filter-criteria). */
  filters: string[];
  endpoint: string;
  /** `Name: value` lines sent with every request. */
  headers: string[];
  content: PayloadContent;
  heartbeatSeconds?: number;
  /** Seconds to wait for the endpoint (backport-timeout). */
  timeoutSeconds?: number;
  /** Events per notification (backport-max-count). */
  maxCount?: number;
}

const MAX_TIMEOUT = 60;

/** Reads the backport form; the issues say what is missing or wrong (an empty list: it can be delivered). */
export function readSubscription(subscription: Subscription): { spec?: SubscriptionSpec; issues: Issue[] } {
  const s = subscription as WithPrimitiveExtensions;
  const issues: Issue[] = [];
  const bad = (expression: string, diagnostics: string) => issues.push({ severity: 'error', code: 'invalid', diagnostics, expression: [expression] });
  const topic = s.criteria ?? '';
  if (!/^https?:\/\/\S+$/.test(topic)) bad('Subscription.criteria', 'criteria must be the canonical URL of a SubscriptionTopic (R4 Subscriptions Backport); the R4 query form (Type?params) is not supported');
  const filters = (s._criteria?.extension ?? []).filter((e) => e.url === BACKPORT.filterCriteria).map((e) => e.valueString ?? '');
  const channel = s.channel;
  if (!(CHANNEL_TYPES as readonly string[]).includes(channel?.type ?? '')) bad('Subscription.channel.type', `channel.type must be one of: ${CHANNEL_TYPES.join(', ')}`);
  const endpoint = channel?.endpoint ?? '';
  if (!/^https?:\/\/[^\s]+$/.test(endpoint)) bad('Subscription.channel.endpoint', 'a rest-hook channel needs an http(s) endpoint');
  const contentCode = channel?._payload?.extension?.find((e) => e.url === BACKPORT.payloadContent)?.valueCode ?? 'id-only';
  if (!(PAYLOAD_CONTENTS as readonly string[]).includes(contentCode)) bad('Subscription.channel.payload', `backport-payload-content must be one of: ${PAYLOAD_CONTENTS.join(', ')}`);
  if (channel?.payload && !/^application\/(fhir\+)?json\b/.test(channel.payload)) bad('Subscription.channel.payload', 'payload must be application/fhir+json');
  const headers = channel?.header ?? [];
  for (const h of headers) if (!/^[A-Za-z0-9-]+:\s?[^\r\n]*$/.test(h)) bad('Subscription.channel.header', 'each header must be "Name: value" on one line');
  const ext = (url: string) => channel?.extension?.find((e) => e.url === url);
  const heartbeat = ext(BACKPORT.heartbeatPeriod)?.valueUnsignedInt;
  const timeout = ext(BACKPORT.timeout)?.valueUnsignedInt;
  const maxCount = ext(BACKPORT.maxCount)?.valuePositiveInt;
  if (timeout !== undefined && (timeout < 1 || timeout > MAX_TIMEOUT)) bad('Subscription.channel.extension', `backport-timeout must be 1 to ${MAX_TIMEOUT} seconds`);
  if (heartbeat !== undefined && heartbeat < 1) bad('Subscription.channel.extension', 'backport-heartbeat-period must be at least 1 second');
  if (issues.length) return { issues };
  const spec: SubscriptionSpec = { topic, filters, endpoint, headers, content: contentCode as PayloadContent };
  if (heartbeat !== undefined) spec.heartbeatSeconds = heartbeat;
  if (timeout !== undefined) spec.timeoutSeconds = timeout;
  if (maxCount !== undefined) spec.maxCount = maxCount;
  return { spec, issues };
}

/** One event of a notification: its number, when, and the focus (with content for full-resource). */
export interface NotificationEvent {
  eventNumber: number;
  timestamp: string;
  focus: string;
  resource?: Resource;
  deleted?: boolean;
}

export interface NotificationInput {
  subscriptionId: string;
  topic: string;
  status: string;
  type: NotificationType;
  eventsSinceStart: number;
  events: readonly NotificationEvent[];
  content: PayloadContent;
  /** The server's FHIR base URL. */
  baseUrl: string;
  /** The error shown by `$status` for a subscription in trouble. */
  error?: string;
}

/** A notification Bundle (type history; the first entry the SubscriptionStatus Parameters). */
export function notificationBundle(n: NotificationInput): Bundle {
  const status = statusParameters(n);
  const entries: BundleEntry[] = [{ fullUrl: `urn:uuid:${crypto.randomUUID()}`, resource: status, request: { method: 'GET', url: `Subscription/${n.subscriptionId}/$status` }, response: { status: '200' } }];
  if (n.content !== 'empty') {
    for (const e of n.events) {
      const entry: BundleEntry = { fullUrl: `${n.baseUrl}/${e.focus}` };
      if (n.content === 'full-resource' && e.resource) entry.resource = e.resource;
      entry.request = { method: e.deleted ? 'DELETE' : 'PUT', url: e.focus };
      entry.response = { status: e.deleted ? '204' : '200' };
      entries.push(entry);
    }
  }
  return { resourceType: 'Bundle', type: 'history', timestamp: new Date().toISOString(), entry: entries };
}

/** The SubscriptionStatus (backport-subscription-status-r4) as Parameters. */
export function statusParameters(n: Omit<NotificationInput, 'content' | 'baseUrl'> & { content?: PayloadContent; baseUrl?: string }): Parameters {
  const parameter: ParametersParameter[] = [
    { name: 'subscription', valueReference: { reference: `Subscription/${n.subscriptionId}` } },
    { name: 'topic', valueCanonical: n.topic },
    { name: 'status', valueCode: n.status },
    { name: 'type', valueCode: n.type },
    { name: 'events-since-subscription-start', valueString: String(n.eventsSinceStart) },
  ];
  for (const e of n.events) {
    const part: ParametersParameter[] = [
      { name: 'event-number', valueString: String(e.eventNumber) },
      { name: 'timestamp', valueInstant: e.timestamp },
    ];
    if (n.content !== 'empty') part.push({ name: 'focus', valueReference: { reference: e.focus } });
    parameter.push({ name: 'notification-event', part });
  }
  if (n.error) parameter.push({ name: 'error', valueCodeableConcept: { text: n.error } });
  return { resourceType: 'Parameters', meta: { profile: [BACKPORT.statusProfile] }, parameter };
}

/**
 * Whether `resource` meets the filters: every filter on its type must match it (a search evaluated in
 * memory by @medplum/core); filters on other types do not apply.
 */
export function matchesFilters(resource: Resource, filters: readonly string[]): boolean {
  return filters.every((f) => {
    const [type] = f.split('?', 1);
    return type !== resource.resourceType || matchesSearchRequest(resource, parsedFilter(f));
  });
}

// Filters are few and repeat for every change: parse each once.
const PARSED = new Map<string, ReturnType<typeof parseSearchRequest>>();
function parsedFilter(f: string): ReturnType<typeof parseSearchRequest> {
  let parsed = PARSED.get(f);
  if (!parsed) {
    if (PARSED.size > 10_000) PARSED.clear();
    parsed = parseSearchRequest(f);
    PARSED.set(f, parsed);
  }
  return parsed;
}

/** Whether some filter names the type (the generic topic fires only for the types it is asked about). */
export const filtersName = (type: string, filters: readonly string[]): boolean => filters.some((f) => f.split('?', 1)[0] === type);
