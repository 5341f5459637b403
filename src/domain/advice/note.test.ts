import { describe, expect, it } from 'vitest';
import { amendedNote, signedNote, signedNoteIssues } from './note.js';

const nurse = { reference: 'PractitionerRole/sara' };
const note = { ...signedNote({ patient: 'Patient/p', encounter: 'Encounter/e', nurse, sections: { reason: { text: 'Hosta' }, assessment: { text: 'Egenvård <ok>' } }, at: new Date('2026-12-24T18:10:00Z') }), id: 'n1' };
const codes = (issues: { code: string }[]) => issues.map((i) => i.code);

describe('the signed advice note', () => {
  it('is final, attested (legal) by the nurse, with the sections given in order and their text escaped', () => {
    expect(note).toMatchObject({ status: 'final', attester: [{ mode: 'legal', party: nurse, time: '2026-12-24T18:10:00.000Z' }] });
    expect(note.section!.map((s) => s.code!.coding![0]!.code)).toEqual(['reason', 'assessment']);
    expect(note.section![1]!.text!.div).toContain('Egenvård &lt;ok&gt;');
  });

  it('cannot change once signed', () => {
    const edited = { ...note, section: [note.section![0]!] };
    expect(codes(signedNoteIssues(note, edited))).toEqual(['business-rule', 'business-rule', 'business-rule']);
  });

  it('may be amended: status amended, signed again later, with the reason, sections kept in order', () => {
    const amended = amendedNote(note, { assessment: 'Egenvård, ring igen vid feber' }, 'Fel nivå i första versionen', nurse, new Date('2026-12-24T19:00:00Z'));
    expect(signedNoteIssues(note, amended)).toEqual([]);
    expect(amended.section!.map((s) => s.code!.coding![0]!.code)).toEqual(['reason', 'assessment', 'amendment']);
    expect(amended.section![1]!.text!.div).toContain('ring igen vid feber');
  });

  it('an amendment may not move the note to another patient', () => {
    const amended = amendedNote(note, {}, 'skäl', nurse, new Date('2026-12-24T19:00:00Z'));
    expect(codes(signedNoteIssues(note, { ...amended, subject: { reference: 'Patient/other' } }))).toEqual(['business-rule']);
  });

  it('an unsigned or other Composition is not held', () => {
    expect(signedNoteIssues(undefined, note)).toEqual([]);
    expect(signedNoteIssues({ ...note, attester: [] }, { ...note, status: 'preliminary' })).toEqual([]);
  });
});
