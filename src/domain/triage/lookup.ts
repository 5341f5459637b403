/**
 * @module domain/triage/lookup
 * Finding what a triage needs in the store: the rule set (the active one for the form, or the one the
 * caller names), the Questionnaire, the codes of its ValueSets, the patient's listed unit, and who the
 * caller is as a FHIR reference (Patient, RelatedPerson, Practitioner).
 */
import type { EpisodeOfCare, Patient, PlanDefinition, Practitioner, Questionnaire, Reference, RelatedPerson, Resource, ValueSet } from '@medplum/fhirtypes';
import { HSA_ID_SYSTEM } from '../../auth/audit.js';
import { errors, FhirError } from '../../fhir/error.js';
import { PERSONNUMMER_SYSTEM } from '../../fhir/identifiers/personnummer.js';
import type { DomainContext } from '../context.js';
import { asServer as serverContext, searchResources, type ServerRepository } from '../repository.js';
import type { ValueSetCodes } from './answers.js';
import { isTriageRuleSet } from './rules.js';

export const TRIAGE_SOFTWARE = 'lots-triage';

/**
 * Triage acting with the server's rights after the caller's right to the operation was checked, on the
 * caller's behalf (domain/repository.ts): the access log names the citizen and `lots-triage`.
 */
export function asServer(ctx: DomainContext): DomainContext & { repo: ServerRepository } {
  return serverContext(ctx, TRIAGE_SOFTWARE);
}

export function splitCanonical(canonical: string): { url: string; version?: string } {
  const [url = '', version] = canonical.split('|');
  return version ? { url, version } : { url };
}

/** The stored resources with this canonical (and version, when given) among `statuses`, newest first. */
export async function byCanonical<T extends Resource>(ctx: Pick<DomainContext, 'repo'>, type: T['resourceType'], canonical: string, statuses: readonly string[]): Promise<T[]> {
  const { url, version } = splitCanonical(canonical);
  const params: [string, string][] = [
    ['url', url],
    ['status', statuses.join(',')],
    ['_sort', '-_lastUpdated'],
  ];
  if (version) params.push(['version', version]);
  return searchResources<T>(ctx, type, params, 20);
}

/**
 * The rule set to apply: the one named (citizens may name only active ones; staff and systems may test
 * drafts), else the active eca-rule PlanDefinition that depends on the response's Questionnaire.
 */
export async function findRuleSet(ctx: DomainContext, questionnaireCanonical: string | undefined, named?: string): Promise<PlanDefinition> {
  if (named) {
    const statuses = ctx.principal.kind === 'citizen' ? ['active'] : ['active', 'draft'];
    const [plan] = await byCanonical<PlanDefinition>(ctx, 'PlanDefinition', named, statuses);
    if (!plan) throw errors.badRequest(`planDefinition: no ${statuses.join(' or ')} rule set ${named} is known`, ['Parameters.parameter.where(name=\'planDefinition\')']);
    if (!isTriageRuleSet(plan)) throw errors.businessRule(`planDefinition: ${named} is not a triage rule set (no action names a triage level)`);
    return plan;
  }
  if (!questionnaireCanonical) throw missingQuestionnaire();
  const { url } = splitCanonical(questionnaireCanonical);
  const [plan, ...others] = await ruleSetsReading(ctx, url, ['active']);
  if (!plan) {
    throw new FhirError(422, { code: 'not-found', diagnostics: `No active triage rule set reads the form ${url}, so this response cannot be triaged`, expression: ['QuestionnaireResponse.questionnaire'] });
  }
  if (others.length) {
    ctx.log.warn('several active triage rule sets read the same form; the most recently updated is used', { form: url, used: `PlanDefinition/${plan.id}`, others: others.map((o) => `PlanDefinition/${o.id}`) });
  }
  return plan;
}

/** The triage rule sets among `statuses` that read the form with this canonical URL, newest first. */
export async function ruleSetsReading(ctx: Pick<DomainContext, 'repo'>, url: string, statuses: readonly string[]): Promise<PlanDefinition[]> {
  const plans = await searchResources<PlanDefinition>(
    ctx,
    'PlanDefinition',
    [
      ['status', statuses.join(',')],
      ['type', 'http://terminology.hl7.org/CodeSystem/plan-definition-type|eca-rule'],
      ['_sort', '-_lastUpdated'],
    ],
    200,
  );
  return plans.filter((p) => {
    const form = dependsOn(p);
    return isTriageRuleSet(p) && form !== undefined && splitCanonical(form).url === url;
  });
}

/** The canonical of the Questionnaire a rule set reads (relatedArtifact depends-on). */
export function dependsOn(plan: PlanDefinition): string | undefined {
  return (plan.relatedArtifact ?? []).find((a) => a.type === 'depends-on' && a.resource)?.resource;
}

