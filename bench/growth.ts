/**
 * The children the `$growth-chart` bench draws: five, each with 60 weights from birth to 5 years
 * (a child health programme's visits plus some home weighings), written with PUT so that a rerun
 * replaces them instead of adding more.
 */
import { fhir } from './seed.js';
import type { Server } from './server.js';

export const GROWTH_CHILDREN = 5;
export const GROWTH_MEASUREMENTS = 60;
const BIRTH = '2020-02-03';

const day = (n: number) => new Date(Date.parse(`${BIRTH}T09:00:00+01:00`) + n * 86_400_000).toISOString();

function childEntries(n: number): unknown[] {
  const id = `bench-growth-${n}`;
  const entries: unknown[] = [{ resource: { resourceType: 'Patient', id, gender: n % 2 ? 'male' : 'female', birthDate: BIRTH }, request: { method: 'PUT', url: `Patient/${id}` } }];
  for (let k = 0; k < GROWTH_MEASUREMENTS; k++) {
    const age = Math.round((k / (GROWTH_MEASUREMENTS - 1)) ** 1.6 * 1820);
    const kg = Math.round((3.3 + 14 * (1 - Math.exp(-age / 500)) + (Math.random() - 0.5) * 0.4) * 100) / 100;
    const obs = {
      resourceType: 'Observation',
      id: `${id}-w${k}`,
      status: 'final',
      category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] }],
      code: { coding: [{ system: 'http://loinc.org', code: '29463-7' }] },
      subject: { reference: `Patient/${id}` },
      effectiveDateTime: day(age),
      valueQuantity: { value: kg, unit: 'kg', system: 'http://unitsofmeasure.org', code: 'kg' },
    };
    entries.push({ resource: obs, request: { method: 'PUT', url: `Observation/${obs.id}` } });
  }
  return entries;
}

/** One transaction with every bench child and their weights. */
export function growthBundle(): Record<string, unknown> {
  return { resourceType: 'Bundle', type: 'transaction', entry: Array.from({ length: GROWTH_CHILDREN }, (_, n) => childEntries(n)).flat() };
}

export async function prepareGrowthChildren(server: Server): Promise<void> {
  await fhir(server, 'POST', '', growthBundle());
}

export const growthChartPath = (basePath: string): string =>
  `${basePath}/Patient/bench-growth-${Math.floor(Math.random() * GROWTH_CHILDREN)}/$growth-chart?measure=weight`;
