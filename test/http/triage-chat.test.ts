import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { responseFor, type Answers } from '../support/triage-scenarios.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

/**
 * 1177 direkt as citizens, guardians and nurses use it (issue 7): who may triage for whom, the chat
 * that follows (messages, read receipts, closing) and its live stream (Server-Sent Events).
 */
const region = JSON.parse(readFileSync(new URL('../../seed/10-region.json', import.meta.url), 'utf8'));
const triageSeed = JSON.parse(readFileSync(new URL('../../seed/40-triage.json', import.meta.url), 'utf8'));

let t: TestApp;
const tokens = {} as Record<'sven' | 'lisa' | 'tolvan' | 'sara' | 'receptionist' | 'karin', string>;
const streams: { cancel(): Promise<void> }[] = [];

const params = (response: unknown) => ({ resourceType: 'Parameters', parameter: [{ name: 'response', resource: response }] });
const parts = (body: any, name: string): any[] => (body.parameter ?? []).filter((p: any) => p.name === name);
const text = (value: string) => ({ resourceType: 'Parameters', parameter: [{ name: 'text', valueString: value }] });
const count = async (type: string) => (await t.request('GET', `${type}?_summary=count`)).body.total as number;

const breathing: Answers = { reason: 'dyspnea', days: 1, fever: false, pain: 2, breathing: true, chestPain: false, bleeding: false, health: 'fair' };
const cough: Answers = { reason: 'cough', days: 7, fever: false, pain: 1, breathing: false, chestPain: false, bleeding: false, health: 'good' };

interface Event {
  id?: string;
  event?: string;
  data?: any;
}

/** Opens the chat's event stream and reads it event by event (comments and retry hints skipped). */
async function openStream(taskId: string, token: string, query = '', lastEventId?: string) {
  const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'text/event-stream' };
  if (lastEventId) headers['last-event-id'] = lastEventId;
  const res = await t.app.request(`http://localhost:8080/fhir/Task/${taskId}/$chat-stream${query}`, { headers });
  expect(res.status).toBe(200);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const stream = {
    res,
    async next(): Promise<Event | undefined> {
      for (;;) {
        const end = buffer.indexOf('\n\n');
        if (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const ev: Event = {};
          for (const line of block.split('\n')) {
            const [, key, value] = /^([a-z]+): ?(.*)$/.exec(line) ?? [];
            if (key === 'id') ev.id = value;
            if (key === 'event') ev.event = value;
            if (key === 'data') ev.data = JSON.parse(value!);
          }
          if (ev.event) return ev;
          continue;
        }
        const { value, done } = await reader.read();
        if (done) return undefined;
        buffer += decoder.decode(value, { stream: true });
      }
    },
    cancel: () => reader.cancel(),
  };
  streams.push(stream);
  return stream;
}

beforeAll(async () => {
  t = await createTestApp();
  expect((await t.request('POST', '', { body: region })).status).toBe(200);
  expect((await t.request('POST', '', { body: triageSeed })).status).toBe(200);
  tokens.sven = await t.citizenToken('195009072553');
  tokens.lisa = await t.citizenToken('196101182803');
  tokens.tolvan = await t.citizenToken('191212121212');
  tokens.sara = await t.staffToken('SE2321000065-P000000000204', ['rad-1177'], ['nurse']);
  tokens.receptionist = await t.staffToken('SE2321000065-P000000000299', ['rad-1177'], ['arendemottagare']);
  tokens.karin = await t.staffToken('SE2321000065-P000000000203', ['vc-teleborg'], ['arendehanterare']);
});

afterAll(async () => {
  for (const s of streams) await s.cancel().catch(() => undefined);
  await t?.close();
});

