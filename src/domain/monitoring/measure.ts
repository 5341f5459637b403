/**
 * @module domain/monitoring/measure
 * A measurement sent in (`POST Observation`, alone, in a batch, or as a conditional create from a
 * device): every value is checked against physiology; one whose `basedOn` is an active regime of the
 * same patient is evaluated (evaluate.ts) and, when yellow or red, puts a Task in the care team's
 * worklist in the same transaction, unless the regime already has an open one (then the value is
 * added to it, and a red value raises its priority). A regime of another patient is a 422; an ended
 * plan or regime stops alerts (the value is stored as sent).
 */
import { randomUUID } from 'node:crypto';
import type { CarePlan, Observation, Reference, Resource, ServiceRequest, Task } from '@medplum/fhirtypes';
import type { StoredVersion } from '../../store/store.js';
import { FhirError } from '../../fhir/error.js';
import { hasErrors } from '../../fhir/validate.js';
import type { DomainContext } from '../context.js';
import { idOf } from '../cases/server.js';
import { checkWrite } from '../repository.js';
import { ASSESS, type Colour } from './codes.js';
import { openTaskFor, readCarePlan, readRegime as readRegimeResource, recentValues, writeAsServer } from './data.js';
import { checkValues, evaluate, measuredAt, type Evaluation, type RecentValue } from './evaluate.js';
import { readRegime } from './ranges.js';

export interface Prepared {
  evaluation: Evaluation;
  regime: ServiceRequest & { id: string };
  /** Writes what the measurement causes (the Task), once the Observation with `id` is stored in the same transaction. */
  afterStore(ctx: DomainContext, observation: Observation & { id: string }): Promise<void>;
}

/**
 * Creates `resource` through the door (create, conditional create, batch entries); a measurement is
 * evaluated first, and what it causes is written in the same transaction.
 */
export async function createEvaluated(ctx: DomainContext, resource: Resource): Promise<StoredVersion> {
  const measured = resource.resourceType === 'Observation' ? await prepareMeasurement(ctx, resource) : undefined;
  if (!measured) return ctx.repo.create(resource);
  return ctx.repo.transaction(async (repo) => {
    const version = await repo.create(measured.evaluation.observation);
    await measured.afterStore({ ...ctx, repo }, { ...measured.evaluation.observation, id: resource.id! });
    return version;
  });
}

const PRIORITY: Record<Exclude<Colour, 'green'>, Task['priority']> = { yellow: 'urgent', red: 'asap' };

/** Checks the measurement; undefined when it has no active regime to be judged by (stored as sent). */
export async function prepareMeasurement(ctx: DomainContext, o: Observation, now = new Date()): Promise<Prepared | undefined> {
  checkValues(o);
  const i = Array.isArray(o.basedOn) ? o.basedOn.findIndex((b) => idOf(b, 'ServiceRequest')) : -1;
  if (i < 0) return undefined;
  // Judged against a regime only when valid: an invalid measurement is refused by the door's validation.
  if (hasErrors(ctx.validator.validate(o))) return undefined;
  // Who may write it is decided before the regime is looked at, so a stranger gets 403, not a hint.
  await checkWrite(ctx, o, 'c');
  const path = `Observation.basedOn[${i}]`;
  const sr = await readRegimeResource(ctx, idOf(o.basedOn![i], 'ServiceRequest')!);
  if (!sr) throw new FhirError(422, { severity: 'error', code: 'business-rule', diagnostics: `${o.basedOn![i]!.reference} is not a regime you may report to`, expression: [path] });
  const regime = readRegime(sr.extension, 'ServiceRequest');
  if (regime.limits.length === 0 && regime.rules.length === 0) return undefined;
  if (sr.subject?.reference !== o.subject?.reference) {
    throw new FhirError(422, { severity: 'error', code: 'business-rule', diagnostics: `${o.basedOn![i]!.reference} is the regime of another patient than ${o.subject?.reference ?? 'the subject'}`, expression: [path] });
  }
  if (!(await isActive(ctx, sr, measuredAt(o) ?? now.getTime()))) return undefined;
  const recent = regime.rules.length ? await recentOf(ctx, o, Math.max(...regime.rules.map((r) => r.days)), now) : [];
  const evaluation = evaluate(o, regime, recent);
  const regimeWithId = sr as ServiceRequest & { id: string };
  return {
    evaluation,
    regime: regimeWithId,
    afterStore: (tx, stored) => (evaluation.colour === 'green' ? Promise.resolve() : alert(tx, regimeWithId, stored, evaluation.colour, now)),
  };
}

/** An active regime of an active plan whose period has not ended. */
async function isActive(ctx: DomainContext, sr: ServiceRequest, at: number): Promise<boolean> {
  if (sr.status !== 'active') return false;
  const planId = idOf(sr.basedOn?.find((b) => idOf(b, 'CarePlan')), 'CarePlan');
  if (!planId) return true;
  const plan: CarePlan | undefined = await readCarePlan(ctx, planId);
  if (!plan || plan.status !== 'active') return false;
  const end = plan.period?.end ? Date.parse(plan.period.end) : undefined;
  return end === undefined || at <= end;
}

async function recentOf(ctx: DomainContext, o: Observation, days: number, now: Date): Promise<RecentValue[]> {
  const at = measuredAt(o) ?? now.getTime();
  const code = o.code?.coding?.find((c) => c.code);
  if (!code || !o.subject?.reference) return [];
  const found = await recentValues(ctx, o.subject.reference, `${code.system ? `${code.system}|` : ''}${code.code}`, new Date(at - days * 86_400_000));
  return found.flatMap((r) => {
    const t = measuredAt(r);
    const q = r.valueQuantity;
    return t !== undefined && q?.value !== undefined && q.code ? [{ value: q.value, unit: q.code, at: t }] : [];
  });
}

/** A new assessment Task for the care team, or the value added to the regime's open one. */
async function alert(ctx: DomainContext, regime: ServiceRequest & { id: string }, o: Observation & { id: string }, colour: 'yellow' | 'red', now: Date): Promise<void> {
  const regimeRef = `ServiceRequest/${regime.id}`;
  // Two values of one regime at once must not open two Tasks: serialise on the regime.
  await ctx.repo.lock(`monitoring-task:${regimeRef}`);
  const value: Reference = { reference: `Observation/${o.id}` };
  const input = { type: { coding: [{ system: ASSESS.system, code: 'measurement', display: 'Mätvärde' }] }, valueReference: value };
  const open = await openTaskFor(ctx, regimeRef, `${ASSESS.system}|${ASSESS.code}`);
  if (open) {
    const priority = colour === 'red' ? PRIORITY.red : open.priority;
    await writeAsServer(ctx, { ...open, ...(priority ? { priority } : {}), input: [...(open.input ?? []), input], lastModified: now.toISOString() });
    return;
  }
  const task: Task = {
    resourceType: 'Task',
    id: randomUUID(),
    status: 'requested',
    intent: 'order',
    priority: PRIORITY[colour],
    code: { coding: [ASSESS], text: ASSESS.display! },
    description: `${colour === 'red' ? 'Rött' : 'Gult'} mätvärde: ${regime.code?.text ?? 'egenmonitorering'}`,
    basedOn: [{ reference: regimeRef }],
    focus: value,
    ...(regime.subject ? { for: regime.subject } : {}),
    authoredOn: now.toISOString(),
    lastModified: now.toISOString(),
    ...(regime.performer?.[0] ? { owner: regime.performer[0] } : {}),
    input: [input],
  };
  await writeAsServer(ctx, task);
}
