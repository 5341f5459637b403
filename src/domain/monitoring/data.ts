/**
 * @module domain/monitoring/data
 * Every read and write of the monitoring service, in one small file: through the repository helpers
 * (src/domain/repository.ts) with the caller's policy, or, where the service has itself checked the
 * caller, as the server on the caller's behalf (the AuditEvents still name the caller), as the cases
 * service does. Lookups that decide something (does the patient exist, which template) are made as
 * the server and not shown to the caller, so they are not logged.
 */
import type { CarePlan, Observation, Patient, PlanDefinition, Resource, ServiceRequest, Task } from '@medplum/fhirtypes';
import type { DomainContext } from '../context.js';
import { asServer as serverOf, createResource, readResource, searchResources, updateResource } from '../repository.js';

/** The name the access log gives the monitoring service when it acts on a person's behalf. */
export const MONITORING_SOFTWARE = 'lots-monitoring';

/** The server's rights on the caller's behalf, after the service has checked the caller. */
export const asServer = (ctx: DomainContext): ReturnType<typeof serverOf> => serverOf(ctx, MONITORING_SOFTWARE);
const findAsServer = <T extends Resource>(ctx: DomainContext, type: T['resourceType'], params: [string, string][], count = 100): Promise<T[]> =>
  asServer(ctx).repo.find<T>(type, params, count);
const readAsServer = <T extends Resource>(ctx: DomainContext, type: T['resourceType'], id: string): Promise<T | undefined> => asServer(ctx).repo.lookup<T>(type, id);

export async function findTemplate(ctx: DomainContext, canonical: string): Promise<PlanDefinition | undefined> {
  const [url, version] = canonical.split('|');
  const params: [string, string][] = [['url', url!]];
  if (version) params.push(['version', version]);
  const found = await findAsServer<PlanDefinition>(ctx, 'PlanDefinition', params, 10);
  return found.find((p) => p.status !== 'retired') ?? found[0];
}

export const readTemplate = (ctx: DomainContext, id: string): Promise<PlanDefinition | undefined> => readResource<PlanDefinition>(ctx, 'PlanDefinition', id);

export const patientExists = async (ctx: DomainContext, id: string): Promise<boolean> => !!(await readAsServer<Patient>(ctx, 'Patient', id));

/** Stores the plan and its regimes in one transaction, as the server on behalf of the caller. */
export function storePlan(ctx: DomainContext, carePlan: CarePlan, regimes: ServiceRequest[]): Promise<{ carePlan: CarePlan; regimes: ServiceRequest[] }> {
  return ctx.repo.transaction(async (repo) => {
    const server = asServer({ ...ctx, repo });
    const stored: ServiceRequest[] = [];
    for (const r of regimes) stored.push(await createResource(server, r));
    return { carePlan: await createResource(server, carePlan), regimes: stored };
  });
}

/** The regime a measurement is based on, as the caller may see it. */
export const readRegime = (ctx: DomainContext, id: string): Promise<ServiceRequest | undefined> => readResource<ServiceRequest>(ctx, 'ServiceRequest', id);

export const readCarePlan = (ctx: DomainContext, id: string): Promise<CarePlan | undefined> => readAsServer<CarePlan>(ctx, 'CarePlan', id);

/** The open assessment Task of a regime, if any (looked up as the server: the decision is the service's). */
export async function openTaskFor(ctx: DomainContext, regimeRef: string, code: string): Promise<Task | undefined> {
  const tasks = await findAsServer<Task>(ctx, 'Task', [['based-on', regimeRef], ['code', code], ['status', 'requested,received,accepted,ready,in-progress,on-hold']], 1);
  return tasks[0];
}

/** The patient's values of `code` since `since`, as the caller may see them. */
export function recentValues(ctx: DomainContext, patient: string, code: string, since: Date): Promise<Observation[]> {
  return searchResources<Observation>(ctx, 'Observation', [['subject', patient], ['code', code], ['date', `ge${since.toISOString()}`], ['_sort', '-date']], 200);
}

/** Writes as the server on the caller's behalf (a Task for the care team made by a citizen's measurement). */
export const writeAsServer = <T extends Resource>(ctx: DomainContext, resource: T): Promise<T> =>
  resource.meta?.versionId ? updateResource(asServer(ctx), resource) : createResource(asServer(ctx), resource);

/** Active regimes (ServiceRequests with limits or rules are filtered by the caller), as the server. */
export const activeRegimes = (ctx: DomainContext): Promise<ServiceRequest[]> =>
  findAsServer<ServiceRequest>(ctx, 'ServiceRequest', [['status', 'active'], ['category', 'vital-signs']], 1000);

/** When the values of a regime were measured since `since`, as the server (to decide, not to show). */
export async function measuredTimes(ctx: DomainContext, regimeRef: string, since: Date): Promise<Observation[]> {
  return findAsServer<Observation>(ctx, 'Observation', [['based-on', regimeRef], ['date', `ge${since.toISOString()}`]], 1000);
}

/** A Task by its identifier (system|value), as the server. */
export async function taskByIdentifier(ctx: DomainContext, token: string): Promise<Task | undefined> {
  return (await findAsServer<Task>(ctx, 'Task', [['identifier', token]], 1))[0];
}

/** A patient's values of `code` (as the value or a component) in [start, end), oldest first, as the caller may see them. */
export function seriesAsCaller(ctx: DomainContext, patient: string, code: string, start: string, end: string): Promise<Observation[]> {
  return searchResources<Observation>(ctx, 'Observation', [['subject', patient], ['combo-code', code], ['date', `ge${start}`], ['date', `lt${end}`], ['_sort', 'date']], 1000);
}

/** The patient's active regimes, as the caller may see them. */
export function regimesAsCaller(ctx: DomainContext, patient: string): Promise<ServiceRequest[]> {
  return searchResources<ServiceRequest>(ctx, 'ServiceRequest', [['subject', patient], ['status', 'active'], ['category', 'vital-signs']], 100);
}
