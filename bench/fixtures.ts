/**
 * The synthetic data of the bench: Patients with common Swedish names and vital-sign Observations,
 * generated at random (no I/O). Seeded resources carry the `seed` tag, those the load creates `load`.
 */
import { randomUUID } from 'node:crypto';

export const TAG_SYSTEM = 'https://lots.example/bench';
export const SEED_TAG = `${TAG_SYSTEM}|seed`;
type TagCode = 'seed' | 'load';

export const FAMILY_NAMES = [
  'Andersson', 'Johansson', 'Karlsson', 'Nilsson', 'Eriksson', 'Larsson', 'Olsson', 'Persson', 'Svensson', 'Gustafsson',
  'Pettersson', 'Jonsson', 'Jansson', 'Hansson', 'Bengtsson', 'Jönsson', 'Lindberg', 'Jakobsson', 'Magnusson', 'Lindström',
  'Olofsson', 'Lindqvist', 'Lindgren', 'Berg', 'Axelsson', 'Bergström', 'Lundberg', 'Lundgren', 'Mattsson', 'Berglund',
  'Fredriksson', 'Sandberg', 'Henriksson', 'Forsberg', 'Sjöberg', 'Wallin', 'Engström', 'Eklund', 'Danielsson', 'Håkansson',
  'Björk', 'Gunnarsson', 'Holm', 'Wikström', 'Samuelsson', 'Isaksson', 'Fransson', 'Nyström', 'Holmberg', 'Söderberg',
];
export const GIVEN_NAMES = [
  'Maria', 'Anna', 'Margareta', 'Elisabeth', 'Eva', 'Kristina', 'Birgitta', 'Karin', 'Ingrid', 'Linnéa',
  'Sofia', 'Kerstin', 'Lena', 'Helena', 'Emma', 'Johanna', 'Sara', 'Ebba', 'Astrid', 'Maja',
  'Lars', 'Mikael', 'Anders', 'Johan', 'Erik', 'Per', 'Karl', 'Peter', 'Jan', 'Thomas',
  'Daniel', 'Fredrik', 'Hans', 'Bengt', 'Oskar', 'Nils', 'Gustav', 'Björn', 'Sven', 'Axel',
];

/** LOINC vital signs with a simple valueQuantity; heart rate (8867-4) is drawn most often. */
const VITALS = [
  { code: '8867-4', display: 'Heart rate', unit: '/min', ucum: '/min', min: 50, max: 120, decimals: 0, weight: 3 },
  { code: '9279-1', display: 'Respiratory rate', unit: '/min', ucum: '/min', min: 10, max: 25, decimals: 0, weight: 1 },
  { code: '8310-5', display: 'Body temperature', unit: 'Cel', ucum: 'Cel', min: 36, max: 39.5, decimals: 1, weight: 2 },
  { code: '29463-7', display: 'Body weight', unit: 'kg', ucum: 'kg', min: 3, max: 120, decimals: 1, weight: 2 },
  { code: '8302-2', display: 'Body height', unit: 'cm', ucum: 'cm', min: 50, max: 200, decimals: 0, weight: 1 },
  { code: '2708-6', display: 'Oxygen saturation in Arterial blood', unit: '%', ucum: '%', min: 90, max: 100, decimals: 0, weight: 1 },
];
const VITAL_BAG = VITALS.flatMap((v) => Array.from({ length: v.weight }, () => v));

export const pick = <T>(list: readonly T[]): T => list[Math.floor(Math.random() * list.length)]!;
const between = (min: number, max: number, decimals: number) => Number((min + Math.random() * (max - min)).toFixed(decimals));
const pad = (n: number) => String(n).padStart(2, '0');

