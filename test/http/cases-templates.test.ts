import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseScopes } from '../../src/auth/scopes.js';
import type { DomainContext } from '../../src/domain/context.js';
import { sendTemplateMessage } from '../../src/domain/cases/templates.js';
import { FhirError } from '../../src/fhir/error.js';
import { casesApp, ext, HSA, move, openFreeText, p, params, status, type CasesApp } from './cases-fixtures.js';

let t: CasesApp;
beforeAll(async () => {
  t = await casesApp();
});
afterAll(() => t.close());

const ERIK = 'PractitionerRole/erik-berg-vc-centrum';
const values = { date: '12 mars 2026', time: '09:30', resource: 'dr Anna Lind' };

/** The server's own context, as booking would pass it after its own checks. */
const server = (): DomainContext => t.deps.fhir;
/** Erik, ärendehanterare at vc-centrum, as a DomainContext. */
function erik(): DomainContext {
  const scope = 'user/*.cruds';
  return t.deps.contextFor(
    { kind: 'staff', hsaId: HSA.erik, units: ['Organization/vc-centrum'], roles: ['arendehanterare'], grants: parseScopes(scope), scope, clientId: 'test' },
    { kind: 'staff', units: ['vc-centrum'], roles: ['arendehanterare'] },
  );
}

async function rejects(promise: Promise<unknown>): Promise<FhirError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(FhirError);
  return err as FhirError;
}

