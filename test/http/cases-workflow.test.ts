import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { casesApp, ext, move, openFreeText, p, status, type CasesApp } from './cases-fixtures.js';

let t: CasesApp;
beforeAll(async () => {
  t = await casesApp();
});
afterAll(() => t.close());

const ERIK = 'PractitionerRole/erik-berg-vc-centrum';
const ANNA = 'PractitionerRole/anna-lind-vc-centrum';

async function messages(id: string, token = t.tokens.annaReceiver) {
  const res = await t.request('GET', `Communication?part-of=Task/${id}&_sort=sent`, { token });
  expect(res.status).toBe(200);
  return (res.body.entry ?? []).map((e: any) => e.resource);
}

async function outbox(patient: string) {
  const res = await t.request('GET', `CommunicationRequest?subject=${patient}&category=https://lots.example/fhir/CodeSystem/communication-request-category|notification&_sort=_lastUpdated`);
  return (res.body.entry ?? []).map((e: any) => e.resource);
}

describe('the whole workflow of one case', () => {
  let id: string;
  beforeAll(async () => {
    id = await openFreeText(t, t.tokens.sven);
  });

  it('refuses a reply before the case is assigned (409, naming the allowed moves)', async () => {
    const res = await move(t, t.tokens.erikHandler, id, 'reply', p.str('message', 'Hej!'));
    // Erik is not assigned: that is a 403 before the status is even considered.
    expect(res.status).toBe(403);
    expect(res.body.issue[0].diagnostics).toMatch(/not assigned to you/);
    const asSystem = await move(t, await t.systemToken(), id, 'reply', p.str('message', 'Hej!'));
    expect(asSystem.status).toBe(409);
    expect(asSystem.body.issue[0].code).toBe('conflict');
    expect(asSystem.body.issue[0].diagnostics).toBe('The case is "Ny": reply (Svara) is not possible now. Allowed moves: assign (Fördela), close (Avsluta)');
  });

  it('lets the ärendemottagare assign it to an ärendehanterare: Fördelat', async () => {
    const notReceiver = await move(t, t.tokens.erikHandler, id, 'assign', p.ref('handler', ERIK));
    expect(notReceiver.status).toBe(403);
    expect(notReceiver.body.issue[0].diagnostics).toMatch(/needs the role ärendemottagare/);

    const res = await move(t, t.tokens.annaReceiver, id, 'assign', p.ref('handler', ERIK));
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toBe('W/"2"');
    expect(res.body.status).toBe('accepted');
    expect(status(res.body)).toBe('fordelat');
    expect(res.body.owner.reference).toBe('Organization/vc-centrum');
    expect(ext(res.body, 'case-handler').valueReference.reference).toBe(ERIK);
    const found = await t.request('GET', `Task?handler=${ERIK}&_id=${id}`);
    expect(found.body.total).toBe(1);
  });

  it('refuses a handler who does not work at the clinic', async () => {
    const res = await move(t, t.tokens.annaReceiver, id, 'assign', p.ref('handler', 'PractitionerRole/karin-holm-vc-teleborg'));
    expect(res.status).toBe(422);
    expect(res.body.issue[0].diagnostics).toMatch(/does not work at Vårdcentralen Centrum/);
  });

  it('lets only the assigned ärendehanterare reply: Pågående, with the message as a Communication', async () => {
    const other = await move(t, t.tokens.annaHandler, id, 'reply', p.str('message', 'Hej'));
    expect(other.status).toBe(403);
    const receiver = await move(t, t.tokens.annaReceiver, id, 'reply', p.str('message', 'Hej'));
    expect(receiver.status).toBe(403);
    expect(receiver.body.issue[0].diagnostics).toMatch(/needs the role ärendehanterare/);

    const res = await move(t, t.tokens.erikHandler, id, 'reply', p.str('message', 'Drick varmt och vila. Hör av dig om det inte blir bättre.'));
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('in-progress');
    expect(status(res.body)).toBe('pagaende');
    expect(ext(res.body, 'case-first-reply').valueDateTime).toBe(res.body.lastModified);
    const [reply] = await messages(id);
    expect(reply.category[0].coding[0].code).toBe('svar');
    expect(reply.sender.reference).toBe(ERIK);
    expect(reply.recipient[0].reference).toBe('Patient/sven-oberg');
    expect(reply.payload[0].contentString).toMatch(/^Drick varmt/);
    // The citizen reads it.
    const mine = await messages(id, t.tokens.sven);
    expect(mine).toHaveLength(1);
  });

  it('asks the citizen: Väntar på invånare; the citizen answers: Svar från invånare', async () => {
    const ask = await move(t, t.tokens.erikHandler, id, 'ask', p.str('message', 'Har du feber?'));
    expect(ask.status).toBe(200);
    expect(ask.body.status).toBe('on-hold');
    expect(status(ask.body)).toBe('vantar-pa-invanare');

    const staffAnswer = await move(t, t.tokens.erikHandler, id, 'answer', p.str('message', 'Ja'));
    expect(staffAnswer.status).toBe(403);
    const otherCitizen = await move(t, t.tokens.tolvan, id, 'answer', p.str('message', 'Ja'));
    expect(otherCitizen.status).toBe(404);

    const answer = await move(t, t.tokens.sven, id, 'answer', p.str('message', 'Ja, 38,5 i morse.'));
    expect(answer.status).toBe(200);
    expect(answer.body.status).toBe('in-progress');
    expect(status(answer.body)).toBe('svar-fran-invanare');
    const all = await messages(id);
    const question = all.find((m: any) => m.category[0].coding[0].code === 'fraga');
    const reply = all.find((m: any) => m.category[0].coding[0].code === 'invanarsvar');
    expect(reply.sender.reference).toBe('Patient/sven-oberg');
    expect(reply.recipient[0].reference).toBe(ERIK);
    expect(reply.inResponseTo[0].reference).toBe(`Communication/${question.id}`);

    const again = await move(t, t.tokens.sven, id, 'answer', p.str('message', 'Och i kväll 39'));
    expect(again.status).toBe(409);
    expect(again.body.issue[0].diagnostics).toMatch(/^The case is "Svar från invånare": answer \(Invånarens svar\) is not possible now. Allowed moves: assign \(Fördela\), reply \(Svara\), ask \(Fråga invånaren\), close \(Avsluta\)$/);
  });

  it('keeps the first reply time when staff write again', async () => {
    const before = await t.request('GET', `Task/${id}`);
    const res = await move(t, t.tokens.erikHandler, id, 'reply', p.str('message', 'Kom in i morgon kl. 9.'));
    expect(res.status).toBe(200);
    expect(ext(res.body, 'case-first-reply').valueDateTime).toBe(ext(before.body, 'case-first-reply').valueDateTime);
  });

  it('guards against lost updates with If-Match', async () => {
    const res = await t.request('POST', `Task/${id}/$close`, { token: t.tokens.erikHandler, headers: { 'if-match': 'W/"2"' }, body: { resourceType: 'Parameters' } });
    expect(res.status).toBe(412);
  });

  it('closes: Avslutat; nothing is possible after', async () => {
    const res = await move(t, t.tokens.erikHandler, id, 'close', p.str('reason', 'Besvarat'));
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('completed');
    expect(status(res.body)).toBe('avslutat');
    expect(res.body.statusReason.text).toBe('Besvarat');
    const after = await move(t, t.tokens.annaReceiver, id, 'assign', p.ref('handler', ANNA));
    expect(after.status).toBe(409);
    expect(after.body.issue[0].diagnostics).toBe('The case is "Avslutat": assign (Fördela) is not possible now. A closed case allows no moves');
  });

  it('keeps every move in the Task history, with who made it', async () => {
    const res = await t.request('GET', `Task/${id}/_history`);
    expect(res.status).toBe(200);
    const versions = res.body.entry.map((e: any) => e.resource).reverse();
    expect(versions.map((v: any) => [ext(v, 'case-move').extension[0].valueCoding.code, status(v), v.status])).toEqual([
      ['open', 'ny', 'requested'],
      ['assign', 'fordelat', 'accepted'],
      ['reply', 'pagaende', 'in-progress'],
      ['ask', 'vantar-pa-invanare', 'on-hold'],
      ['answer', 'svar-fran-invanare', 'in-progress'],
      ['reply', 'pagaende', 'in-progress'],
      ['close', 'avslutat', 'completed'],
    ]);
    expect(versions.map((v: any) => ext(v, 'case-move').extension[1].valueReference.reference)).toEqual([
      'Patient/sven-oberg', ANNA, ERIK, ERIK, 'Patient/sven-oberg', ERIK, ERIK,
    ]);
  });
});

