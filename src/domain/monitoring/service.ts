/**
 * @module domain/monitoring/service
 * Enrolment (`CarePlan/$enroll`) and its dry run (`PlanDefinition/$apply`): who may do it, which
 * template, and the plan stored in one transaction. The pure part is enroll.ts.
 */
import type { CarePlan, PlanDefinition, ServiceRequest } from '@medplum/fhirtypes';
import { errors } from '../../fhir/error.js';
import type { DomainContext } from '../context.js';
import { idOf, staffRoleAt, worksAt } from '../cases/server.js';
import { isTemplate } from './check-template.js';
import { findTemplate, patientExists, readTemplate, storePlan } from './data.js';
import { planFromTemplate, type Override } from './enroll.js';

export interface EnrollInput {
  template: string;
  patient: string;
  unit: string;
  end?: string;
  override: Override[];
}

/** Enrols the patient: staff of the unit (or a system client) only. */
export async function enroll(ctx: DomainContext, input: EnrollInput, now = new Date()): Promise<{ carePlan: CarePlan; regimes: ServiceRequest[] }> {
  const unitId = idOf(input.unit, 'Organization')!;
  const p = ctx.principal;
  if (p.kind === 'citizen') throw errors.forbidden('Only the care team enrols a patient in self-monitoring');
  if (p.kind === 'staff' && !worksAt(p, unitId)) throw errors.forbidden(`${input.unit} is not one of your units: staff enrol patients for their own unit`);
  const template = await findTemplate(ctx, input.template);
  if (!template || !isTemplate(template)) throw errors.businessRule(`template: ${input.template} is not a monitoring template`, ['template']);
  if (!(await patientExists(ctx, idOf(input.patient, 'Patient')!))) throw errors.businessRule(`patient: ${input.patient} is not known`, ['patient']);
  const end = input.end ? new Date(input.end) : undefined;
  if (end && !(end.getTime() > now.getTime())) throw errors.businessRule('end: the plan must end after it starts (now)', ['end']);
  const role = await staffRoleAt(ctx, unitId);
  const { carePlan, regimes } = planFromTemplate({
    template,
    patient: input.patient,
    unit: { reference: input.unit },
    requester: { reference: role ?? input.unit },
    overrides: input.override,
    start: now,
    ...(end ? { end } : {}),
  });
  return storePlan(ctx, carePlan, regimes);
}

/** The CarePlan enrolment would store, unsaved, with its regimes contained (R4 PlanDefinition/$apply). */
export async function apply(ctx: DomainContext, templateId: string, input: { subject: string; organization?: string }, now = new Date()): Promise<CarePlan> {
  const template: PlanDefinition | undefined = await readTemplate(ctx, templateId);
  if (!template) throw errors.notFound(`PlanDefinition/${templateId} is not known`);
  if (!isTemplate(template)) throw errors.businessRule(`PlanDefinition/${templateId} is not a monitoring template; Lots applies only those`);
  const ref = { reference: input.organization ?? '' };
  const { carePlan } = planFromTemplate({ template, patient: input.subject, unit: ref, requester: ref, overrides: [], start: now, contained: true });
  // Without an organization the plan has no owner yet: enrolment names the unit.
  if (!input.organization) {
    delete carePlan.author;
    for (const r of (carePlan.contained ?? []) as ServiceRequest[]) {
      delete r.requester;
      delete r.performer;
    }
  }
  return carePlan;
}