export const missingQuestionnaire = (): FhirError =>
  new FhirError(422, { code: 'required', diagnostics: 'The response must say which form it answers (QuestionnaireResponse.questionnaire)', expression: ['QuestionnaireResponse.questionnaire'] });

/** The Questionnaire the rule set depends on, checked against the one the response says it answers. */
export async function findQuestionnaire(ctx: DomainContext, plan: PlanDefinition, answered: string | undefined): Promise<Questionnaire> {
  if (!answered) throw missingQuestionnaire();
  const form = dependsOn(plan);
  if (!form) throw new FhirError(500, { code: 'processing', diagnostics: `The rule set ${plan.url} does not name the Questionnaire it reads (relatedArtifact depends-on)` });
  const want = splitCanonical(form);
  const got = splitCanonical(answered);
  if (want.url !== got.url) {
    throw new FhirError(422, {
      code: 'business-rule',
      diagnostics: `The rule set ${plan.url} reads answers to ${want.url}, but this response answers ${got.url}`,
      expression: ['QuestionnaireResponse.questionnaire'],
    });
  }
  const [questionnaire] = await byCanonical<Questionnaire>(ctx, 'Questionnaire', got.version ? answered : form, ['active', 'draft', 'retired']);
  if (!questionnaire) throw new FhirError(422, { code: 'not-found', diagnostics: `The form ${answered} is not known to this server`, expression: ['QuestionnaireResponse.questionnaire'] });
  return questionnaire;
}

/** The enumerated codes of the ValueSets a Questionnaire's items draw their answers from. */
export async function valueSetCodes(ctx: Pick<DomainContext, 'repo'>, questionnaire: Questionnaire): Promise<ValueSetCodes> {
  const urls = new Set<string>();
  const walk = (items: Questionnaire['item']) => {
    for (const i of items ?? []) {
      if (i.answerValueSet) urls.add(i.answerValueSet);
      walk(i.item);
    }
  };
  walk(questionnaire.item);
  const codes = new Map<string, Set<string>>();
  for (const canonical of urls) {
    const [vs] = await byCanonical<ValueSet>(ctx, 'ValueSet', canonical, ['active', 'draft']);
    if (!vs) continue;
    const set = new Set<string>();
    let complete = true;
    for (const inc of vs.compose?.include ?? []) {
      if (!inc.concept?.length || inc.filter?.length || inc.valueSet?.length) complete = false;
      for (const c of inc.concept ?? []) set.add(`${inc.system}|${c.code}`);
    }
    for (const c of vs.expansion?.contains ?? []) set.add(`${c.system}|${c.code}`);
    if (complete || vs.expansion) codes.set(canonical, set);
  }
  return (url) => codes.get(url);
}

/** The patient's listed primary-care unit (`Organization/x`), from the active listing (EpisodeOfCare). */
export async function listedUnit(ctx: DomainContext, patient: string): Promise<string | undefined> {
  const listings = await searchResources<EpisodeOfCare>(asServer(ctx), 'EpisodeOfCare', [
    ['patient', patient],
    ['status', 'active'],
    ['_sort', '-_lastUpdated'],
  ]);
  return listings.find((l) => l.managingOrganization?.reference?.startsWith('Organization/'))?.managingOrganization?.reference;
}

/**
 * The caller as a FHIR reference: a citizen as the Patient (or, for a child, the RelatedPerson through
 * which they act), staff as their Practitioner (by HSA-id), a system client as nothing.
 */
export async function callerReference(ctx: DomainContext, patient?: Patient): Promise<Reference<Patient | RelatedPerson | Practitioner> | undefined> {
  const p = ctx.principal;
  const server = asServer(ctx);
  if (p.kind === 'citizen') {
    if (!patient) return { identifier: { system: PERSONNUMMER_SYSTEM, value: p.personnummer } };
    if ((patient.identifier ?? []).some((i) => i.system === PERSONNUMMER_SYSTEM && i.value === p.personnummer)) return { reference: `Patient/${patient.id}` };
    const [rp] = await searchResources<RelatedPerson>(server, 'RelatedPerson', [
      ['identifier', `${PERSONNUMMER_SYSTEM}|${p.personnummer}`],
      ['patient', `Patient/${patient.id}`],
    ]);
    return rp ? { reference: `RelatedPerson/${rp.id}` } : { identifier: { system: PERSONNUMMER_SYSTEM, value: p.personnummer } };
  }
  if (p.kind === 'staff') {
    const [who] = await searchResources<Practitioner>(server, 'Practitioner', [['identifier', `${HSA_ID_SYSTEM}|${p.hsaId}`]]);
    const name = who?.name?.[0];
    const display = name ? [...(name.given ?? []), name.family].filter(Boolean).join(' ') : undefined;
    if (who) return display ? { reference: `Practitioner/${who.id}`, display } : { reference: `Practitioner/${who.id}` };
    return { identifier: { system: HSA_ID_SYSTEM, value: p.hsaId } };
  }
  return undefined;
}