describe('roles', () => {
  it('lets the ärendemottagare assign to themself, and close an unassigned case', async () => {
    const id = await openFreeText(t, t.tokens.sven);
    const closed = await move(t, t.tokens.annaReceiver, id, 'close', p.str('message', 'Det här ärendet hör till 1177. Ring 1177.'));
    expect(closed.status).toBe(200);
    expect(status(closed.body)).toBe('avslutat');
    expect(ext(closed.body, 'case-first-reply')).toBeDefined();
    const id2 = await openFreeText(t, t.tokens.sven);
    const self = await move(t, t.tokens.annaReceiver, id2, 'assign');
    expect(self.status).toBe(200);
    expect(ext(self.body, 'case-handler').valueReference.reference).toBe(ANNA);
  });

  it('refuses a handler who is not assigned to close, and staff with no case role anything', async () => {
    const id = await openFreeText(t, t.tokens.sven);
    expect((await move(t, t.tokens.erikHandler, id, 'close')).status).toBe(403);
    expect((await move(t, t.tokens.erikNurse, id, 'assign', p.ref('handler', ERIK))).status).toBe(403);
  });

  it('refuses citizens every staff move', async () => {
    const id = await openFreeText(t, t.tokens.sven);
    for (const op of ['assign', 'reply', 'ask', 'close']) {
      const res = await move(t, t.tokens.sven, id, op, ...(op === 'reply' || op === 'ask' ? [p.str('message', 'x')] : []));
      expect(res.status, op).toBe(403);
    }
  });

  it('needs a message to reply or ask', async () => {
    const id = await openFreeText(t, t.tokens.sven);
    await move(t, t.tokens.annaReceiver, id, 'assign', p.ref('handler', ERIK));
    const res = await move(t, t.tokens.erikHandler, id, 'reply');
    expect(res.status).toBe(400);
    expect(res.body.issue[0].diagnostics).toBe('message: is required');
  });
});

