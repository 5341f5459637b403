/**
 * @module domain/advice/note
 * The journal note that ends an advice contact, pure: a `Composition` of type "rådgivningsanteckning"
 * (sections reason, assessment, advice, referral), signed by the nurse: `attester` mode legal with
 * their PractitionerRole (HSA-id through the Practitioner) and the time, status final. A signed note
 * never changes: a new version must be an amendment (status amended, signed again, with a section
 * "rättelse" saying why), which the stored check `signedNoteIssues` enforces on every write.
 */
import type { Composition, CompositionSection, Reference } from '@medplum/fhirtypes';
import type { Issue } from '../../fhir/error.js';
import { ADVICE_SYSTEM, ADVICE_UNIT } from './codes.js';

export const NOTE_TYPE = { system: ADVICE_SYSTEM, code: 'radgivningsanteckning', display: 'Rådgivningsanteckning' } as const;
export const SECTIONS = ['reason', 'assessment', 'advice', 'referral'] as const;
export type SectionName = (typeof SECTIONS)[number];
const SECTION_TITLE: Record<SectionName | 'amendment', string> = { reason: 'Kontaktorsak', assessment: 'Bedömning', advice: 'Råd', referral: 'Hänvisning', amendment: 'Rättelse' };

const escape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function section(name: SectionName | 'amendment', text: string, entry: Reference[] = []): CompositionSection {
  const s: CompositionSection = {
    title: SECTION_TITLE[name],
    code: { coding: [{ system: ADVICE_SYSTEM, code: name, display: SECTION_TITLE[name] }] },
    text: { status: 'additional', div: `<div xmlns="http://www.w3.org/1999/xhtml">${escape(text).replace(/\n/g, '<br/>')}</div>` },
  };
  if (entry.length) s.entry = entry;
  return s;
}

export interface NoteInput {
  patient: string;
  encounter: string;
  nurse: Reference;
  sections: Partial<Record<SectionName, { text: string; entry?: Reference[] }>>;
  at: Date;
}

export function signedNote(n: NoteInput): Composition {
  const at = n.at.toISOString();
  return {
    resourceType: 'Composition',
    status: 'final',
    type: { coding: [NOTE_TYPE], text: NOTE_TYPE.display },
    subject: { reference: n.patient },
    encounter: { reference: n.encounter },
    date: at,
    author: [n.nurse as NonNullable<Composition['author']>[number]],
    title: NOTE_TYPE.display,
    custodian: { reference: ADVICE_UNIT },
    attester: [{ mode: 'legal', time: at, party: n.nurse as NonNullable<Composition['attester']>[number]['party'] }],
    section: SECTIONS.filter((s) => n.sections[s]?.text.trim()).map((s) => section(s, n.sections[s]!.text.trim(), n.sections[s]!.entry ?? [])),
  };
}

export const isAdviceNote = (c: Composition): boolean => (c.type?.coding ?? []).some((x) => x.system === NOTE_TYPE.system && x.code === NOTE_TYPE.code);
export const isSigned = (c: Composition): boolean => (c.attester ?? []).some((a) => a.mode === 'legal' && a.time && a.party);
const amendmentOf = (c: Composition): CompositionSection | undefined => (c.section ?? []).find((s) => s.code?.coding?.some((x) => x.system === ADVICE_SYSTEM && x.code === 'amendment'));

/** What is wrong with writing `next` over the stored `current` note: nothing while unsigned; after signing only an amendment. */
export function signedNoteIssues(current: Composition | undefined, next: Composition): Issue[] {
  if (!current || !isAdviceNote(current) || !isSigned(current)) return [];
  const issues: Issue[] = [];
  const problem = (diagnostics: string, expression: string) => issues.push({ severity: 'error', code: 'business-rule', diagnostics, expression: [expression] });
  if (next.status !== 'amended') problem('The note is signed and cannot change; an amendment is a new version with status amended', 'Composition.status');
  if (!amendmentOf(next)?.text?.div) problem('An amendment of a signed note says why, in a section with the code amendment (Rättelse)', 'Composition.section');
  const signedAgain = (next.attester ?? []).some((a) => a.mode === 'legal' && a.time && a.party && a.time > (current.attester?.find((x) => x.mode === 'legal')?.time ?? ''));
  if (!signedAgain) problem('An amendment is signed again: a legal attester with a later time', 'Composition.attester');
  if (next.subject?.reference !== current.subject?.reference || next.encounter?.reference !== current.encounter?.reference) problem('An amendment stays with the same patient and contact', 'Composition.subject');
  return issues;
}

/** An amendment of the signed `current` note: its sections with those changed, the reason, signed again now. */
export function amendedNote(current: Composition, changes: Partial<Record<SectionName, string>>, reason: string, nurse: Reference, at: Date): Composition {
  const kept = (current.section ?? []).filter((s) => {
    const code = s.code?.coding?.[0]?.code as SectionName | 'amendment' | undefined;
    return code !== 'amendment' && !(code && code in changes);
  });
  const changed = SECTIONS.filter((s) => changes[s]?.trim()).map((s) => section(s, changes[s]!.trim()));
  const order = (s: CompositionSection) => SECTIONS.indexOf(s.code?.coding?.[0]?.code as SectionName);
  return {
    ...current,
    status: 'amended',
    date: at.toISOString(),
    attester: [{ mode: 'legal', time: at.toISOString(), party: nurse as NonNullable<Composition['attester']>[number]['party'] }],
    section: [...[...kept, ...changed].sort((a, b) => order(a) - order(b)), section('amendment', reason)],
  };
}
