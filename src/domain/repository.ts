/**
 * @module domain/repository
 * Resources as the caller may see and change them: applies validation, the access policy
 * (auth/policy.ts) and the access log (auth/audit.ts) around the store. The FHIR interactions and the
 * domain services both go through here: the read predicate handed to the store, the write check, the
 * AuditEvents of reads (queued) and of writes (stored in the same statement or transaction).
 */
import { randomUUID } from 'node:crypto';
import type { AuditEvent, Resource } from '@medplum/fhirtypes';
import { parseSearch } from '../fhir/search/parse.js';
import { auditEvent, type AuditAction } from '../auth/audit.js';
import { readPredicate, writeCheck } from '../auth/policy.js';
import type { Op } from '../auth/scopes.js';
import { errors } from '../fhir/error.js';
import type { Predicate } from '../store/store.js';
import type { DomainContext as FhirContext } from './context.js';
import { FhirError } from '../fhir/error.js';
import { hasErrors } from '../fhir/validate.js';

export function readPolicy(ctx: FhirContext, op: Op = 'r'): Predicate | undefined {
  return readPredicate(ctx.access, ctx.principal.grants, op);
}

export function compartmentsOf(ctx: FhirContext, resource: Resource): string[] {
  return ctx.indexer(resource).compartments;
}

/** Throws 403 unless the caller may write `resource` (with the scope letter `op`). */
export async function checkWrite(ctx: FhirContext, resource: Resource, op: Op, compartments = compartmentsOf(ctx, resource)): Promise<void> {
  const check = writeCheck(ctx.access, ctx.principal.grants, resource.resourceType, compartments, op);
  if ('sql' in check) {
    if (await ctx.store.holds(check.sql)) return;
    throw errors.forbidden(`You may not write this ${resource.resourceType}: ${check.reason}`);
  }
  if (!check.allowed) throw errors.forbidden(`You may not write this ${resource.resourceType}: ${check.reason}`);
}

interface Touched {
  resourceType: string;
  id: string;
  compartments?: readonly string[];
}

/** Queues one AuditEvent per patient whose data a read returned. */
export function auditRead(ctx: FhirContext, interaction: string, touched: readonly Touched[], query?: string): void {
  const events: AuditEvent[] = [];
  const seen = new Set<string>();
  for (const t of touched) {
    for (const patient of t.compartments ?? []) {
      const key = query === undefined ? `${patient}|${t.resourceType}/${t.id}` : patient;
      if (seen.has(key)) continue;
      seen.add(key);
      events.push(
        auditEvent({ principal: ctx.principal, action: 'R', interaction, patient, entity: query === undefined ? `${t.resourceType}/${t.id}` : undefined, query, success: true }),
      );
    }
  }
  if (events.length) ctx.audit.push(events);
}

/** The AuditEvents of a write, to be stored with it. */
export function auditWrite(ctx: FhirContext, interaction: string, action: AuditAction, entity: string, compartments: readonly string[]): AuditEvent[] {
  return compartments.map((patient) => auditEvent({ principal: ctx.principal, action, interaction, patient, entity, success: true }));
}

/** A resource with errors is refused with 422 and the issues, before anything is written. */
export async function validateForWrite(ctx: FhirContext, resource: Resource): Promise<void> {
  const issues = ctx.validator.validate(resource);
  if (hasErrors(issues)) throw new FhirError(422, issues.filter((i) => i.severity !== 'information'));
  if (ctx.pendingChecks) ctx.pendingChecks.push(resource);
  else await runStoredChecks(ctx, resource);
}

/** 422 when a stored check finds an error in `resource`. */
export async function runStoredChecks(ctx: FhirContext, resource: Resource): Promise<void> {
  for (const check of ctx.storedChecks) {
    const issues = await check(ctx, resource);
    if (hasErrors(issues)) throw new FhirError(422, issues);
  }
}

/** Creates a resource as the caller (validation, access check, audit); the id is assigned here. */
export async function createResource<T extends Resource>(ctx: FhirContext, resource: T): Promise<T> {
  const r = { ...resource, id: resource.id ?? randomUUID() } as T;
  await validateForWrite(ctx, r);
  const compartments = compartmentsOf(ctx, r);
  await checkWrite(ctx, r, 'c', compartments);
  const [version] = await ctx.store.createMany([r, ...auditWrite(ctx, 'create', 'C', `${r.resourceType}/${r.id}`, compartments)]);
  return JSON.parse(version!.json!) as T;
}

/** Writes a new version as the caller; `ifMatch` guards against lost updates. */
export async function updateResource<T extends Resource>(ctx: FhirContext, resource: T, ifMatch?: number): Promise<T> {
  await validateForWrite(ctx, resource);
  const compartments = compartmentsOf(ctx, resource);
  await checkWrite(ctx, resource, 'u', compartments);
  const audit = auditWrite(ctx, 'update', 'U', `${resource.resourceType}/${resource.id}`, compartments);
  const policy = readPolicy(ctx);
  const { version } = await ctx.store.update(resource, {
    ...(ifMatch !== undefined ? { ifMatch } : {}),
    ...(audit.length ? { alsoCreate: audit } : {}),
    ...(policy ? { policy } : {}),
  });
  return JSON.parse(version.json!) as T;
}

/** The resource if it exists and the caller may see it (a read is logged). */
export async function readResource<T extends Resource>(ctx: FhirContext, type: T['resourceType'], id: string): Promise<T | undefined> {
  const v = await ctx.store.read(type, id, readPolicy(ctx));
  if (!v || v.deleted) return undefined;
  auditRead(ctx, 'read', [v]);
  return JSON.parse(v.json!) as T;
}

/** A search as the caller (policy applied, logged); at most `count` resources. */
export async function searchResources<T extends Resource>(ctx: FhirContext, type: T['resourceType'], params: [string, string][], count = 100): Promise<T[]> {
  const req = parseSearch([type], params, { registry: ctx.searchParams, resourceTypes: ctx.resourceTypes, strict: true, baseUrl: ctx.config.baseUrl, defaultCount: count, maxCount: 1000 });
  req.total = 'none';
  const policy = readPolicy(ctx, 's');
  const page = await ctx.store.search(req, policy ? { policy } : {});
  auditRead(ctx, 'search-type', page.rows, new URLSearchParams(params).toString());
  return page.rows.map((r) => JSON.parse(r.json) as T);
}
