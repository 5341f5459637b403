import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { casesApp, move, openCase, openFreeText, p, type CasesApp } from './cases-fixtures.js';

let t: CasesApp;
const ERIK = 'PractitionerRole/erik-berg-vc-centrum';
const ANNA = 'PractitionerRole/anna-lind-vc-centrum';
/** The cases, by what they are. */
const c = { ny: '', fordelat: '', pagaende: '', vantar: '', avslutat: '', teleborg: '' };

beforeAll(async () => {
  t = await casesApp();
  c.ny = await openFreeText(t, t.tokens.sven, 'vc-centrum', 'Ont i ryggen');
  const recept = await openCase(t, t.tokens.sven, {
    type: 'fornya-recept',
    unit: 'vc-centrum',
    response: { resourceType: 'QuestionnaireResponse', status: 'completed', item: [{ linkId: 'lakemedel', answer: [{ valueString: 'Enalapril' }] }] },
  });
  c.fordelat = recept.body.id;
  await move(t, t.tokens.annaReceiver, c.fordelat, 'assign', p.ref('handler', ERIK));
  c.pagaende = await openFreeText(t, t.tokens.lisa, 'vc-centrum', 'Olle hostar', 'Patient/olle-andersson');
  await move(t, t.tokens.annaReceiver, c.pagaende, 'assign');
  await move(t, t.tokens.annaHandler, c.pagaende, 'reply', p.str('message', 'Kom på besök'));
  c.avslutat = await openFreeText(t, t.tokens.sven, 'vc-centrum', 'Tack för senast');
  await move(t, t.tokens.annaReceiver, c.avslutat, 'close');
  c.vantar = await openFreeText(t, t.tokens.lisa, 'vc-centrum', 'Yrsel');
  await move(t, t.tokens.annaReceiver, c.vantar, 'assign', p.ref('handler', ERIK));
  await move(t, t.tokens.erikHandler, c.vantar, 'ask', p.str('message', 'Hur länge?'));
  c.teleborg = await openFreeText(t, t.tokens.tolvan, 'vc-teleborg');
  // The last case opened is the most urgent: its deadline passed yesterday.
  const yesterday = new Date(Date.now() - 24 * 3600_000).toISOString();
  const patched = await t.request('PATCH', `Task/${c.vantar}`, {
    headers: { 'content-type': 'application/json-patch+json' },
    body: [{ op: 'replace', path: '/restriction/period/end', value: yesterday }],
  });
  expect(patched.status).toBe(200);
  const unanswered = await t.request('PATCH', `Task/${c.ny}`, {
    headers: { 'content-type': 'application/json-patch+json' },
    body: [{ op: 'replace', path: '/restriction/period/end', value: yesterday }],
  });
  expect(unanswered.status).toBe(200);
});
afterAll(() => t.close());

const inbox = (query: string, token = t.tokens.annaReceiver) => t.request('GET', `Task/$inbox?unit=Organization/vc-centrum${query}`, { token });
const ids = (bundle: any) => (bundle.entry ?? []).filter((e: any) => e.search.mode === 'match').map((e: any) => e.resource.id);
const counts = (bundle: any) =>
  Object.fromEntries(
    bundle.meta.extension
      .filter((e: any) => e.url === 'https://lots.example/fhir/StructureDefinition/case-status-count')
      .map((e: any) => [e.extension[0].valueCoding.display, e.extension[1].valueUnsignedInt]),
  );
const overdue = (entry: any) => entry.search.extension.find((x: any) => x.url === 'https://lots.example/fhir/StructureDefinition/case-overdue').valueBoolean;