describe('staff of another unit', () => {
  it('see none of the cases and cannot move them', async () => {
    const id = await openFreeText(t, t.tokens.sven);
    expect((await t.request('GET', `Task/${id}`, { token: t.tokens.karin })).status).toBe(404);
    expect((await t.request('GET', `Task/${id}/_history`, { token: t.tokens.karin })).status).toBe(404);
    for (const op of ['assign', 'close']) expect((await move(t, t.tokens.karin, id, op)).status).toBe(404);
    const search = await t.request('GET', `Task?owner=Organization/vc-centrum&_id=${id}`, { token: t.tokens.karin });
    expect(search.status).toBe(200);
    expect(search.body.entry ?? []).toHaveLength(0);
    expect((await t.request('GET', `Task?owner=Organization/vc-centrum&_id=${id}`, { token: t.tokens.annaReceiver })).body.entry).toHaveLength(1);
    expect((await t.request('GET', 'Task/$inbox?unit=Organization/vc-centrum', { token: t.tokens.karin })).status).toBe(403);
    const own = await t.request('GET', 'Task/$inbox?unit=Organization/vc-teleborg&include-closed=true', { token: t.tokens.karin });
    expect(own.status).toBe(200);
    expect((own.body.entry ?? []).map((e: any) => e.resource.id)).not.toContain(id);
  });
});

