/**
 * @module domain/subscriptions/check
 * The stored check (domain/repository `StoredCheck`) that holds every Subscription to the R4
 * Subscriptions Backport profile (https://hl7.org/fhir/uv/subscriptions-backport/STU1.1/) on every
 * write: a topic Lots ships in `criteria`, filters that are searches on the topic's resource types
 * with parameters Lots knows, a rest-hook channel with an http(s) endpoint, and a payload content of
 * empty, id-only or full-resource. An R4 query-based Subscription (`Observation?code=...`) is refused
 * with 422, as the R4 examples are (test/fixtures/r4-examples-rejected.json).
 */
import type { Resource, Subscription } from '@medplum/fhirtypes';
import { FhirError, type Issue } from '../../fhir/error.js';
import { readSubscription } from '../../fhir/subscriptions/backport.js';
import type { ServerRepository } from '../repository.js';
import { ownerKey } from './owner.js';
import { TOPICS, topicOf } from './topics.js';

export async function checkSubscription(repo: ServerRepository, resource: Resource): Promise<Issue[]> {
  if (resource.resourceType !== 'Subscription') return [];
  const { spec, issues } = readSubscription(resource as Subscription);
  if (!spec) return issues;
  const topic = topicOf(spec.topic);
  const invalid = (expression: string, diagnostics: string): Issue[] => [{ severity: 'error', code: 'invalid', diagnostics, expression: [expression] }];
  if (!topic) return invalid('Subscription.criteria', `${spec.topic} is not a topic of this server; the topics are: ${TOPICS.map((t) => t.url).join(', ')}`);
  for (const filter of spec.filters) {
    const [type = '', query = ''] = filter.split('?', 2);
    if (!topic.resourceTypes.includes('*') && !topic.resourceTypes.includes(type)) {
      return invalid('Subscription.criteria.extension', `the filter "${filter}" must be a search on ${topic.resourceTypes.join(' or ')}, the resources of ${topic.url}`);
    }
    try {
      repo.parseSearch([type], [...new URLSearchParams(query)], { strict: true });
    } catch (err) {
      if (!(err instanceof FhirError)) throw err;
      return invalid('Subscription.criteria.extension', `the filter "${filter}" is not a valid search: ${err.issues[0]?.diagnostics ?? err.message}`);
    }
  }
  if (await takesOthersSecrets(repo, resource as Subscription)) {
    return invalid('Subscription.channel.header', 'the channel headers are the secrets of the subscription\'s owner: whoever else writes it must send headers of their own (or none)');
  }
  if (topic.needsFilter && spec.filters.length === 0) {
    return invalid('Subscription.criteria.extension', `${topic.url} needs a backport-filter-criteria naming the resource type, e.g. "Observation?code=http://loinc.org|8867-4"`);
  }
  return [];
}

/** A write by someone other than the owner that keeps the owner's headers (e.g. a PATCH of the endpoint). */
async function takesOthersSecrets(repo: ServerRepository, s: Subscription): Promise<boolean> {
  const headers = s.channel?.header ?? [];
  if (!s.id || headers.length === 0) return false;
  const stored = await repo.lookup<Subscription>('Subscription', s.id);
  if (!stored || ownerKey(stored) === ownerKey(s)) return false;
  return headers.some((h) => stored.channel?.header?.includes(h));
}