describe('who may triage for whom', () => {
  it('a citizen triages for themself and sees the response, the guidance and the follow-up', async () => {
    const res = await t.request('POST', 'QuestionnaireResponse/$triage', { body: params(responseFor(cough, 'Patient/tolvan')), token: tokens.tolvan });
    expect(res.status, res.text).toBe(200);
    expect(parts(res.body, 'level')[0].valueCoding.code).toBe('self-care');
    for (const ref of [parts(res.body, 'response')[0].valueReference.reference, `GuidanceResponse/${parts(res.body, 'guidance')[0].resource.id}`, `Communication/${parts(res.body, 'followUp')[0].resource.id}`]) {
      expect((await t.request('GET', ref, { token: tokens.tolvan })).status, ref).toBe(200);
    }
  });

  it('a guardian triages for a child under 13, and the chat names them as requester', async () => {
    const res = await t.request('POST', 'QuestionnaireResponse/$triage', { body: params(responseFor(breathing, 'Patient/olle-andersson')), token: tokens.lisa });
    expect(res.status, res.text).toBe(200);
    const [task] = parts(res.body, 'followUp').map((p) => p.resource);
    expect(task).toMatchObject({ for: { reference: 'Patient/olle-andersson' }, requester: { reference: 'RelatedPerson/lisa-for-olle' } });
  });

  it('a citizen may not triage for someone else, and nothing is written', async () => {
    const before = [await count('QuestionnaireResponse'), await count('GuidanceResponse'), await count('Task')];
    const res = await t.request('POST', 'QuestionnaireResponse/$triage', { body: params(responseFor(breathing, 'Patient/tolvan')), token: tokens.sven });
    expect(res.status).toBe(403);
    expect([await count('QuestionnaireResponse'), await count('GuidanceResponse'), await count('Task')]).toEqual(before);
  });

  it('keeps the guidance to the patient and the staff who have them as patient', async () => {
    const res = await t.request('POST', 'QuestionnaireResponse/$triage', { body: params(responseFor(breathing, 'Patient/sven-oberg')), token: tokens.sven });
    const guidance = `GuidanceResponse/${parts(res.body, 'guidance')[0].resource.id}`;
    expect((await t.request('GET', guidance, { token: tokens.sven })).status).toBe(200);
    expect((await t.request('GET', guidance, { token: tokens.sara })).status).toBe(200);
    expect((await t.request('GET', guidance, { token: tokens.karin })).status).toBe(404);
    expect((await t.request('GET', guidance, { token: tokens.tolvan })).status).toBe(404);
  });
});

