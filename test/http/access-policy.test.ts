import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { swedishDate } from '../../src/auth/age.js';
import { luhnCheckDigit } from '../../src/fhir/identifiers/personnummer.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

/**
 * Who may see and write what (issue 5, DOMAIN.md section 5): a matrix of roles x interactions on the
 * seeded demo region, with allowed and denied cases. A forbidden resource answers like a missing one.
 */
const PNR = 'http://electronichealth.se/identifier/personnummer';
const region = JSON.parse(readFileSync(new URL('../../seed/10-region.json', import.meta.url), 'utf8'));

let t: TestApp;
const tokens: Record<string, string> = {};

/** A personnummer for someone born on `date` (YYYY-MM-DD). */
function pnrFor(date: string, serial = '238'): string {
  const nine = `${date.slice(2, 4)}${date.slice(5, 7)}${date.slice(8, 10)}${serial}`;
  return `${date.slice(0, 4)}${date.slice(5, 7)}${date.slice(8, 10)}${serial}${luhnCheckDigit(nine)}`;
}

function yearsBefore(date: string, years: number, days = 0): string {
  const d = new Date(`${date}T12:00:00Z`);
  d.setUTCFullYear(d.getUTCFullYear() - years);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

const obs = (patient: string, extra: Record<string, unknown> = {}) => ({
  resourceType: 'Observation',
  status: 'final',
  code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] },
  subject: { reference: `Patient/${patient}` },
  valueQuantity: { value: 70, unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' },
  ...extra,
});

beforeAll(async () => {
  t = await createTestApp();
  expect((await t.request('POST', '', { body: region })).status).toBe(200);
  const today = swedishDate(new Date());
  // Two children of Lisa: one turning 13 today (access ended), one turning 13 tomorrow (still 12).
  const child = (id: string, birthDate: string) => ({ resourceType: 'Patient', id, birthDate, identifier: [{ system: PNR, value: pnrFor(birthDate) }] });
  const rp = (id: string, patient: string) => ({
    resourceType: 'RelatedPerson',
    id,
    patient: { reference: `Patient/${patient}` },
    identifier: [{ system: PNR, value: '196101182803' }],
    relationship: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-RoleCode', code: 'FTH' }] }],
  });
  const put = (r: { resourceType: string; id: string }) => t.request('PUT', `${r.resourceType}/${r.id}`, { body: r });
  await put(child('born-13-today', yearsBefore(today, 13)));
  await put(child('turns-13-tomorrow', yearsBefore(today, 13, 1)));
  await put(rp('lisa-for-birthday', 'born-13-today'));
  await put(rp('lisa-for-tomorrow', 'turns-13-tomorrow'));
  // Clinical data for each patient.
  for (const p of ['sven-oberg', 'tolvan', 'olle-andersson', 'maja-andersson', 'vera-skyddad', 'born-13-today', 'turns-13-tomorrow', 'lisa-andersson']) {
    await t.request('PUT', `Observation/obs-${p}`, { body: { ...obs(p), id: `obs-${p}` } });
  }
  // A sealed (förseglad) result of Sven's.
  await t.request('PUT', 'Observation/obs-sven-sealed', {
    body: { ...obs('sven-oberg'), id: 'obs-sven-sealed', meta: { security: [{ system: 'https://lots.example/fhir/CodeSystem/security', code: 'forseglad' }] } },
  });
  tokens.sven = await t.citizenToken('195009072553');
  tokens.lisa = await t.citizenToken('196101182803');
  tokens.tolvan = await t.citizenToken('191212121212');
  tokens.centrum = await t.staffToken('SE2321000065-P000000000202', ['Organization/vc-centrum'], ['nurse']);
  tokens.ljungby = await t.staffToken('SE2321000065-P000000000299', ['Organization/vc-ljungby'], ['arendemottagare']);
  tokens.admin = await t.staffToken('SE2321000065-P000000000298', ['Organization/vc-centrum'], ['administrator']);
});
afterAll(() => t.close());

const status = async (who: string, method: string, path: string, body?: unknown) => (await t.request(method, path, { token: tokens[who]!, ...(body ? { body } : {}) })).status;

