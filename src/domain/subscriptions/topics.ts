/**
 * @module domain/subscriptions/topics
 * The SubscriptionTopics Lots ships (docs/subscriptions.md lists them with their filters). R4 has no
 * SubscriptionTopic resource, so, as the Subscriptions Backport IG allows for R4 servers, topics are
 * a documented list of canonical URLs, each a pure trigger on (the version before, the new version).
 * A Subscription names one in `criteria` and narrows it with `backport-filter-criteria` searches.
 */
import type { Appointment, Communication, EpisodeOfCare, Resource, Task } from '@medplum/fhirtypes';
import { CASE_MESSAGE_SYSTEM, CASE_STATUS_SYSTEM, EXT as CASE_EXT } from '../cases/codes.js';
import { ASSESS, MISSING } from '../monitoring/codes.js';

export const TOPIC_BASE = 'https://lots.example/fhir/SubscriptionTopic';

export interface Topic {
  url: string;
  title: string;
  /** The resource types whose changes the topic is about (and that its filters may name). */
  resourceTypes: readonly string[];
  /** Whether a change from `before` to `after` (either absent: a create or a delete) is an event. */
  trigger(before: Resource | undefined, after: Resource | undefined): boolean;
  /** The topic needs a filter naming the resource type (the generic topic). */
  needsFilter?: boolean;
}

/** The kind of the citizen's own answers; every other case message is the clinic writing to the citizen. */
const CITIZEN_ANSWER = 'invanarsvar';
const CLOSED_TASK = new Set(['completed', 'cancelled', 'rejected', 'failed']);

const isCase = (t: Resource | undefined): t is Task => t?.resourceType === 'Task' && !!(t as Task).businessStatus?.coding?.some((c) => c.system === CASE_STATUS_SYSTEM);
const caseStatus = (t: Task | undefined) => t?.businessStatus?.coding?.find((c) => c.system === CASE_STATUS_SYSTEM)?.code;
const handler = (t: Task | undefined) => t?.extension?.find((e) => e.url === CASE_EXT.handler)?.valueReference?.reference;
const hasCode = (t: Task | undefined, system: string, code: string) => !!t?.code?.coding?.some((c) => c.system === system && c.code === code);
const status = (r: Resource | undefined): string | undefined => (r as { status?: string } | undefined)?.status;

export const TOPICS: readonly Topic[] = [
  {
    url: `${TOPIC_BASE}/case-message`,
    title: 'A case got a message for the citizen',
    resourceTypes: ['Communication'],
    trigger: (before, after) => {
      if (before || after?.resourceType !== 'Communication') return false;
      const c = after as Communication;
      const kinds = (c.category ?? []).flatMap((cc) => cc.coding ?? []).filter((x) => x.system === CASE_MESSAGE_SYSTEM).map((x) => x.code);
      return kinds.some((k) => k !== undefined && k !== CITIZEN_ANSWER);
    },
  },
  {
    url: `${TOPIC_BASE}/case-assigned`,
    title: 'A case was assigned to a handler (or to another one)',
    resourceTypes: ['Task'],
    trigger: (before, after) => isCase(after) && !!handler(after) && handler(after) !== handler(before as Task | undefined),
  },
  {
    url: `${TOPIC_BASE}/case-closed`,
    title: 'A case was closed',
    resourceTypes: ['Task'],
    trigger: (before, after) => isCase(after) && caseStatus(after) === 'avslutat' && caseStatus(before as Task | undefined) !== 'avslutat',
  },
  {
    url: `${TOPIC_BASE}/monitoring-alert`,
    title: 'A self-monitoring alert was raised for the care team (a yellow or red value, or a missed measurement)',
    resourceTypes: ['Task'],
    trigger: (before, after) => {
      const t = after as Task | undefined;
      if (after?.resourceType !== 'Task' || CLOSED_TASK.has(t?.status ?? '')) return false;
      const alert = hasCode(t, ASSESS.system!, ASSESS.code!) || hasCode(t, MISSING.system!, MISSING.code!);
      // A new alert Task, or a new value added to an open one.
      return alert && (!before || ((before as Task).input?.length ?? 0) < (t?.input?.length ?? 0));
    },
  },
  {
    url: `${TOPIC_BASE}/appointment-booked`,
    title: 'An appointment was booked',
    resourceTypes: ['Appointment'],
    trigger: (before, after) => status(after) === 'booked' && status(before) !== 'booked',
  },
  {
    url: `${TOPIC_BASE}/appointment-moved`,
    title: 'A booked appointment was moved to another time',
    resourceTypes: ['Appointment'],
    trigger: (before, after) => !!before && status(after) === 'booked' && status(before) === 'booked' && (before as Appointment).start !== (after as Appointment).start,
  },
  {
    url: `${TOPIC_BASE}/appointment-cancelled`,
    title: 'An appointment was cancelled',
    resourceTypes: ['Appointment'],
    trigger: (before, after) => !!before && status(after) === 'cancelled' && status(before) !== 'cancelled',
  },
  {
    url: `${TOPIC_BASE}/listing-changed`,
    title: 'A listing (an EpisodeOfCare managed by a unit) began, changed or ended',
    resourceTypes: ['EpisodeOfCare'],
    trigger: (before, after) => (after ?? before)?.resourceType === 'EpisodeOfCare' && !!((after ?? before) as EpisodeOfCare).managingOrganization,
  },
  {
    url: `${TOPIC_BASE}/resource-changed`,
    title: 'A resource of a type was created, updated or deleted (the type and any search criteria in a filter)',
    resourceTypes: ['*'],
    needsFilter: true,
    trigger: (before, after) => !!(before ?? after),
  },
];

const BY_URL = new Map(TOPICS.map((t) => [t.url, t]));

export function topicOf(url: string): Topic | undefined {
  return BY_URL.get(url.split('|')[0]!);
}
