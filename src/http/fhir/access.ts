/**
 * @module http/fhir/access
 * Applies the access policy (auth/policy.ts) and writes the access log (auth/audit.ts) for the
 * interactions: the read predicate handed to the store, the write check, and the AuditEvents of reads
 * (queued) and writes (returned, to be stored in the same transaction as the write).
 */
import type { AuditEvent, Resource } from '@medplum/fhirtypes';
import { auditEvent, type AuditAction } from '../../auth/audit.js';
import { readPredicate, writeCheck } from '../../auth/policy.js';
import type { Op } from '../../auth/scopes.js';
import { errors } from '../../fhir/error.js';
import { patientCompartments } from '../../fhir/search/patient-compartments.js';
import type { Predicate } from '../../store/store.js';
import type { FhirContext } from './types.js';

export function readPolicy(ctx: FhirContext, op: Op = 'r'): Predicate | undefined {
  return readPredicate(ctx.access, ctx.principal.grants, op);
}

export function compartmentsOf(ctx: FhirContext, resource: Resource): string[] {
  return patientCompartments(ctx.searchParams, resource, ctx.config.baseUrl);
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