describe('a citizen', () => {
  it('reads their own record and not anyone else’s (a forbidden resource is 404)', async () => {
    expect(await status('sven', 'GET', 'Patient/sven-oberg')).toBe(200);
    expect(await status('sven', 'GET', 'Observation/obs-sven-oberg')).toBe(200);
    expect(await status('sven', 'GET', 'Patient/tolvan')).toBe(404);
    expect(await status('sven', 'GET', 'Observation/obs-tolvan')).toBe(404);
    expect(await status('sven', 'GET', 'Observation/obs-tolvan/_history/1')).toBe(404);
    expect(await status('sven', 'GET', 'Observation/obs-tolvan/_history')).toBe(404);
  });

  it('reads the catalogue (units, staff)', async () => {
    expect(await status('sven', 'GET', 'Organization/vc-centrum')).toBe(200);
    expect(await status('sven', 'GET', 'PractitionerRole/anna-lind-vc-centrum')).toBe(200);
  });

  it('does not see a sealed (förseglad) resource online, though staff do', async () => {
    expect(await status('sven', 'GET', 'Observation/obs-sven-sealed')).toBe(404);
    expect(await status('centrum', 'GET', 'Observation/obs-sven-sealed')).toBe(200);
  });

  it('writes within their own compartment only', async () => {
    expect(await status('sven', 'POST', 'Observation', obs('sven-oberg'))).toBe(201);
    expect(await status('sven', 'POST', 'Observation', obs('tolvan'))).toBe(403);
    expect(await status('sven', 'POST', 'Organization', { resourceType: 'Organization', name: 'Mitt företag' })).toBe(403);
    expect(await status('sven', 'PUT', 'Observation/obs-tolvan', { ...obs('sven-oberg'), id: 'obs-tolvan' })).toBe(404);
    expect(await status('sven', 'DELETE', 'Observation/obs-tolvan')).toBe(200);
    expect(await status('tolvan', 'GET', 'Observation/obs-tolvan')).toBe(200);
  });

  it('cannot write into another patient through a transaction', async () => {
    const res = await t.request('POST', '', {
      token: tokens.sven!,
      body: { resourceType: 'Bundle', type: 'transaction', entry: [{ resource: obs('sven-oberg'), request: { method: 'POST', url: 'Observation' } }, { resource: obs('tolvan'), request: { method: 'POST', url: 'Observation' } }] },
    });
    expect(res.status).toBe(403);
    expect(res.body.issue[0].diagnostics).toMatch(/Entry 1/);
  });

  it('cannot learn that another patient’s resource exists through $validate (the same 404 as a read)', async () => {
    const validate = (id: string) => t.request('POST', `Observation/${id}/$validate`, { token: tokens.sven!, body: { resourceType: 'Parameters' } });
    expect(await status('sven', 'GET', 'Observation/obs-tolvan')).toBe(404);
    const other = await validate('obs-tolvan');
    const missing = await validate('does-not-exist');
    expect(other.status).toBe(404);
    expect(other.body.issue[0].code).toBe(missing.body.issue[0].code);
    expect((await validate('obs-sven-oberg')).status).toBe(200);
  });

  it('cannot run $everything on another patient', async () => {
    expect(await status('sven', 'GET', 'Patient/sven-oberg/$everything')).toBe(200);
    expect(await status('sven', 'GET', 'Patient/tolvan/$everything')).toBe(404);
  });
});

describe('a guardian', () => {
  it('acts for a child under 13', async () => {
    expect(await status('lisa', 'GET', 'Patient/olle-andersson')).toBe(200);
    expect(await status('lisa', 'GET', 'Observation/obs-olle-andersson')).toBe(200);
    expect(await status('lisa', 'POST', 'Observation', obs('olle-andersson'))).toBe(201);
  });

  it('is 12 until midnight before the 13th birthday, Swedish time: access ends on the birthday', async () => {
    expect(await status('lisa', 'GET', 'Observation/obs-turns-13-tomorrow')).toBe(200);
    expect(await status('lisa', 'GET', 'Observation/obs-born-13-today')).toBe(404);
    expect(await status('lisa', 'GET', 'Observation/obs-maja-andersson')).toBe(404);
  });

  it('keeps access after 13 when a Consent grants it', async () => {
    const put = await t.request('PUT', 'Consent/maja-extends', {
      body: {
        resourceType: 'Consent',
        id: 'maja-extends',
        status: 'active',
        scope: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'patient-privacy' }] },
        category: [{ coding: [{ system: 'http://loinc.org', code: '59284-0' }] }],
        policyRule: { text: 'Ombudsbehörighet för vårdnadshavare' },
        patient: { reference: 'Patient/maja-andersson' },
        provision: { type: 'permit', actor: [{ role: { text: 'ombud' }, reference: { reference: 'RelatedPerson/lisa-for-maja' } }] },
      },
    });
    expect(put.status, JSON.stringify(put.body)).toBe(201);
    const lisa = await t.citizenToken('196101182803');
    expect((await t.request('GET', 'Observation/obs-maja-andersson', { token: lisa })).status).toBe(200);
  });

  it('loses access at any age when a Consent blocks it', async () => {
    const put = await t.request('PUT', 'Consent/olle-blocks', {
      body: {
        resourceType: 'Consent',
        id: 'olle-blocks',
        status: 'active',
        scope: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'patient-privacy' }] },
        category: [{ coding: [{ system: 'http://loinc.org', code: '59284-0' }] }],
        policyRule: { text: 'Ombudsbehörighet för vårdnadshavare' },
        patient: { reference: 'Patient/olle-andersson' },
        provision: { type: 'deny', actor: [{ role: { text: 'ombud' }, reference: { reference: 'RelatedPerson/lisa-for-olle' } }] },
      },
    });
    expect(put.status, JSON.stringify(put.body)).toBe(201);
    const lisa = await t.citizenToken('196101182803');
    expect((await t.request('GET', 'Observation/obs-olle-andersson', { token: lisa })).status).toBe(404);
    await t.request('DELETE', 'Consent/olle-blocks');
    expect((await t.request('GET', 'Observation/obs-olle-andersson', { token: lisa })).status).toBe(200);
  });

  it('never sees a protected child', async () => {
    expect(await status('lisa', 'GET', 'Patient/vera-skyddad')).toBe(404);
    expect(await status('lisa', 'GET', 'Observation/obs-vera-skyddad')).toBe(404);
  });
});

