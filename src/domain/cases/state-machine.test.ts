import { describe, expect, it } from 'vitest';
import { allowedMoves, CASE_MOVES, CASE_STATUSES, parseStatus, permit, STATUS, transition, type Actor, type CaseMove, type CaseStatus } from './state-machine.js';

describe('case statuses', () => {
  it('map to the Task.status the brief names', () => {
    expect(CASE_STATUSES.map((s) => [STATUS[s].display, STATUS[s].taskStatus])).toEqual([
      ['Ny', 'requested'],
      ['Fördelat', 'accepted'],
      ['Pågående', 'in-progress'],
      ['Väntar på invånare', 'on-hold'],
      ['Svar från invånare', 'in-progress'],
      ['Avslutat', 'completed'],
    ]);
  });

  it('parse from the code or the Swedish name, in any case', () => {
    expect(parseStatus('Avslutat')).toBe('avslutat');
    expect(parseStatus('väntar på invånare')).toBe('vantar-pa-invanare');
    expect(parseStatus('svar-fran-invanare')).toBe('svar-fran-invanare');
    expect(parseStatus('Stängt')).toBeUndefined();
  });
});

describe('transitions', () => {
  // Every (status, move) pair: where it leads, or undefined when the move is not allowed there.
  const table: Record<CaseStatus, Partial<Record<CaseMove, CaseStatus>>> = {
    ny: { assign: 'fordelat', close: 'avslutat' },
    fordelat: { assign: 'fordelat', reply: 'pagaende', ask: 'vantar-pa-invanare', close: 'avslutat' },
    pagaende: { assign: 'pagaende', reply: 'pagaende', ask: 'vantar-pa-invanare', close: 'avslutat' },
    'vantar-pa-invanare': { assign: 'vantar-pa-invanare', answer: 'svar-fran-invanare', close: 'avslutat' },
    'svar-fran-invanare': { assign: 'svar-fran-invanare', reply: 'pagaende', ask: 'vantar-pa-invanare', close: 'avslutat' },
    avslutat: {},
  };
  for (const status of CASE_STATUSES) {
    for (const move of CASE_MOVES) {
      const expected = table[status][move];
      it(`${move} from ${status} ${expected ? `leads to ${expected}` : 'is refused'}`, () => {
        const result = transition(status, move);
        if (expected) expect(result).toEqual({ ok: true, to: expected });
        else expect(result).toEqual({ ok: false, allowed: Object.keys(table[status]).sort((a, b) => CASE_MOVES.indexOf(a as CaseMove) - CASE_MOVES.indexOf(b as CaseMove)) });
      });
    }
  }

  it('allows nothing once closed', () => expect(allowedMoves('avslutat')).toEqual([]));
});

describe('who may move', () => {
  const staff = (over: Partial<Extract<Actor, { kind: 'staff' }>> = {}): Actor => ({ kind: 'staff', inUnit: true, receiver: false, handler: false, assigned: false, ...over });

  it('lets an ärendemottagare assign and close, but not reply', () => {
    const am = staff({ receiver: true });
    expect(permit('assign', am).allowed).toBe(true);
    expect(permit('close', am).allowed).toBe(true);
    expect(permit('reply', am)).toEqual({ allowed: false, reason: expect.stringMatching(/ärendehanterare/) });
  });

  it('lets an ärendehanterare work only the cases assigned to them', () => {
    expect(permit('reply', staff({ handler: true, assigned: true })).allowed).toBe(true);
    expect(permit('ask', staff({ handler: true, assigned: true })).allowed).toBe(true);
    expect(permit('close', staff({ handler: true, assigned: true })).allowed).toBe(true);
    expect(permit('reply', staff({ handler: true }))).toEqual({ allowed: false, reason: expect.stringMatching(/not assigned to you/) });
    expect(permit('close', staff({ handler: true })).allowed).toBe(false);
    expect(permit('assign', staff({ handler: true, assigned: true })).allowed).toBe(false);
  });

  it('refuses staff of another unit everything', () => {
    for (const move of CASE_MOVES) expect(permit(move, staff({ inUnit: false, receiver: true, handler: true, assigned: true })).allowed).toBe(false);
  });

  it('lets only the citizen (or guardian) answer', () => {
    expect(permit('answer', { kind: 'citizen', forPatient: true }).allowed).toBe(true);
    expect(permit('answer', { kind: 'citizen', forPatient: false }).allowed).toBe(false);
    expect(permit('answer', staff({ receiver: true, handler: true, assigned: true })).allowed).toBe(false);
    for (const move of ['assign', 'reply', 'ask', 'close'] as const) expect(permit(move, { kind: 'citizen', forPatient: true }).allowed).toBe(false);
  });

  it('lets system clients make every move', () => {
    for (const move of CASE_MOVES) expect(permit(move, { kind: 'system' }).allowed).toBe(true);
  });
});