describe('sendTemplateMessage (the contract booking uses)', () => {
  it('sends "Din tid är avbokad" with the placeholders filled, as a closed case of the clinic', async () => {
    const comm = await sendTemplateMessage(server(), { template: 'din-tid-ar-avbokad', unit: 'Organization/vc-centrum', patient: 'Patient/tolvan', values });
    expect(comm.resourceType).toBe('Communication');
    expect(comm.meta?.versionId).toBe('1');
    expect(comm.subject?.reference).toBe('Patient/tolvan');
    expect(comm.recipient?.[0]?.reference).toBe('Patient/tolvan');
    expect(comm.category?.[0]?.coding?.[0]?.code).toBe('information');
    expect(comm.payload?.[0]?.contentString).toBe(
      'Din tid 12 mars 2026 kl. 09:30 hos dr Anna Lind är avbokad. Behöver du en ny tid kan du boka den på 1177.se eller ringa oss.\n\nMed vänlig hälsning\nVårdcentralen Centrum, Växjö',
    );
    const task = await t.request('GET', comm.partOf![0]!.reference!);
    expect(task.status).toBe(200);
    expect(status(task.body)).toBe('avslutat');
    expect(task.body.status).toBe('completed');
    expect(task.body.code.coding[0].code).toBe('invanararende');
    expect(task.body.owner.reference).toBe('Organization/vc-centrum');
    expect(task.body.description).toBe('Din tid är avbokad');
    // Tolvan chose SMS: a notice waits in the outbox.
    const outbox = await t.request('GET', 'CommunicationRequest?subject=Patient/tolvan&status=active');
    const notices = outbox.body.entry.map((e: any) => e.resource).filter((r: any) => r.about.some((a: any) => a.reference === `Communication/${comm.id}`));
    expect(notices).toHaveLength(1);
    expect(notices[0].medium[0].coding[0].code).toBe('sms');
  });

  it("notifies a child's guardians, never through a protected identity, and a 13-year-old by her own choices", async () => {
    const notices = async (patient: string) => (await t.request('GET', `CommunicationRequest?subject=${patient}`)).body.entry?.map((e: any) => e.resource) ?? [];
    await sendTemplateMessage(server(), { template: 'din-tid-ar-avbokad', unit: 'Organization/vc-centrum', patient: 'Patient/olle-andersson', values });
    const [toLisa, ...more] = await notices('Patient/olle-andersson');
    expect(more).toHaveLength(0);
    expect(toLisa.recipient[0].reference).toBe('Patient/lisa-andersson');
    expect(ext(toLisa, 'notification-address').valueContactPoint.value).toBe('lisa@example.se');
    await sendTemplateMessage(server(), { template: 'din-tid-ar-avbokad', unit: 'Organization/vc-centrum', patient: 'Patient/vera-skyddad', values });
    expect(await notices('Patient/vera-skyddad')).toHaveLength(0);
    // Maja is 14: she is notified herself, and has shared no contact details.
    await sendTemplateMessage(server(), { template: 'din-tid-ar-avbokad', unit: 'Organization/vc-centrum', patient: 'Patient/maja-andersson', values });
    expect(await notices('Patient/maja-andersson')).toHaveLength(0);
  });

  it("uses the clinic's own wording when it has one, and its name for {{clinic}}", async () => {
    const comm = await sendTemplateMessage(server(), { template: 'din-tid-ar-avbokad', unit: 'Organization/vc-teleborg', patient: 'Patient/tolvan', values });
    expect(comm.payload?.[0]?.contentString).toBe(
      'Hej! Din tid på Vårdcentralen Teleborg 12 mars 2026 kl. 09:30 (dr Anna Lind) är avbokad. Ring 0470-58 70 00 eller boka en ny tid på 1177.se.\n\nVårdcentralen Teleborg, Växjö',
    );
  });

  it('refuses missing values, unknown and inactive templates with a clear 422', async () => {
    const missing = await rejects(sendTemplateMessage(server(), { template: 'din-tid-ar-avbokad', unit: 'Organization/vc-centrum', patient: 'Patient/tolvan', values: { date: 'i morgon' } }));
    expect(missing.status).toBe(422);
    expect(missing.message).toBe('values: the template "Din tid är avbokad" needs "time", "resource"');
    const unknown = await rejects(sendTemplateMessage(server(), { template: 'hej-hopp', unit: 'Organization/vc-centrum', patient: 'Patient/tolvan', values }));
    expect(unknown.status).toBe(422);
    expect(unknown.message).toBe('template: there is no template "hej-hopp" for Vårdcentralen Centrum, Växjö');
    const inactive = await rejects(sendTemplateMessage(server(), { template: 'fraga-till-invanare', unit: 'Organization/vc-ljungby', patient: 'Patient/tolvan', values: { message: 'Hur mår du?' } }));
    expect(inactive.status).toBe(422);
    expect(inactive.message).toBe('template: "Fråga till invånare" is not active at Vårdcentralen Ljungby');
  });

  it('lets staff send only to patients of their clinic', async () => {
    // Sven is listed at vc-centrum; Tolvan is not (listed at vc-teleborg, no case or appointment at vc-centrum).
    const ok = await sendTemplateMessage(erik(), { template: 'meddelande-till-invanare', unit: 'Organization/vc-centrum', patient: 'Patient/sven-oberg', values: { message: 'Dina provsvar är normala.' } });
    expect(ok.sender?.reference).toBe(ERIK);
    const task = await t.request('GET', ok.partOf![0]!.reference!);
    expect(task.body.requester.reference).toBe(ERIK);
    expect(ext(task.body, 'case-handler').valueReference.reference).toBe(ERIK);
    const refused = await rejects(sendTemplateMessage(erik(), { template: 'meddelande-till-invanare', unit: 'Organization/vc-centrum', patient: 'Patient/tolvan', values: { message: 'Hej' } }));
    expect(refused.status).toBe(403);
    const otherUnit = await rejects(sendTemplateMessage(erik(), { template: 'meddelande-till-invanare', unit: 'Organization/vc-teleborg', patient: 'Patient/tolvan', values: { message: 'Hej' } }));
    expect(otherUnit.status).toBe(403);
  });
});