describe('staff', () => {
  it('see the patients of their units and nobody else', async () => {
    expect(await status('centrum', 'GET', 'Patient/sven-oberg')).toBe(200);
    expect(await status('centrum', 'GET', 'Observation/obs-sven-oberg')).toBe(200);
    expect(await status('centrum', 'GET', 'Patient/tolvan')).toBe(404);
    expect(await status('ljungby', 'GET', 'Patient/sven-oberg')).toBe(404);
    expect(await status('ljungby', 'GET', 'Observation/obs-sven-oberg')).toBe(404);
  });

  it('write for their units’ patients only', async () => {
    expect(await status('centrum', 'POST', 'Observation', obs('sven-oberg'))).toBe(201);
    expect(await status('centrum', 'POST', 'Observation', obs('tolvan'))).toBe(403);
  });

  it('change the catalogue only as administrators', async () => {
    expect(await status('centrum', 'PUT', 'Organization/vc-centrum', { ...region.entry[1].resource, name: 'Nytt namn' })).toBe(403);
    expect(await status('admin', 'PUT', 'Organization/vc-centrum', { ...region.entry[1].resource, name: 'Vårdcentralen Centrum' })).toBe(200);
  });

  it('never see the notification outbox (the contact details a citizen shared for notifications)', async () => {
    const outbox = {
      resourceType: 'CommunicationRequest',
      id: 'notify-sven',
      status: 'active',
      category: [{ coding: [{ system: 'https://lots.example/fhir/CodeSystem/communication-request-category', code: 'notification' }] }],
      subject: { reference: 'Patient/sven-oberg' },
      recipient: [{ reference: 'Patient/sven-oberg' }],
      medium: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationMode', code: 'SMSWRIT' }] }],
    };
    expect((await t.request('PUT', 'CommunicationRequest/notify-sven', { body: outbox })).status).toBe(201);
    expect(await status('centrum', 'GET', 'CommunicationRequest/notify-sven')).toBe(404);
    expect((await t.request('GET', 'CommunicationRequest?subject=Patient/sven-oberg', { token: tokens.centrum! })).body.entry ?? []).toEqual([]);
    expect((await t.request('GET', 'CommunicationRequest/notify-sven')).status).toBe(200);
  });

  it('read the access log only as administrators', async () => {
    await t.deps.audit.flush();
    expect((await t.request('GET', 'AuditEvent?patient=Patient/sven-oberg', { token: tokens.centrum! })).body.total).toBe(0);
    expect((await t.request('GET', 'AuditEvent?patient=Patient/sven-oberg', { token: tokens.admin! })).body.total).toBeGreaterThan(0);
  });
});

describe('a protected identity', () => {
  it('has its address and contact details withheld from system clients, kept for staff who see the patient', async () => {
    await t.request('PUT', 'Patient/vera-skyddad', {
      body: { ...region.entry.find((e: { resource: { id: string } }) => e.resource.id === 'vera-skyddad').resource, address: [{ city: 'Hemlig' }], telecom: [{ system: 'phone', value: '070-000' }] },
    });
    const system = await t.request('GET', 'Patient/vera-skyddad');
    expect(system.status).toBe(200);
    expect(system.body.address).toBeUndefined();
    expect(system.body.telecom).toBeUndefined();
  });
});