describe('the chat', () => {
  let taskId: string;

  beforeAll(async () => {
    const res = await t.request('POST', 'QuestionnaireResponse/$triage', { body: params(responseFor({ ...breathing, text: 'Jag blir andfådd i trappor.' }, 'Patient/sven-oberg')), token: tokens.sven });
    expect(parts(res.body, 'level')[0].valueCoding.code).toBe('chat');
    taskId = parts(res.body, 'followUp')[0].resource.id;
  });

  it('is in the 1177 nurses\' queue, where a nurse sees the answers', async () => {
    const queue = await t.request('GET', 'Task?owner=Organization/rad-1177&status=requested&_sort=-authored-on', { token: tokens.sara });
    expect(queue.status).toBe(200);
    const task = queue.body.entry.map((e: any) => e.resource).find((r: any) => r.id === taskId);
    expect(task).toMatchObject({ for: { reference: 'Patient/sven-oberg' }, priority: 'asap', businessStatus: { text: 'Väntar på sjuksköterska' } });
    const answers = await t.request('GET', task.focus.reference, { token: tokens.sara });
    expect(answers.status).toBe(200);
    expect(answers.body.item.find((i: any) => i.linkId === 'description').answer[0].valueString).toBe('Jag blir andfådd i trappor.');
  });

  it('carries messages both ways, in order, with the Task in progress once a nurse answers', async () => {
    const fromNurse = await t.request('POST', `Task/${taskId}/$chat-send`, { body: text('Hej Sven! Hur länge har du haft svårt att andas?'), token: tokens.sara });
    expect(fromNurse.status, fromNurse.text).toBe(201);
    expect(fromNurse.headers.get('location')).toMatch(new RegExp(`/Communication/${fromNurse.body.id}/_history/1$`));
    expect(fromNurse.body).toMatchObject({ sender: { reference: 'Practitioner/sara-ek', display: 'Sara Ek' }, recipient: [{ reference: 'Patient/sven-oberg' }], partOf: [{ reference: `Task/${taskId}` }] });
    expect((await t.request('GET', `Task/${taskId}`, { token: tokens.sven })).body).toMatchObject({ status: 'in-progress', businessStatus: { text: 'Pågår' } });

    const fromSven = await t.request('POST', `Task/${taskId}/$chat-send`, { body: text('Sedan i går kväll.'), token: tokens.sven });
    expect(fromSven.status).toBe(201);
    expect(fromSven.body).toMatchObject({ sender: { reference: 'Patient/sven-oberg' }, recipient: [{ reference: 'Organization/rad-1177' }] });

    const thread = await t.request('GET', `Communication?part-of=Task/${taskId}&_sort=sent`, { token: tokens.sven });
    expect(thread.body.entry.map((e: any) => e.resource.payload[0].contentString)).toEqual([
      'En sjuksköterska på 1177 tar emot dig i chatten. Du får svar här så snart någon är ledig; om du blir sämre, ring 112.',
      'Hej Sven! Hur länge har du haft svårt att andas?',
      'Sedan i går kväll.',
    ]);
  });

  it('records read receipts for the other side\'s messages', async () => {
    const sven = await t.request('POST', `Task/${taskId}/$chat-read`, { token: tokens.sven });
    expect(sven.status).toBe(200);
    expect(parts(sven.body, 'marked')[0].valueInteger).toBe(2);
    expect(parts(sven.body, 'message').map((p) => p.resource.sender.reference).sort()).toEqual(['Organization/rad-1177', 'Practitioner/sara-ek']);
    expect(parts((await t.request('POST', `Task/${taskId}/$chat-read`, { token: tokens.sven })).body, 'marked')[0].valueInteger).toBe(0);
    const sara = await t.request('POST', `Task/${taskId}/$chat-read`, { token: tokens.sara });
    expect(parts(sara.body, 'message').map((p) => p.resource.payload[0].contentString)).toEqual(['Sedan i går kväll.']);
    const thread = await t.request('GET', `Communication?part-of=Task/${taskId}&_sort=sent`, { token: tokens.sven });
    expect(thread.body.entry.every((e: any) => typeof e.resource.received === 'string')).toBe(true);
  });

  it('is open only to the patient, and to nurses of the unit', async () => {
    expect((await t.request('POST', `Task/${taskId}/$chat-send`, { body: text('Hej'), token: tokens.tolvan })).status).toBe(404);
    expect((await t.request('POST', `Task/${taskId}/$chat-send`, { body: text('Hej'), token: tokens.karin })).status).toBe(404);
    const receptionist = await t.request('POST', `Task/${taskId}/$chat-send`, { body: text('Hej'), token: tokens.receptionist });
    expect(receptionist.status).toBe(403);
    expect(receptionist.body.issue[0].diagnostics).toMatch(/Only a nurse of Organization\/rad-1177/);
    expect((await t.request('POST', `Task/${taskId}/$chat-send`, { body: { resourceType: 'Parameters' }, token: tokens.sven })).status).toBe(400);
    expect((await t.request('POST', `Task/${taskId}/$chat-send`, { body: text('x'.repeat(4001)), token: tokens.sven })).status).toBe(400);
  });

  it('is closed by the nurse, which completes the Task; then no one can write in it', async () => {
    const bySven = await t.request('POST', `Task/${taskId}/$chat-close`, { token: tokens.sven });
    expect(bySven.status).toBe(403);
    const closed = await t.request('POST', `Task/${taskId}/$chat-close`, { body: text('Boka en tid på din vårdcentral om det inte blir bättre. Ring 112 om det blir värre.'), token: tokens.sara });
    expect(closed.status, closed.text).toBe(200);
    expect(closed.body).toMatchObject({ status: 'completed', businessStatus: { text: 'Avslutad' } });
    expect(closed.body.executionPeriod.end).toBeDefined();
    const thread = await t.request('GET', `Communication?part-of=Task/${taskId}&_sort=sent`, { token: tokens.sven });
    expect(thread.body.entry.at(-1).resource).toMatchObject({ sender: { reference: 'Practitioner/sara-ek' }, payload: [{ contentString: expect.stringMatching(/^Boka en tid/) }] });
    const late = await t.request('POST', `Task/${taskId}/$chat-send`, { body: text('Tack!'), token: tokens.sven });
    expect(late.status).toBe(409);
    expect(late.body.issue[0].diagnostics).toMatch(/The chat is closed/);
    expect((await t.request('POST', `Task/${taskId}/$chat-close`, { token: tokens.sara })).status).toBe(409);
  });

  it('is not a chat when the Task is some other Task', async () => {
    const other = await t.request('POST', 'Task', { body: { resourceType: 'Task', status: 'requested', intent: 'order', for: { reference: 'Patient/sven-oberg' }, owner: { reference: 'Organization/rad-1177' } } });
    expect((await t.request('POST', `Task/${other.body.id}/$chat-send`, { body: text('Hej') })).status).toBe(422);
  });
});

