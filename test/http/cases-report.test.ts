import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stockholmDate } from '../../src/domain/calendar/working-days.js';
import { casesApp, move, openFreeText, p, type CasesApp } from './cases-fixtures.js';

let t: CasesApp;
const thisMonth = stockholmDate(new Date()).slice(0, 7);
const ERIK = 'PractitionerRole/erik-berg-vc-centrum';

async function patch(id: string, ops: { path: string; value: string }[]) {
  const res = await t.request('PATCH', `Task/${id}`, { headers: { 'content-type': 'application/json-patch+json' }, body: ops.map((o) => ({ op: 'replace', ...o })) });
  expect(res.status).toBe(200);
}

async function answer(id: string) {
  await move(t, t.tokens.annaReceiver, id, 'assign', p.ref('handler', ERIK));
  expect((await move(t, t.tokens.erikHandler, id, 'reply', p.str('message', 'Svar'))).status).toBe(200);
}

beforeAll(async () => {
  t = await casesApp();
  const yesterday = new Date(Date.now() - 86400_000).toISOString();
  // This month at vc-centrum: one answered in time, one answered late, one unanswered past its deadline.
  await answer(await openFreeText(t, t.tokens.sven));
  const late = await openFreeText(t, t.tokens.sven);
  await patch(late, [{ path: '/restriction/period/end', value: yesterday }]);
  await answer(late);
  const overdue = await openFreeText(t, t.tokens.lisa);
  await patch(overdue, [{ path: '/restriction/period/end', value: yesterday }]);
  // Still within its deadline and unanswered: counted as received only.
  await openFreeText(t, t.tokens.sven);
  // March 2024: one case never answered.
  const old = await openFreeText(t, t.tokens.sven);
  await patch(old, [
    { path: '/authoredOn', value: '2024-03-10T09:00:00+01:00' },
    { path: '/restriction/period/end', value: '2024-03-12T22:59:59.999Z' },
  ]);
  // Another clinic.
  await openFreeText(t, t.tokens.tolvan, 'vc-teleborg');
  // A case the clinic sent (no deadline) does not count.
  const sent = await t.request('POST', 'Task/$send-case', {
    token: t.tokens.erikHandler,
    body: { resourceType: 'Parameters', parameter: [p.code('template', 'meddelande-till-invanare'), p.ref('unit', 'Organization/vc-centrum'), p.ref('patient', 'Patient/sven-oberg'), p.str('message', 'Hej')] },
  });
  expect(sent.status).toBe(201);
});
afterAll(() => t.close());

const rows = (body: any) =>
  body.parameter
    .filter((x: any) => x.name === 'row')
    .map((r: any) => Object.fromEntries(r.part.map((part: any) => [part.name, part.valueReference?.reference ?? part.valueString ?? part.valueInteger])));

describe('Task/$case-report', () => {
  it('counts answers late per clinic and month received', async () => {
    const res = await t.request('GET', `Task/$case-report?unit=Organization/vc-centrum&from=2024-01&to=${thisMonth}`, { token: t.tokens.annaReceiver });
    expect(res.status).toBe(200);
    expect(res.body.resourceType).toBe('Parameters');
    expect(res.body.parameter[0]).toEqual({ name: 'period', valuePeriod: { start: '2024-01-01', end: `${thisMonth}-${new Date(Date.UTC(Number(thisMonth.slice(0, 4)), Number(thisMonth.slice(5)), 0)).getUTCDate()}` } });
    expect(rows(res.body)).toEqual([
      { unit: 'Organization/vc-centrum', month: '2024-03', received: 1, answered: 0, answeredLate: 0, unansweredOverdue: 1 },
      { unit: 'Organization/vc-centrum', month: thisMonth, received: 4, answered: 2, answeredLate: 1, unansweredOverdue: 1 },
    ]);
    expect(res.body.parameter[1].part[0].valueReference.display).toBe('Vårdcentralen Centrum, Växjö');
  });

  it('covers the last 12 months by default, and every clinic for a system client', async () => {
    const mine = await t.request('GET', 'Task/$case-report', { token: t.tokens.annaReceiver });
    expect(rows(mine.body).map((r: any) => `${r.unit} ${r.month}`)).toEqual([`Organization/vc-centrum ${thisMonth}`]);
    const all = await t.request('GET', `Task/$case-report?from=2024-03&to=${thisMonth}`);
    expect(rows(all.body).map((r: any) => `${r.unit} ${r.month} ${r.received}`)).toEqual([
      'Organization/vc-centrum 2024-03 1',
      `Organization/vc-centrum ${thisMonth} 4`,
      `Organization/vc-teleborg ${thisMonth} 1`,
    ]);
  });

  it('is for the ärendemottagare (or administrator) of the clinic', async () => {
    expect((await t.request('GET', 'Task/$case-report?unit=Organization/vc-centrum', { token: t.tokens.karin })).status).toBe(403);
    expect((await t.request('GET', 'Task/$case-report?unit=Organization/vc-centrum', { token: t.tokens.erikHandler })).status).toBe(403);
    expect((await t.request('GET', 'Task/$case-report', { token: t.tokens.sven })).status).toBe(403);
    const admin = await t.staffToken('SE2321000065-P000000000201', ['vc-centrum'], ['administrator']);
    expect((await t.request('GET', 'Task/$case-report', { token: admin })).status).toBe(200);
  });

  it('names a bad month', async () => {
    const res = await t.request('GET', 'Task/$case-report?from=2024-13', { token: t.tokens.annaReceiver });
    expect(res.status).toBe(400);
    expect(res.body.issue[0].diagnostics).toBe('from: give a month as YYYY-MM; got "2024-13"');
    const backwards = await t.request('GET', 'Task/$case-report?from=2025-05&to=2025-01', { token: t.tokens.annaReceiver });
    expect(backwards.status).toBe(400);
  });
});