describe('the audit log', () => {
  it('records who read which patient, and the patient can see who viewed their record', async () => {
    await t.request('GET', 'Observation/obs-tolvan', { token: tokens.tolvan! });
    await t.request('GET', 'Patient/tolvan');
    await t.deps.audit.flush();
    const mine = await t.request('GET', 'AuditEvent?patient=Patient/tolvan&_count=100', { token: tokens.tolvan! });
    expect(mine.status).toBe(200);
    const reads = mine.body.entry.map((e: { resource: { action: string; entity: { what?: { reference: string } }[]; agent: { who: { identifier?: { value: string } } }[] } }) => e.resource).filter((e: { action: string }) => e.action === 'R');
    expect(reads.some((e: { entity: { what?: { reference: string } }[] }) => e.entity.some((x) => x.what?.reference === 'Observation/obs-tolvan'))).toBe(true);
    expect(reads.some((e: { agent: { who: { identifier?: { value: string } } }[] }) => e.agent.some((a) => a.who.identifier?.value === 'test'))).toBe(true);
    // Nobody else's events leak into the list.
    for (const e of mine.body.entry) {
      const patients = e.resource.entity.filter((x: { what?: { reference?: string } }) => x.what?.reference?.startsWith('Patient/')).map((x: { what: { reference: string } }) => x.what.reference);
      expect(patients.every((p: string) => p === 'Patient/tolvan')).toBe(true);
    }
  });

  it('records every write in the same transaction', async () => {
    const res = await t.request('POST', 'Observation', { token: tokens.sven!, body: obs('sven-oberg') });
    const id = res.body.id;
    const events = await t.request('GET', `AuditEvent?entity=Observation/${id}&action=C`);
    expect(events.body.total).toBe(1);
  });
});

describe('searches never leak', () => {
  const ids = (body: { entry?: { resource: { resourceType: string; id: string } }[] }) => (body.entry ?? []).map((e) => `${e.resource.resourceType}/${e.resource.id}`);

  it('a citizen searching everything gets only their own and the catalogue', async () => {
    const res = await t.request('GET', 'Observation?_count=100', { token: tokens.sven! });
    expect(res.status).toBe(200);
    const found = ids(res.body);
    expect(found).toContain('Observation/obs-sven-oberg');
    expect(found.every((id: string) => id !== 'Observation/obs-tolvan' && id !== 'Observation/obs-sven-sealed')).toBe(true);
    expect(res.body.total).toBe(found.length);
  });

  it('_include and _revinclude do not bring in other patients', async () => {
    const inc = await t.request('GET', 'Observation?_include=Observation:subject&_count=100', { token: tokens.sven! });
    expect(ids(inc.body).filter((id: string) => id.startsWith('Patient/'))).toEqual(['Patient/sven-oberg']);
    const rev = await t.request('GET', 'Patient?_revinclude=Observation:subject&_id=sven-oberg,tolvan', { token: tokens.sven! });
    expect(ids(rev.body).some((id: string) => id.includes('tolvan'))).toBe(false);
  });

  it('_has and chains cannot probe other patients’ data', async () => {
    // Tolvan has an Observation; Sven asking which Patients have one must not learn that.
    const has = await t.request('GET', 'Patient?_has:Observation:subject:code=8867-4', { token: tokens.sven! });
    expect(ids(has.body)).toEqual(['Patient/sven-oberg']);
    const chain = await t.request('GET', 'Observation?subject:Patient.identifier=191212121212', { token: tokens.sven! });
    expect(chain.body.total).toBe(0);
  });

  it('system history and system search respect the policy', async () => {
    const history = await t.request('GET', '_history?_count=1000', { token: tokens.sven! });
    expect(ids(history.body).some((id: string) => id.includes('tolvan'))).toBe(false);
    const system = await t.request('GET', '?_type=Patient,Observation&_count=100', { token: tokens.ljungby! });
    expect(ids(system.body).some((id: string) => id.startsWith('Observation/'))).toBe(false);
  });

  it('a system client with narrower scopes cannot include other types', async () => {
    const token = await t.systemToken('system/Observation.rs');
    const res = await t.request('GET', 'Observation?_include=Observation:subject&_count=5', { token });
    expect(res.status).toBe(200);
    expect(ids(res.body).some((id: string) => id.startsWith('Patient/'))).toBe(false);
  });
});