describe('taking the chat after self-care advice', () => {
  it('creates the chat once, and returns the same open chat when asked again', async () => {
    const res = await t.request('POST', 'QuestionnaireResponse/$triage', { body: params(responseFor(cough, 'Patient/tolvan')), token: tokens.tolvan });
    const operation: string = parts(res.body, 'chatOffer')[0].part.find((p: any) => p.name === 'operation').valueUri;
    const path = operation.replace('http://localhost:8080/fhir/', '');
    const first = await t.request('POST', path, { token: tokens.tolvan });
    expect(first.status, first.text).toBe(201);
    const [task, thread] = parts(first.body, 'followUp').map((p) => p.resource);
    expect(task).toMatchObject({ resourceType: 'Task', owner: { reference: 'Organization/rad-1177' }, for: { reference: 'Patient/tolvan' }, status: 'requested' });
    expect(thread).toMatchObject({ resourceType: 'Communication', partOf: [{ reference: `Task/${task.id}` }] });
    const again = await t.request('POST', path, { token: tokens.tolvan });
    expect(again.status).toBe(200);
    expect(parts(again.body, 'followUp')[0].resource.id).toBe(task.id);
    expect((await t.request('POST', path, { token: tokens.sven })).status).toBe(404);
  });

  it('is refused after an emergency, and before any triage', async () => {
    const emergency = await t.request('POST', 'QuestionnaireResponse/$triage', {
      body: params(responseFor({ ...cough, reason: 'chestPain', chestPain: true, breathing: true }, 'Patient/tolvan')),
      token: tokens.tolvan,
    });
    const response = parts(emergency.body, 'response')[0].valueReference.reference;
    const refused = await t.request('POST', `${response}/$chat-start`, { token: tokens.tolvan });
    expect(refused.status).toBe(422);
    expect(refused.body.issue[0].diagnostics).toMatch(/call 112/);
    const stored = await t.request('POST', 'QuestionnaireResponse', { body: responseFor(cough, 'Patient/tolvan'), token: tokens.tolvan });
    expect((await t.request('POST', `QuestionnaireResponse/${stored.body.id}/$chat-start`, { token: tokens.tolvan })).status).toBe(409);
  });
});