/** A random date-time within the last `days` days, with seconds and an offset. */
function recentDateTime(days: number): string {
  return new Date(Date.now() - Math.random() * days * 86_400_000).toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

export function patient(tag: TagCode): Record<string, unknown> {
  const year = 1930 + Math.floor(Math.random() * 94);
  return {
    resourceType: 'Patient',
    meta: { tag: [{ system: TAG_SYSTEM, code: tag }] },
    identifier: [{ system: `${TAG_SYSTEM}/id`, value: randomUUID() }],
    active: true,
    name: [{ use: 'official', family: pick(FAMILY_NAMES), given: [pick(GIVEN_NAMES)] }],
    gender: Math.random() < 0.5 ? 'female' : 'male',
    birthDate: `${year}-${pad(1 + Math.floor(Math.random() * 12))}-${pad(1 + Math.floor(Math.random() * 28))}`,
  };
}

export function observation(tag: TagCode, subject: string): Record<string, unknown> {
  const v = pick(VITAL_BAG);
  return {
    resourceType: 'Observation',
    meta: { tag: [{ system: TAG_SYSTEM, code: tag }] },
    status: 'final',
    category: [
      { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs', display: 'Vital Signs' }] },
    ],
    code: { coding: [{ system: 'http://loinc.org', code: v.code, display: v.display }], text: v.display },
    subject: { reference: subject },
    effectiveDateTime: recentDateTime(365),
    valueQuantity: { value: between(v.min, v.max, v.decimals), unit: v.unit, system: 'http://unitsofmeasure.org', code: v.ucum },
  };
}

/** A transaction Bundle of `patients` Patients with `perPatient` Observations each, linked by urn:uuid. */
export function transactionBundle(tag: TagCode, patients: number, perPatient: number): Record<string, unknown> {
  const entry: unknown[] = [];
  for (let p = 0; p < patients; p++) {
    const fullUrl = `urn:uuid:${randomUUID()}`;
    entry.push({ fullUrl, resource: patient(tag), request: { method: 'POST', url: 'Patient' } });
    for (let o = 0; o < perPatient; o++) {
      entry.push({ fullUrl: `urn:uuid:${randomUUID()}`, resource: observation(tag, fullUrl), request: { method: 'POST', url: 'Observation' } });
    }
  }
  return { resourceType: 'Bundle', type: 'transaction', entry };
}

/** A random 3-letter prefix of a name in the lists (as `Patient?name=` takes it). */
export const namePrefix = (): string => pick(Math.random() < 0.5 ? FAMILY_NAMES : GIVEN_NAMES).slice(0, 3);

/** The self-monitoring regimes the bench writes (one per patient, for the first 200 patients). */
export const regimeIds: readonly string[] = Array.from({ length: 200 }, (_, i) => `bench-regime-${i}`);

/** A transaction writing a heart-rate regime (limits 50–100 / 40–130 /min) for each of `patientIds`. */
export function regimesBundle(patientIds: readonly string[]): Record<string, unknown> {
  const SD = 'https://lots.example/fhir/StructureDefinition';
  const q = (value: number) => ({ value, system: 'http://unitsofmeasure.org', code: '/min' });
  const entry = patientIds.slice(0, regimeIds.length).map((p, i) => ({
    resource: {
      resourceType: 'ServiceRequest',
      id: regimeIds[i],
      meta: { tag: [{ system: TAG_SYSTEM, code: 'load' }] },
      status: 'active',
      intent: 'plan',
      category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] }],
      code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }], text: 'Puls' },
      subject: { reference: `Patient/${p}` },
      extension: [
        { url: `${SD}/monitoring-range`, extension: [{ url: 'code', valueCoding: { system: 'http://loinc.org', code: '8867-4' } }, { url: 'yellow', valueRange: { low: q(50), high: q(100) } }, { url: 'red', valueRange: { low: q(40), high: q(130) } }] },
        ...['green', 'yellow', 'red'].map((c) => ({ url: `${SD}/monitoring-advice`, extension: [{ url: 'colour', valueCode: c }, { url: 'text', valueString: `Råd (${c})` }] })),
      ],
    },
    request: { method: 'PUT', url: `ServiceRequest/${regimeIds[i]}` },
  }));
  return { resourceType: 'Bundle', type: 'transaction', entry };
}

/** A heart rate for `regime`: mostly within the limits, one in ten outside them. */
export function measurement(subject: string, regime: string): Record<string, unknown> {
  const value = Math.random() < 0.9 ? between(55, 95, 0) : pick([45, 105, 135]);
  return {
    resourceType: 'Observation',
    meta: { tag: [{ system: TAG_SYSTEM, code: 'load' }] },
    status: 'final',
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] }],
    code: { coding: [{ system: 'http://loinc.org', code: '8867-4', display: 'Heart rate' }] },
    subject: { reference: subject },
    basedOn: [{ reference: regime }],
    effectiveDateTime: new Date().toISOString(),
    valueQuantity: { value, unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' },
  };
}
