/**
 * The operations the bench drives over HTTP, each with freshly generated requests. The two searches'
 * parameters are shared with the raw SQL, which parses and compiles the same ones.
 */
import { measurement, namePrefix, observation, patient, pick, regimeIds, transactionBundle } from './fixtures.js';
import { growthChartPath } from './growth.js';
import type { HttpOp } from './load.js';

export const OPERATIONS = [
  { key: 'read', label: 'read Patient by id' },
  { key: 'create-patient', label: 'create Patient' },
  { key: 'create-observation', label: 'create Observation' },
  { key: 'search-observation', label: 'search Observation?subject&code' },
  { key: 'search-patient', label: 'search Patient?name=<3 letters>' },
  { key: 'transaction', label: 'transaction 1 Patient + 20 Obs' },
  { key: 'growth-chart', label: '$growth-chart, child with 60 weights' },
  { key: 'create-measurement', label: 'create Observation with evaluation' },
  { key: 'lastn', label: 'Observation/$lastn one patient' },
] as const;

/** The operations the Node floor (bench/floor-server.ts) also serves. */
export const FLOOR_OPS: ReadonlySet<string> = new Set(['read', 'create-patient', 'create-observation', 'search-observation', 'search-patient']);

export type OpKey = (typeof OPERATIONS)[number]['key'];

export const observationSearch = (ids: readonly string[]): [string, string][] => [
  ['subject', `Patient/${pick(ids)}`],
  ['code', 'http://loinc.org|8867-4'],
  ['_count', '10'],
];

export const patientSearch = (): [string, string][] => [['name', namePrefix()]];

export function httpOps(basePath: string, ids: readonly string[]): Record<OpKey, HttpOp> {
  const get = (path: () => string): HttpOp => ({ method: 'GET', next: () => ({ path: path() }) });
  const post = (path: string, body: () => unknown): HttpOp => ({ method: 'POST', next: () => ({ path, body: JSON.stringify(body()) }) });
  const query = (params: [string, string][]) => new URLSearchParams(params).toString();
  return {
    read: get(() => `${basePath}/Patient/${pick(ids)}`),
    'create-patient': post(`${basePath}/Patient`, () => patient('load')),
    'create-observation': post(`${basePath}/Observation`, () => observation('load', `Patient/${pick(ids)}`)),
    'search-observation': get(() => `${basePath}/Observation?${query(observationSearch(ids))}`),
    'search-patient': get(() => `${basePath}/Patient?${query(patientSearch())}`),
    transaction: post(basePath, () => transactionBundle('load', 1, 20)),
    'growth-chart': get(() => growthChartPath(basePath)),
    // A heart rate reported to a self-monitoring regime: evaluated, and a Task when it deviates.
    'create-measurement': post(`${basePath}/Observation`, () => {
      const i = Math.floor(Math.random() * Math.min(ids.length, regimeIds.length));
      return measurement(`Patient/${ids[i]}`, `ServiceRequest/${regimeIds[i]}`);
    }),
    lastn: get(() => `${basePath}/Observation/$lastn?patient=Patient/${pick(ids)}&max=3`),
  };
}