describe('notifications', () => {
  it('sends an SMS notice to a citizen who shares a mobile number and chose SMS, without the message text', async () => {
    const id = await openFreeText(t, t.tokens.tolvan, 'vc-teleborg', 'Kan jag få en tid för vaccination?');
    await move(t, t.tokens.karin, id, 'assign');
    expect(await outbox('Patient/tolvan')).toHaveLength(0);
    const reply = await move(t, t.tokens.karin, id, 'reply', p.str('message', 'Ja, vi ringer dig i morgon om en tid.'));
    expect(reply.status).toBe(200);
    const [notice, ...more] = await outbox('Patient/tolvan');
    expect(more).toHaveLength(0);
    expect(notice.status).toBe('active');
    expect(notice.medium[0].coding[0].code).toBe('sms');
    expect(ext(notice, 'notification-address').valueContactPoint).toEqual({ system: 'sms', value: '070-123 45 67' });
    expect(notice.recipient[0].reference).toBe('Patient/tolvan');
    expect(notice.about.map((a: any) => a.reference)).toContain(`Task/${id}`);
    expect(notice.payload[0].contentString).toBe('Du har fått ett nytt meddelande från Vårdcentralen Teleborg, Växjö. Logga in på 1177.se för att läsa det.');
    expect(JSON.stringify(notice)).not.toContain('ringer dig');
  });

  it('notifies the guardian who asked for a child, by e-mail as she chose', async () => {
    const id = await openFreeText(t, t.tokens.lisa, 'vc-centrum', 'Olle har ont i örat.', 'Patient/olle-andersson');
    await move(t, t.tokens.annaReceiver, id, 'assign', p.ref('handler', ERIK));
    await move(t, t.tokens.erikHandler, id, 'ask', p.str('message', 'Hur länge har han haft ont?'));
    const [notice] = await outbox('Patient/olle-andersson');
    expect(notice.recipient[0].reference).toBe('Patient/lisa-andersson');
    expect(notice.medium[0].coding[0].code).toBe('email');
    expect(ext(notice, 'notification-address').valueContactPoint).toEqual({ system: 'email', value: 'lisa@example.se' });
    // The guardian answers for the child.
    const answer = await move(t, t.tokens.lisa, id, 'answer', p.str('message', 'Sedan i söndags.'));
    expect(answer.status).toBe(200);
    const reply = (await messages(id)).find((m: any) => m.category[0].coding[0].code === 'invanarsvar');
    expect(reply.sender.reference).toBe('RelatedPerson/lisa-for-olle');
  });

  it('sends nothing to a citizen who has not shared contact details, or who withdrew', async () => {
    const id = await openFreeText(t, t.tokens.sven);
    await move(t, t.tokens.annaReceiver, id, 'assign', p.ref('handler', ERIK));
    await move(t, t.tokens.erikHandler, id, 'reply', p.str('message', 'Svar'));
    expect(await outbox('Patient/sven-oberg')).toHaveLength(0);

    const consent = await t.request('GET', 'Consent/kontaktuppgifter-tolvan');
    expect((await t.request('PUT', 'Consent/kontaktuppgifter-tolvan', { body: { ...consent.body, status: 'inactive' } })).status).toBe(200);
    const before = (await outbox('Patient/tolvan')).length;
    const id2 = await openFreeText(t, t.tokens.tolvan, 'vc-teleborg');
    await move(t, t.tokens.karin, id2, 'assign');
    await move(t, t.tokens.karin, id2, 'reply', p.str('message', 'Svar'));
    expect(await outbox('Patient/tolvan')).toHaveLength(before);
    await t.request('PUT', 'Consent/kontaktuppgifter-tolvan', { body: consent.body });
  });
});