describe('the live stream of a chat', () => {
  let taskId: string;

  beforeAll(async () => {
    const res = await t.request('POST', 'QuestionnaireResponse/$triage', { body: params(responseFor(breathing, 'Patient/olle-andersson')), token: tokens.lisa });
    taskId = parts(res.body, 'followUp')[0].resource.id;
  });

  it('needs a token, and only the patient\'s side and the unit\'s nurses may listen', async () => {
    const none = await t.app.request(`http://localhost:8080/fhir/Task/${taskId}/$chat-stream`, { headers: { accept: 'text/event-stream' } });
    expect(none.status).toBe(401);
    expect(none.headers.get('content-type')).toMatch(/application\/fhir\+json/);
    expect((await t.request('GET', `Task/${taskId}/$chat-stream`, { token: tokens.sven })).status).toBe(404);
    expect((await t.request('GET', `Task/${taskId}/$chat-stream?since=yesterday`, { token: tokens.lisa })).status).toBe(400);
  });

  it('sends the thread, then new messages and read receipts as they are written, and ends when the chat is closed', async () => {
    const stream = await openStream(taskId, tokens.lisa);
    expect(stream.res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const opening = await stream.next();
    expect(opening).toMatchObject({ event: 'message', data: { resourceType: 'Communication', sender: { reference: 'Organization/rad-1177' } } });

    const nurseStream = await openStream(taskId, tokens.sara);
    expect((await nurseStream.next())?.data.id).toBe(opening!.data.id);

    await t.request('POST', `Task/${taskId}/$chat-send`, { body: text('Hej Lisa, hur andas Olle nu?'), token: tokens.sara });
    const fromNurse = await stream.next();
    expect(fromNurse).toMatchObject({ event: 'message', data: { payload: [{ contentString: 'Hej Lisa, hur andas Olle nu?' }], sender: { reference: 'Practitioner/sara-ek' } } });

    await t.request('POST', `Task/${taskId}/$chat-send`, { body: text('Han piper när han andas ut.'), token: tokens.lisa });
    const fromLisa = await stream.next();
    expect(fromLisa).toMatchObject({ event: 'message', data: { sender: { reference: 'RelatedPerson/lisa-for-olle' }, payload: [{ contentString: 'Han piper när han andas ut.' }] } });
    // The nurse's stream saw the same messages, in the same order.
    expect((await nurseStream.next())?.data.id).toBe(fromNurse!.data.id);
    expect((await nurseStream.next())?.data.id).toBe(fromLisa!.data.id);

    await t.request('POST', `Task/${taskId}/$chat-read`, { token: tokens.sara });
    const receipt = await stream.next();
    expect(receipt).toMatchObject({ event: 'update', data: { id: fromLisa!.data.id } });
    expect(receipt!.data.received).toBeDefined();

    await t.request('POST', `Task/${taskId}/$chat-close`, { body: text('Ring 1177 om han får svårare att andas.'), token: tokens.sara });
    expect(await stream.next()).toMatchObject({ event: 'message', data: { payload: [{ contentString: 'Ring 1177 om han får svårare att andas.' }] } });
    expect(await stream.next()).toMatchObject({ event: 'closed', data: { task: `Task/${taskId}`, status: 'completed' } });
    expect(await stream.next()).toBeUndefined();

    // Resuming after an event sends only what came after it.
    const resumed = await openStream(taskId, tokens.lisa, `?since=${encodeURIComponent(fromLisa!.id!)}`);
    const after: Event[] = [];
    for (let e = await resumed.next(); e; e = await resumed.next()) after.push(e);
    // Lisa's message again (its read receipt is newer than the event resumed after), then the last message.
    expect(after.map((e) => [e.event, e.data.payload?.[0].contentString ?? e.data.status])).toEqual([
      ['message', 'Han piper när han andas ut.'],
      ['message', 'Ring 1177 om han får svårare att andas.'],
      ['closed', 'completed'],
    ]);
    expect(after[0]!.data.received).toBeDefined();

    // An EventSource reconnects with Last-Event-ID instead: the same events.
    const reconnected = await openStream(taskId, tokens.lisa, '', fromLisa!.id!);
    const again: Event[] = [];
    for (let e = await reconnected.next(); e; e = await reconnected.next()) again.push(e);
    expect(again.map((e) => e.event)).toEqual(after.map((e) => e.event));
  });
});
