/**
 * @module domain/monitoring/enroll
 * A template made into a patient's plan: one CarePlan (active, owned by the unit, for a period) and
 * one ServiceRequest per measurement (a "regime") carrying the patient's limits, the advice and the
 * change rules copied from the template, with the care team's overrides applied. The regime is
 * self-contained, so a later change of the template does not move an enrolled patient's limits, and
 * a clinician changes this patient's limits by updating the ServiceRequest (its history shows who and
 * when). Pure.
 */
import { randomUUID } from 'node:crypto';
import type { CarePlan, Coding, Extension, Organization, PlanDefinition, PlanDefinitionAction, PractitionerRole, Range, Reference, ServiceRequest } from '@medplum/fhirtypes';
import { errors } from '../../fhir/error.js';
import { EXT, TEMPLATE_TOPIC, VITAL_SIGNS } from './codes.js';
import { limitsExtension, readRegime } from './ranges.js';

export interface Override {
  code: Coding;
  yellow?: Range;
  red?: Range;
}

export interface EnrollFacts {
  template: PlanDefinition;
  /** `Patient/x`. */
  patient: string;
  /** `Organization/x`: the unit whose care team follows the plan and receives its Tasks. */
  unit: Reference<Organization>;
  /** The staff member who enrolled (PractitionerRole), or the unit. */
  requester: Reference<PractitionerRole | Organization>;
  overrides: readonly Override[];
  start: Date;
  end?: Date;
  /** Local ids (`#x`) for contained resources ($apply) instead of stored ids. */
  contained?: boolean;
}

export interface Plan {
  carePlan: CarePlan;
  regimes: ServiceRequest[];
}

export function planFromTemplate(f: EnrollFacts): Plan {
  checkOverrides(f.template, f.overrides);
  const carePlanId = f.contained ? 'careplan' : randomUUID();
  const regimes = (f.template.action ?? []).map((a, i) => regime(f, a, f.contained ? `regime-${a.id ?? i}` : randomUUID(), carePlanId));
  const canonical = f.template.version ? `${f.template.url}|${f.template.version}` : f.template.url!;
  const carePlan: CarePlan = {
    resourceType: 'CarePlan',
    status: 'active',
    intent: 'plan',
    instantiatesCanonical: [canonical],
    category: [{ coding: [TEMPLATE_TOPIC], text: 'Egenmonitorering' }],
    title: f.template.title ?? 'Egenmonitorering',
    subject: { reference: f.patient },
    period: { start: f.start.toISOString(), ...(f.end ? { end: f.end.toISOString() } : {}) },
    created: f.start.toISOString(),
    author: f.unit,
    activity: regimes.map((r) => ({ reference: { reference: f.contained ? `#${r.id}` : `ServiceRequest/${r.id}`, display: r.code?.text ?? '' } })),
  };
  if (f.contained) carePlan.contained = regimes;
  else carePlan.id = carePlanId;
  return { carePlan, regimes };
}

function regime(f: EnrollFacts, action: PlanDefinitionAction, id: string, carePlanId: string): ServiceRequest {
  const code = action.code?.[0];
  const extension: Extension[] = [];
  for (const e of action.extension ?? []) {
    if (e.url !== EXT.range) {
      extension.push(e);
      continue;
    }
    const own = readRegime([e], 'x').limits[0]!;
    const o = f.overrides.find((x) => x.code.code === own.code.code);
    extension.push(o ? limitsExtension({ code: own.code, ...(o.yellow ?? own.yellow ? { yellow: (o.yellow ?? own.yellow)! } : {}), ...(o.red ?? own.red ? { red: (o.red ?? own.red)! } : {}) }) : e);
  }
  // An override for a quantity the template gives no limits for (e.g. a weight band) adds them.
  const codes = (action.code ?? []).flatMap((c) => c.coding ?? []);
  for (const o of f.overrides) {
    const has = extension.some((e) => e.url === EXT.range && e.extension?.find((x) => x.url === 'code')?.valueCoding?.code === o.code.code);
    if (!has && codes.some((c) => c.code === o.code.code)) extension.push(limitsExtension(o));
  }
  const sr: ServiceRequest = {
    resourceType: 'ServiceRequest',
    id,
    extension,
    instantiatesCanonical: [`${f.template.url}#${action.id}`],
    basedOn: [{ reference: f.contained ? `#${carePlanId}` : `CarePlan/${carePlanId}` }],
    status: 'active',
    intent: 'plan',
    category: [{ coding: [VITAL_SIGNS] }],
    subject: { reference: f.patient },
    authoredOn: f.start.toISOString(),
    requester: f.requester,
    performer: [f.unit],
  };
  if (code) sr.code = { ...code, text: code.text ?? action.title ?? code.coding?.[0]?.display ?? '' };
  if (action.timingTiming) sr.occurrenceTiming = action.timingTiming;
  return sr;
}

/** Every override names a quantity the template measures (a limit's code or an action's code). */
function checkOverrides(template: PlanDefinition, overrides: readonly Override[]): void {
  const known = new Set<string>();
  (template.action ?? []).forEach((a, i) => {
    for (const c of a.code?.[0]?.coding ?? []) if (c.code) known.add(c.code);
    for (const l of readRegime(a.extension, `PlanDefinition.action[${i}]`).limits) if (l.code.code) known.add(l.code.code);
  });
  overrides.forEach((o, i) => {
    if (!o.code.code || !known.has(o.code.code)) {
      throw errors.businessRule(`override[${i}].code: the template measures ${[...known].join(', ')}, not ${o.code.code ?? '(no code)'}`, [`override[${i}].code`]);
    }
  });
}