describe('the inbox of an ärendemottagare', () => {
  it('lists the clinic\'s open cases, sorted by deadline, with the counts per status', async () => {
    const res = await inbox('');
    expect(res.status).toBe(200);
    expect(res.body.resourceType).toBe('Bundle');
    expect(res.body.type).toBe('searchset');
    expect(res.body.total).toBe(4);
    // The two with yesterday's deadline first (by deadline, then by when received), then the others.
    expect(ids(res.body)).toEqual([c.ny, c.vantar, c.fordelat, c.pagaende]);
    expect(counts(res.body)).toEqual({ Ny: 1, Fördelat: 1, Pågående: 1, 'Väntar på invånare': 1, 'Svar från invånare': 0, Avslutat: 1 });
  });

  it('flags the cases past their deadline that nobody has answered', async () => {
    const res = await inbox('');
    const flags = Object.fromEntries(res.body.entry.map((e: any) => [e.resource.id, overdue(e)]));
    // c.vantar is past its deadline too, but staff have written to the citizen: it was answered.
    expect(flags).toEqual({ [c.ny]: true, [c.vantar]: false, [c.fordelat]: false, [c.pagaende]: false });
  });

  it('leaves closed cases out unless include-closed=true; status=Avslutat lists only them', async () => {
    expect(ids((await inbox('&include-closed=true')).body)).toHaveLength(5);
    const closed = await inbox('&status=Avslutat');
    expect(ids(closed.body)).toEqual([c.avslutat]);
    expect(closed.body.total).toBe(1);
  });

  it('filters by status, by name or code, several at once', async () => {
    expect(ids((await inbox('&status=Ny')).body)).toEqual([c.ny]);
    expect(ids((await inbox(`&status=${encodeURIComponent('Väntar på invånare,fordelat')}`)).body)).toEqual([c.vantar, c.fordelat]);
    const bad = await inbox('&status=Glömt');
    expect(bad.status).toBe(400);
    expect(bad.body.issue[0].diagnostics).toMatch(/"Glömt" is not a case status/);
  });

  it('filters by handler: a PractitionerRole, me, or none', async () => {
    expect(ids((await inbox(`&handler=${ERIK}`)).body)).toEqual([c.vantar, c.fordelat]);
    expect(ids((await inbox('&handler=none')).body)).toEqual([c.ny]);
    expect(ids((await inbox('&handler=me')).body)).toEqual([c.pagaende]);
  });

  it('filters by case type', async () => {
    expect(ids((await inbox('&type=fornya-recept')).body)).toEqual([c.fordelat]);
    expect(ids((await inbox('&type=fornya-recept,egenremiss')).body)).toEqual([c.fordelat]);
    const withCounts = await inbox('&type=fornya-recept');
    expect(counts(withCounts.body)).toEqual({ Ny: 0, Fördelat: 1, Pågående: 0, 'Väntar på invånare': 0, 'Svar från invånare': 0, Avslutat: 0 });
  });

  it('filters by the date received, with prefixes', async () => {
    const today = new Date().toISOString().slice(0, 10);
    expect(ids((await inbox('&received=lt2020-01-01')).body)).toEqual([]);
    expect(ids((await inbox(`&received=ge2020-01-01&received=le${new Date(Date.now() + 2 * 86400_000).toISOString().slice(0, 10)}`)).body)).toHaveLength(4);
    expect((await inbox(`&received=gt${today}T23:59:59Z`)).body.total).toBe(0);
    const bad = await inbox('&received=igår');
    expect(bad.status).toBe(400);
    expect(bad.body.issue[0].expression).toEqual(['received']);
  });

  it("filters by the patient's name or personnummer", async () => {
    expect(ids((await inbox('&patient=olle')).body)).toEqual([c.pagaende]);
    expect(ids((await inbox(`&patient=${encodeURIComponent('Öberg')}`)).body)).toEqual([c.ny, c.fordelat]);
    expect(ids((await inbox('&patient=oberg')).body)).toEqual([c.ny, c.fordelat]);
    expect(ids((await inbox('&patient=195009072553')).body)).toEqual([c.ny, c.fordelat]);
    expect(ids((await inbox('&patient=19610118-2803')).body)).toEqual([c.vantar]);
  });

  it('pages with opaque links and includes the patients when asked', async () => {
    const first = await inbox('&_count=3&_include=Task:patient&patient=195009072553');
    expect(first.body.entry.filter((e: any) => e.search.mode === 'include').map((e: any) => e.resource.id)).toEqual(['sven-oberg']);
    const page1 = await inbox('&_count=3');
    expect(ids(page1.body)).toEqual([c.ny, c.vantar, c.fordelat]);
    const next = page1.body.link.find((l: any) => l.relation === 'next').url as string;
    expect(next).not.toContain('vc-centrum');
    const page2 = await t.request('GET', next, { token: t.tokens.annaReceiver });
    expect(page2.status).toBe(200);
    expect(ids(page2.body)).toEqual([c.pagaende]);
    expect(page2.body.total).toBe(4);
    expect(page2.body.link.find((l: any) => l.relation === 'next')).toBeUndefined();
  });
});

describe('who sees what in the inbox', () => {
  it('shows an ärendehanterare only the cases assigned to them', async () => {
    const res = await inbox('', t.tokens.erikHandler);
    expect(res.status).toBe(200);
    expect(ids(res.body)).toEqual([c.vantar, c.fordelat]);
    expect(counts(res.body).Ny).toBe(0);
    const other = await inbox(`&handler=${ANNA}`, t.tokens.erikHandler);
    expect(other.status).toBe(403);
  });

  it('refuses staff of another unit, staff with no case role, and citizens', async () => {
    expect((await inbox('', t.tokens.karin)).status).toBe(403);
    expect((await inbox('', t.tokens.erikNurse)).status).toBe(403);
    expect((await inbox('', t.tokens.sven)).status).toBe(403);
    const teleborg = await t.request('GET', 'Task/$inbox?unit=Organization/vc-teleborg', { token: t.tokens.karin });
    expect(ids(teleborg.body)).toEqual([c.teleborg]);
  });

  it('needs the unit', async () => {
    const res = await t.request('GET', 'Task/$inbox', { token: t.tokens.annaReceiver });
    expect(res.status).toBe(400);
    expect(res.body.issue[0].diagnostics).toBe('unit: is required');
  });
});

describe('ordinary Task searches', () => {
  it('keep working for other clients, with the new handler and deadline parameters', async () => {
    const all = await t.request('GET', 'Task?owner=Organization/vc-centrum&_sort=deadline&_count=100');
    expect(all.status).toBe(200);
    expect(all.body.entry.map((e: any) => e.resource.id)).toHaveLength(5);
    expect(all.body.entry[0].search).toEqual({ mode: 'match' });
    const late = await t.request('GET', `Task?deadline=lt${new Date().toISOString()}`);
    expect(late.body.entry.map((e: any) => e.resource.id).sort()).toEqual([c.ny, c.vantar].sort());
    const byStatus = await t.request('GET', 'Task?business-status=https://lots.example/fhir/CodeSystem/case-status|pagaende');
    expect(byStatus.body.entry.map((e: any) => e.resource.id)).toEqual([c.pagaende]);
  });
});
