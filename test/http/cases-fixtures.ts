/**
 * Shared setup of the cases tests (test/http/cases*.test.ts): an app with the demo region and the
 * cases seed loaded, the demo people's tokens, and Parameters builders.
 */
import { readFileSync } from 'node:fs';
import type { Parameters, ParametersParameter } from '@medplum/fhirtypes';
import { createTestApp, type TestApp, type TestResponse } from '../support/test-app.js';

export const SEED = ['10-region.json', '20-cases.json', '21-cases-operations.json', '22-cases-demo.json'];

export const HSA = {
  anna: 'SE2321000065-P000000000201',
  erik: 'SE2321000065-P000000000202',
  karin: 'SE2321000065-P000000000203',
  sara: 'SE2321000065-P000000000204',
} as const;

export const PNR = { tolvan: '191212121212', sven: '195009072553', lisa: '196101182803' } as const;

export interface CasesApp extends TestApp {
  tokens: {
    sven: string;
    tolvan: string;
    lisa: string;
    /** Anna Lind, vc-centrum: ärendemottagare (receives and assigns). */
    annaReceiver: string;
    /** Erik Berg, vc-centrum: ärendehanterare. */
    erikHandler: string;
    /** Anna Lind as ärendehanterare only. */
    annaHandler: string;
    /** Karin Holm, vc-teleborg: both roles. */
    karin: string;
    /** Erik Berg as nurse only (no case role). */
    erikNurse: string;
  };
}

export async function casesApp(): Promise<CasesApp> {
  const t = await createTestApp();
  for (const file of SEED) {
    const bundle = JSON.parse(readFileSync(new URL(`../../seed/${file}`, import.meta.url), 'utf8'));
    const res = await t.request('POST', '', { body: bundle });
    if (res.status !== 200) throw new Error(`seed ${file}: ${res.status} ${res.text.slice(0, 2000)}`);
  }
  const tokens: CasesApp['tokens'] = {
    sven: await t.citizenToken(PNR.sven),
    tolvan: await t.citizenToken(PNR.tolvan),
    lisa: await t.citizenToken(PNR.lisa),
    annaReceiver: await t.staffToken(HSA.anna, ['vc-centrum'], ['arendemottagare']),
    erikHandler: await t.staffToken(HSA.erik, ['vc-centrum'], ['arendehanterare']),
    annaHandler: await t.staffToken(HSA.anna, ['vc-centrum'], ['arendehanterare']),
    karin: await t.staffToken(HSA.karin, ['vc-teleborg'], ['arendemottagare', 'arendehanterare']),
    erikNurse: await t.staffToken(HSA.erik, ['vc-centrum'], ['nurse']),
  };
  return Object.assign(t, { tokens });
}

/** A Parameters resource from name -> value[x] parts, e.g. `{ unit: { valueReference: {...} } }`. */
export function params(...parts: ParametersParameter[]): Parameters {
  return { resourceType: 'Parameters', parameter: parts };
}

export const p = {
  coding: (name: string, code: string) => ({ name, valueCoding: { system: 'https://lots.example/fhir/CodeSystem/case-type', code } }),
  ref: (name: string, reference: string) => ({ name, valueReference: { reference } }),
  str: (name: string, value: string) => ({ name, valueString: value }),
  code: (name: string, value: string) => ({ name, valueCode: value }),
  resource: (name: string, resource: unknown) => ({ name, resource }) as ParametersParameter,
};

export interface OpenArgs {
  type: string;
  unit: string;
  message?: string;
  patient?: string;
  response?: unknown;
}

export function openCase(t: TestApp, token: string, a: OpenArgs): Promise<TestResponse> {
  const parts: ParametersParameter[] = [p.coding('type', a.type), p.ref('unit', `Organization/${a.unit}`)];
  if (a.patient) parts.push(p.ref('patient', a.patient));
  if (a.message) parts.push(p.str('message', a.message));
  if (a.response) parts.push(p.resource('response', a.response));
  return t.request('POST', 'Task/$open-case', { token, body: params(...parts) });
}

/** Opens a free-text case and returns its id (fails the test when it cannot). */
export async function openFreeText(t: TestApp, token: string, unit = 'vc-centrum', message = 'Jag har haft ont i halsen i en vecka.', patient?: string): Promise<string> {
  const res = await openCase(t, token, { type: 'radgivning-och-hjalp', unit, message, ...(patient ? { patient } : {}) });
  if (res.status !== 201) throw new Error(`open-case: ${res.status} ${res.text}`);
  return res.body.id as string;
}

export function move(t: TestApp, token: string, id: string, op: string, ...parts: ParametersParameter[]): Promise<TestResponse> {
  return t.request('POST', `Task/${id}/$${op}`, { token, body: params(...parts) });
}

export const status = (task: { businessStatus?: { coding?: { code?: string }[] } }) => task.businessStatus?.coding?.[0]?.code;

export const ext = (r: { extension?: { url: string }[] }, name: string) => r.extension?.find((e) => e.url === `https://lots.example/fhir/StructureDefinition/${name}`) as any;
