/**
 * Shared setup of the monitoring tests (test/http/monitoring*.test.ts): an app with the demo region and
 * the monitoring templates loaded, and the demo people's tokens.
 */
import { readFileSync } from 'node:fs';
import { createTestApp, type TestApp } from '../support/test-app.js';

export const SEED = ['10-region.json', '60-monitoring.json'];
export const HSA = { anna: 'SE2321000065-P000000000201', karin: 'SE2321000065-P000000000203' } as const;
export const PNR = { sven: '195009072553', lisa: '196101182803', tolvan: '191212121212' } as const;
export const TEMPLATE = (id: string): string => `https://lots.example/fhir/PlanDefinition/${id}`;

export interface MonitoringApp extends TestApp {
  tokens: { sven: string; lisa: string; tolvan: string; anna: string; karin: string };
}

export async function monitoringApp(): Promise<MonitoringApp> {
  const t = await createTestApp();
  for (const file of SEED) {
    const bundle = JSON.parse(readFileSync(new URL(`../../seed/${file}`, import.meta.url), 'utf8'));
    const res = await t.request('POST', '', { body: bundle });
    if (res.status !== 200) throw new Error(`seed ${file}: ${res.status} ${res.text.slice(0, 2000)}`);
  }
  const tokens = {
    sven: await t.citizenToken(PNR.sven),
    lisa: await t.citizenToken(PNR.lisa),
    tolvan: await t.citizenToken(PNR.tolvan),
    /** Anna Lind, nurse at vc-centrum. */
    anna: await t.staffToken(HSA.anna, ['vc-centrum'], ['nurse']),
    /** Karin Holm, nurse at vc-teleborg. */
    karin: await t.staffToken(HSA.karin, ['vc-teleborg'], ['nurse']),
  };
  return Object.assign(t, { tokens });
}