describe('Task/$send-case ("Skicka ärende")', () => {
  const send = (token: string, ...parts: Parameters<typeof params>) => t.request('POST', 'Task/$send-case', { token, body: params(...parts) });

  it('starts a case that waits for the citizen\'s answer to a question template', async () => {
    const res = await send(t.tokens.erikHandler, p.code('template', 'fraga-till-invanare'), p.ref('unit', 'Organization/vc-centrum'), p.ref('patient', 'Patient/sven-oberg'), p.str('message', 'Har du tagit ditt blodtryck hemma?'));
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toMatch(/\/Communication\//);
    expect(res.body.payload[0].contentString).toBe('Har du tagit ditt blodtryck hemma?\n\nMed vänlig hälsning\nVårdcentralen Centrum, Växjö');
    expect(res.body.payload[1].contentReference.reference).toBe('Questionnaire/template-fraga-till-invanare');
    const taskId = res.body.partOf[0].reference.split('/')[1];
    const task = await t.request('GET', `Task/${taskId}`, { token: t.tokens.sven });
    expect(status(task.body)).toBe('vantar-pa-invanare');
    expect(task.body.status).toBe('on-hold');
    // It is in Erik's own cases.
    const mine = await t.request('GET', 'Task/$inbox?unit=Organization/vc-centrum&handler=me', { token: t.tokens.erikHandler });
    expect(mine.body.entry.map((e: any) => e.resource.id)).toContain(taskId);

    // The citizen answers the form (an empty answer is refused).
    const empty = await move(t, t.tokens.sven, taskId, 'answer');
    expect(empty.status).toBe(400);
    expect(empty.body.issue[0].diagnostics).toMatch(/Answer with a message, a response/);
    const answer = await move(t, t.tokens.sven, taskId, 'answer', p.resource('response', {
      resourceType: 'QuestionnaireResponse',
      questionnaire: 'https://lots.example/fhir/Questionnaire/template-fraga-till-invanare',
      status: 'completed',
      item: [{ linkId: 'svar', answer: [{ valueString: 'Ja, 135/85.' }] }],
    }));
    expect(answer.status).toBe(200);
    expect(status(answer.body)).toBe('svar-fran-invanare');
  });

  it('sends within one of the caseworker\'s own cases: an information template is a reply', async () => {
    const id = await openFreeText(t, t.tokens.sven);
    await move(t, t.tokens.annaReceiver, id, 'assign', p.ref('handler', ERIK));
    const res = await send(t.tokens.erikHandler, p.code('template', 'meddelande-till-invanare'), p.ref('unit', 'Organization/vc-centrum'), p.ref('patient', 'Patient/sven-oberg'), p.ref('task', `Task/${id}`), p.str('message', 'Välkommen på besök.'));
    expect(res.status).toBe(201);
    expect(res.body.partOf[0].reference).toBe(`Task/${id}`);
    const task = await t.request('GET', `Task/${id}`);
    expect(status(task.body)).toBe('pagaende');
    expect(ext(task.body, 'case-move').extension[0].valueCoding.code).toBe('reply');
    // A question template within a case that is not the caller's is refused like any move.
    const other = await send(t.tokens.annaHandler, p.code('template', 'fraga-till-invanare'), p.ref('unit', 'Organization/vc-centrum'), p.ref('patient', 'Patient/sven-oberg'), p.ref('task', `Task/${id}`), p.str('message', 'Fråga'));
    expect(other.status).toBe(403);
  });

  it('refuses citizens, staff of another clinic, and a case of another patient', async () => {
    const args = [p.code('template', 'meddelande-till-invanare'), p.ref('unit', 'Organization/vc-centrum'), p.ref('patient', 'Patient/sven-oberg'), p.str('message', 'Hej')];
    expect((await send(t.tokens.sven, ...args)).status).toBe(403);
    expect((await send(t.tokens.karin, ...args)).status).toBe(403);
    const lisasCase = await openFreeText(t, t.tokens.lisa);
    const wrong = await send(t.tokens.annaReceiver, ...args, p.ref('task', `Task/${lisasCase}`));
    expect(wrong.status).toBe(422);
    expect(wrong.body.issue[0].diagnostics).toMatch(/about another patient/);
  });

  it('names a missing placeholder value', async () => {
    const res = await send(t.tokens.erikHandler, p.code('template', 'din-tid-ar-avbokad'), p.ref('unit', 'Organization/vc-centrum'), p.ref('patient', 'Patient/sven-oberg'), p.str('date', '1 april'));
    expect(res.status).toBe(422);
    expect(res.body.issue[0].diagnostics).toBe('values: the template "Din tid är avbokad" needs "time", "resource"');
  });
});
