/**
 * @module domain/monitoring/units
 * Units of home measurements: converting a value to the unit its limits are written in (UCUM, through
 * fhir/search/values/ucum.ts, plus the molar mass of glucose, which UCUM cannot know), and the
 * physiological limits outside which a value is a typing or device error rather than a reading. Pure.
 */
import { canonicalQuantity } from '../../fhir/search/values/ucum.js';

/** What a home device can physically measure, per LOINC code, in `unit`. */
export interface Physiology {
  unit: string;
  min: number;
  max: number;
  /** g/mol, for converting mass to substance concentration. */
  molarMass?: number;
}

export const PHYSIOLOGY: Readonly<Record<string, Physiology>> = {
  '8480-6': { unit: 'mm[Hg]', min: 40, max: 280 }, // systolic
  '8462-4': { unit: 'mm[Hg]', min: 20, max: 200 }, // diastolic
  '8867-4': { unit: '/min', min: 20, max: 250 }, // pulse
  '29463-7': { unit: 'kg', min: 0.2, max: 400 }, // body weight
  '15074-8': { unit: 'mmol/L', min: 0.5, max: 60, molarMass: 180.156 }, // glucose, blood
  '2339-0': { unit: 'mg/dL', min: 9, max: 1081, molarMass: 180.156 }, // glucose, blood (mass)
  '59408-5': { unit: '%', min: 50, max: 100 }, // SpO2 by pulse oximetry
  '2708-6': { unit: '%', min: 50, max: 100 }, // SpO2
};

interface Canonical {
  factor: number;
  code: string;
}

function canonical(unit: string): Canonical | undefined {
  const c = canonicalQuantity('1', unit);
  return c ? { factor: Number(c.value), code: c.code } : undefined;
}

/** UCUM's canonical code of mass per volume and of amount (mol is a count in UCUM) per volume. */
const MASS_CONC = 'g.m-3';
const SUBSTANCE_CONC = 'm-3';
const AVOGADRO = 6.0221367e23;

/**
 * `value` in `from` expressed in `to`, or undefined when the units do not convert (not UCUM, or another
 * dimension). `molarMass` (g/mol) lets mass and substance concentrations convert (mg/dL ↔ mmol/L).
 */
export function convert(value: number, from: string, to: string, molarMass?: number): number | undefined {
  if (from === to) return value;
  const a = canonical(from);
  const b = canonical(to);
  if (!a || !b) return undefined;
  let base = value * a.factor;
  if (a.code !== b.code) {
    if (!molarMass) return undefined;
    if (a.code === MASS_CONC && b.code === SUBSTANCE_CONC) base = (base / molarMass) * AVOGADRO;
    else if (a.code === SUBSTANCE_CONC && b.code === MASS_CONC) base = (base / AVOGADRO) * molarMass;
    else return undefined;
  }
  return round(base / b.factor);
}

/** Twelve significant digits: enough for any reading, and free of float noise such as 0.30000000000000004. */
const round = (x: number): number => Number(x.toPrecision(12));

/** A reason the value is impossible for the code, or undefined. `value` is in `unit`. */
export function outsidePhysiology(code: string, value: number, unit: string): string | undefined {
  const p = PHYSIOLOGY[code];
  if (!p) return undefined;
  const v = convert(value, unit, p.unit, p.molarMass);
  if (v === undefined) return undefined;
  if (v < p.min || v > p.max) return `${value} ${unit} is outside what can be measured for LOINC ${code} (${p.min}–${p.max} ${p.unit}); check the value and its unit`;
  return undefined;
}
