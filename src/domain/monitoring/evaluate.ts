/**
 * @module domain/monitoring/evaluate
 * A measurement judged against its regime at write time: each value checked against physiology and
 * converted to the unit of its limits, the limits copied into `referenceRange`, the colour as v3
 * ObservationInterpretation (and Lots' `monitoring-colour`), the change rules run over the patient's
 * recent values, and the template's advice for the colour attached (`monitoring-advice`) so an app can
 * show "Ring 112" at once. Pure: the caller supplies the regime and the recent values.
 */
import type { Coding, Observation, ObservationComponent, ObservationReferenceRange, Quantity, Range } from '@medplum/fhirtypes';
import { FhirError, type Issue } from '../../fhir/error.js';
import { evaluateFhirPath } from '../../fhir/fhirpath.js';
import { EXT, UCUM, worst, type Colour } from './codes.js';
import { colourOf, interpretation, limitsUnit, sameCode, type Limits, type Regime } from './ranges.js';
import { PHYSIOLOGY, convert, outsidePhysiology } from './units.js';

/** An earlier value of the same code, for change rules. */
export interface RecentValue {
  value: number;
  unit: string;
  /** Epoch milliseconds of the measurement. */
  at: number;
}

export interface Evaluation {
  observation: Observation;
  colour: Colour;
  advice?: string;
}

interface Located {
  quantity: Quantity;
  path: string;
  component?: ObservationComponent;
}

