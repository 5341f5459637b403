/**
 * Seeds 10,000 Patients and 100,000 Observations through the API (transaction Bundles of 50 patients
 * and 500 observations, several in flight), or reuses what an earlier run seeded; returns the seeded
 * Patient ids.
 */
import { regimesBundle, SEED_TAG, transactionBundle } from './fixtures.js';
import type { Server } from './server.js';

export const SEED_PATIENTS = 10_000;
export const OBSERVATIONS_PER_PATIENT = 10;
const PATIENTS_PER_BUNDLE = 50;
const IN_FLIGHT = 4;

export interface SeedResult {
  patientIds: string[];
  /** Patients written by this run (0 when the seed was reused). */
  created: number;
  seconds: number;
}

/** fetch, tried again on a network error (a keep-alive socket closed under our feet on a busy machine). */
async function send(url: string, init: RequestInit, tries = 3): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (err) {
    if (tries <= 1 || !(err instanceof TypeError)) throw err;
    await new Promise((r) => setTimeout(r, 200));
    return send(url, init, tries - 1);
  }
}

export async function fhir(server: Server, method: string, url: string, body?: unknown): Promise<Record<string, unknown>> {
  const res = await send(url.startsWith('http') ? url : `${server.base}/${url}`, {
    method,
    headers: {
      authorization: `Bearer ${server.token}`,
      accept: 'application/fhir+json',
      ...(body ? { 'content-type': 'application/fhir+json', prefer: 'return=minimal' } : {}),
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${text.slice(0, 500)}`);
  return JSON.parse(text) as Record<string, unknown>;
}

const tagQuery = `_tag=${encodeURIComponent(SEED_TAG)}`;

export async function seed(server: Server, log: (line: string) => void): Promise<SeedResult> {
  const started = performance.now();
  const counted = await fhir(server, 'GET', `Patient?${tagQuery}&_summary=count`);
  const existing = Number(counted.total ?? 0);
  const bundles = Math.ceil(Math.max(0, SEED_PATIENTS - existing) / PATIENTS_PER_BUNDLE);
  if (bundles === 0) log(`Reusing the seed: ${existing} Patients tagged ${SEED_TAG}`);
  else log(`Seeding ${bundles * PATIENTS_PER_BUNDLE} Patients and ${bundles * PATIENTS_PER_BUNDLE * OBSERVATIONS_PER_PATIENT} Observations (${existing} Patients already there)...`);

  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < bundles) {
      next++;
      await fhir(server, 'POST', '', transactionBundle('seed', PATIENTS_PER_BUNDLE, OBSERVATIONS_PER_PATIENT));
      done++;
      if (done % 20 === 0 || done === bundles) {
        const s = (performance.now() - started) / 1000;
        log(`  ${done}/${bundles} bundles, ${Math.round((done * PATIENTS_PER_BUNDLE * (1 + OBSERVATIONS_PER_PATIENT)) / s)} resources/s`);
      }
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));

  const patientIds = await seededIds(server);
  return { patientIds, created: bundles * PATIENTS_PER_BUNDLE, seconds: (performance.now() - started) / 1000 };
}

/** Pages through the seeded Patients' ids, following `next` links. */
export async function seededIds(server: Server): Promise<string[]> {
  const ids: string[] = [];
  let url: string | undefined = `Patient?${tagQuery}&_count=1000&_elements=id`;
  while (url) {
    const page = (await fhir(server, 'GET', url)) as { entry?: { resource?: { id?: string } }[]; link?: { relation: string; url: string }[] };
    for (const e of page.entry ?? []) if (e.resource?.id) ids.push(e.resource.id);
    url = page.link?.find((l) => l.relation === 'next')?.url;
  }
  if (ids.length < SEED_PATIENTS) throw new Error(`Expected ${SEED_PATIENTS} seeded Patients, found ${ids.length}`);
  return ids;
}

/** Writes (or rewrites) the self-monitoring regimes `create-measurement` reports to: one transaction. */
export async function writeRegimes(server: Server, patientIds: readonly string[]): Promise<void> {
  await fhir(server, 'POST', '', regimesBundle(patientIds));
}
