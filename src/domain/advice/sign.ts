/**
 * @module domain/advice/sign
 * Signing the contact's journal note, and amending it (docs/advice.md). The nurse of the advice unit
 * signs while the contact is open; the sections not written by the nurse are filled from what the
 * contact recorded (the reason for contact and the assessment, the advice sent).
 */
import type { Appointment, Communication, Composition, QuestionnaireResponse, Reference, RiskAssessment } from '@medplum/fhirtypes';
import { errors, FhirError } from '../../fhir/error.js';
import type { DomainContext } from '../context.js';
import { asServer as serverContext, createResource, readResource, updateResource } from '../repository.js';
import { answersOf } from '../triage/rules.js';
import { factsOf } from './assess.js';
import { ADVICE_SOFTWARE } from './codes.js';
import { notOpen } from './contact.js';
import { amendedNote, isAdviceNote, isSigned, signedNote, type SectionName } from './note.js';
import { nurseReference, readContact, requireNurse } from './service.js';

const asServer = (ctx: DomainContext) => serverContext(ctx, ADVICE_SOFTWARE);

export type SectionTexts = Partial<Record<SectionName, string>>;

/** Signs the contact's note; 409 when the contact is closed or already has one (amend it instead). */
export async function signNote(ctx: DomainContext, encounterId: string, texts: SectionTexts, now = new Date()): Promise<Composition> {
  requireNurse(ctx);
  const encounter = await readContact(ctx, encounterId);
  const why = notOpen(encounter);
  if (why) throw errors.conflict(why);
  const nurse = await nurseReference(ctx);
  if (!nurse?.reference) throw errors.forbidden('A note is signed by a nurse known to the catalogue (Practitioner with HSA-id)');
  const ref = `Encounter/${encounterId}`;
  const server = asServer(ctx);
  const [assessment] = await server.repo.find<RiskAssessment>('RiskAssessment', [['encounter', ref]], 1);
  const advice = await server.repo.find<Communication>('Communication', [['encounter', ref]], 50);
  const booked = await server.repo.find<Appointment>('Appointment', [['supporting-info', ref], ['status', 'booked']], 10);
  const sections = await defaultSections(server.repo, assessment, advice);
  if (booked.length) sections.referral = { text: booked.map(bookedText).join('\n'), entry: booked.map((a) => ({ reference: `Appointment/${a.id}` })) };
  for (const [k, v] of Object.entries(texts) as [SectionName, string][]) if (v?.trim()) sections[k] = { text: v, entry: sections[k]?.entry ?? [] };
  if (!sections.assessment && !sections.reason) {
    throw new FhirError(422, { code: 'required', diagnostics: 'The note needs at least the reason for contact or the assessment: assess the contact first, or write them (parameters reason, assessment)', expression: ['assessment'] });
  }
  return ctx.repo.transaction(async (repo) => {
    const tx = asServer({ ...ctx, repo });
    await repo.lock(`advice-note:${encounterId}`);
    const [existing] = await tx.repo.find<Composition>('Composition', [['encounter', ref]], 1);
    if (existing) throw errors.conflict(`The contact already has its signed note (Composition/${existing.id}); amend it with $amend-note`);
    return createResource(tx, signedNote({ patient: encounter.subject!.reference!, encounter: ref, nurse, sections, at: now }));
  });
}

type Sections = Partial<Record<SectionName, { text: string; entry: Reference[] }>>;

async function defaultSections(server: ReturnType<typeof asServer>['repo'], assessment: RiskAssessment | undefined, advice: Communication[]): Promise<Sections> {
  const out: Sections = {};
  if (assessment) {
    const f = factsOf(assessment);
    const rationale = assessment.prediction?.[0]?.rationale;
    const rule = f.rule === 'no-rule' ? 'ingen regel gällde' : `regel ${f.rule}`;
    out.assessment = {
      text: `Triagereglernas förslag: ${f.suggested} (${rule}). Sjuksköterskans bedömning: ${f.final}.${rationale ? ` Skäl: ${rationale}` : ''}`,
      entry: [{ reference: `RiskAssessment/${assessment.id}` }],
    };
    const qrRef = assessment.basis?.find((b) => b.reference?.startsWith('QuestionnaireResponse/'))?.reference;
    const qr = qrRef ? await server.lookup<QuestionnaireResponse>('QuestionnaireResponse', qrRef.slice('QuestionnaireResponse/'.length)) : undefined;
    const reason = qr ? answersOf(qr, 'reason')[0]?.valueCoding : undefined;
    if (reason) out.reason = { text: reason.display ?? reason.code ?? '', entry: [{ reference: qrRef! }] };
  }
  if (advice.length) {
    out.advice = { text: advice.map((c) => c.payload?.map((p) => p.contentString).filter(Boolean).join('\n') ?? '').join('\n\n'), entry: advice.map((c) => ({ reference: `Communication/${c.id}` })) };
  }
  return out;
}

const STOCKHOLM = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm', dateStyle: 'short', timeStyle: 'short' });

/** "Bokad tid 2026-12-07 08:00 hos Anna Lind, Vårdcentralen Centrum" from what the Appointment names. */
function bookedText(a: Appointment): string {
  const who = a.participant.map((p) => p.actor?.display).filter(Boolean).join(', ');
  return `Bokad tid ${a.start ? STOCKHOLM.format(new Date(a.start)) : ''}${who ? ` hos ${who}` : ''}`.trim();
}

/** Amends a signed note: a new version, status amended, signed again by the nurse, with the reason. */
export async function amendNote(ctx: DomainContext, compositionId: string, changes: SectionTexts, reason: string, now = new Date()): Promise<Composition> {
  requireNurse(ctx);
  const current = await readResource<Composition>(ctx, 'Composition', compositionId);
  if (!current) throw errors.notFound(`Composition/${compositionId} is not known`);
  if (!isAdviceNote(current) || !isSigned(current)) throw errors.businessRule(`Composition/${compositionId} is not a signed advice note`);
  const nurse = await nurseReference(ctx);
  if (!nurse?.reference) throw errors.forbidden('A note is signed by a nurse known to the catalogue (Practitioner with HSA-id)');
  return updateResource(asServer(ctx), { ...amendedNote(current, changes, reason, nurse, now), id: compositionId }, Number(current.meta!.versionId));
}