/** When the value was measured (effective[x]), or undefined. */
export function measuredAt(o: Observation): number | undefined {
  const t = o.effectiveDateTime ?? o.effectivePeriod?.start ?? o.effectiveInstant ?? o.issued;
  const ms = t ? Date.parse(t) : NaN;
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * Physiological limits of every value, whether or not the Observation has a regime: 422 naming the
 * element. A value in a unit that is not UCUM or does not convert is left alone here (other systems
 * send weights in SNOMED units); against a regime's limits such a unit is a 422 (evaluate).
 */
export function checkValues(o: Observation): void {
  const issues: Issue[] = [];
  for (const { quantity, path, code } of allValues(o)) {
    // Malformed values are left to validation, which refuses them with a 422 of its own.
    if (!code || !PHYSIOLOGY[code] || typeof quantity.value !== 'number' || typeof quantity.code !== 'string') continue;
    if (quantity.system && quantity.system !== UCUM) continue;
    const outside = outsidePhysiology(code, quantity.value, quantity.code);
    if (outside) issues.push({ severity: 'error', code: 'value', diagnostics: outside, expression: [`${path}.value`] });
  }
  if (issues.length) throw new FhirError(422, issues);
}

function allValues(o: Observation): { quantity: Quantity; path: string; code?: string }[] {
  const out: { quantity: Quantity; path: string; code?: string }[] = [];
  const loinc = (c: Observation['code'] | undefined) => {
    const code = Array.isArray(c?.coding) ? c.coding.find((x) => x?.system === 'http://loinc.org')?.code : undefined;
    return typeof code === 'string' ? code : undefined;
  };
  const quantity = (q: unknown): q is Quantity => !!q && typeof q === 'object';
  if (quantity(o.valueQuantity)) out.push({ quantity: o.valueQuantity, path: 'Observation.valueQuantity', ...opt(loinc(o.code)) });
  (Array.isArray(o.component) ? o.component : []).forEach((c, i) => {
    if (c && quantity(c.valueQuantity)) out.push({ quantity: c.valueQuantity, path: `Observation.component[${i}].valueQuantity`, ...opt(loinc(c.code)) });
  });
  return out;
}

const opt = (code: string | undefined): { code?: string } => (code ? { code } : {});

/** Where the value for `code` sits: the Observation's own value or one component's. */
function locate(o: Observation, code: Coding): Located | undefined {
  if (o.valueQuantity && (o.code?.coding ?? []).some((c) => sameCode(c, code) || (!code.system && c.code === code.code))) {
    return { quantity: o.valueQuantity, path: 'Observation.valueQuantity' };
  }
  const i = (o.component ?? []).findIndex((c) => c.valueQuantity && (c.code?.coding ?? []).some((x) => sameCode(x, code) || (!code.system && x.code === code.code)));
  if (i < 0) return undefined;
  const component = o.component![i]!;
  return { quantity: component.valueQuantity!, path: `Observation.component[${i}].valueQuantity`, component };
}

function ranges(l: Limits): ObservationReferenceRange[] {
  const out: ObservationReferenceRange[] = [];
  const add = (r: Range | undefined, text: string, normal: boolean) => {
    if (!r) return;
    out.push({
      ...(r.low ? { low: r.low } : {}),
      ...(r.high ? { high: r.high } : {}),
      ...(normal ? { type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/referencerange-meaning', code: 'normal', display: 'Normal Range' }] } } : {}),
      text,
    });
  };
  add(l.yellow, 'Patientens gula gränser: inom dem är värdet grönt', true);
  add(l.red, 'Patientens röda gränser: utanför dem är värdet rött', false);
  return out;
}

/** The Observation as stored: limits, colours, interpretation and advice added; `recent` feeds the change rules. */
export function evaluate(o: Observation, regime: Regime, recent: readonly RecentValue[]): Evaluation {
  const observation: Observation = structuredClone(o);
  let colour: Colour = 'green';
  let found = 0;
  let own: { value: number; limits: Limits } | undefined;
  for (const l of regime.limits) {
    const at = locate(observation, l.code);
    if (!at || at.quantity.value === undefined) continue;
    found++;
    const unit = limitsUnit(l);
    const value = unit ? convertOrThrow(at, unit, l.code.code) : at.quantity.value;
    const c = colourOf(value, l);
    colour = worst(colour, c);
    const target = at.component ?? observation;
    target.referenceRange = ranges(l);
    if (at.component) at.component.interpretation = [interpretation(c, value, l)];
    else own = { value, limits: l };
  }
  if (regime.limits.length > 0 && found === 0) {
    throw new FhirError(422, { severity: 'error', code: 'required', diagnostics: `The measurement has none of the values its regime judges (${regime.limits.map((l) => l.code.code).join(', ')})`, expression: ['Observation.value[x]'] });
  }
  for (const rule of regime.rules) if (ruleFires(observation, rule, recent)) colour = worst(colour, rule.colour);
  observation.interpretation = [interpretation(colour, own?.value, own && colourOf(own.value, own.limits) === colour ? own.limits : undefined)];
  const advice = regime.advice[colour];
  observation.extension = [
    ...(observation.extension ?? []).filter((e) => e.url !== EXT.colour && e.url !== EXT.advice),
    { url: EXT.colour, valueCode: colour },
    ...(advice ? [{ url: EXT.advice, extension: [{ url: 'colour', valueCode: colour }, { url: 'text', valueString: advice }] }] : []),
  ];
  return { observation, colour, ...(advice ? { advice } : {}) };
}

function convertOrThrow(at: Located, unit: string, code: string | undefined): number {
  const q = at.quantity;
  if (q.system && q.system !== UCUM) {
    throw new FhirError(422, { severity: 'error', code: 'value', diagnostics: `A value judged against limits needs a UCUM unit (system ${UCUM}), e.g. ${unit}`, expression: [`${at.path}.system`] });
  }
  const molarMass = code ? PHYSIOLOGY[code]?.molarMass : undefined;
  const v = q.code ? convert(q.value!, q.code, unit, molarMass) : undefined;
  if (v === undefined) {
    throw new FhirError(422, { severity: 'error', code: 'value', diagnostics: `The unit ${q.code ?? '(none)'} cannot be converted to ${unit}, the unit of this value's limits`, expression: [`${at.path}.code`] });
  }
  return v;
}

function ruleFires(o: Observation, rule: Regime['rules'][number], recent: readonly RecentValue[]): boolean {
  const q = o.valueQuantity;
  const at = measuredAt(o);
  if (q?.value === undefined || at === undefined) return false;
  const unit = rule.unit ?? q.code;
  const value = unit && q.code ? convert(q.value, q.code, unit) : q.value;
  if (value === undefined) return false;
  const since = at - rule.days * 86_400_000;
  const values = recent.filter((r) => r.at >= since && r.at < at).map((r) => (unit ? convert(r.value, r.unit, unit) : r.value)).filter((v): v is number => v !== undefined);
  const result = evaluateFhirPath({}, rule.expression, { value, recent: values });
  return result.length === 1 && result[0] === true;
}
