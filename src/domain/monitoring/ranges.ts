/**
 * @module domain/monitoring/ranges
 * A measurement regime's limits, advice and change rules as they are written in extensions (on a
 * template's action and on the patient's ServiceRequest), and the colour of a value. Pure.
 *
 * The limits of one quantity are two ranges: a value inside the yellow range is green, one outside it
 * but inside the red range is yellow, one outside the red range is red. So the red range must contain
 * the yellow one (a side may be open, e.g. SpO2 has only low limits).
 */
import type { CodeableConcept, Coding, Expression, Extension, Quantity, Range } from '@medplum/fhirtypes';
import { EXT, INTERPRETATION_SYSTEM, isColour, type Colour } from './codes.js';

export interface Limits {
  /** The quantity the limits apply to: the observation's code or one component's code. */
  code: Coding;
  yellow?: Range;
  red?: Range;
  /** Where the limits sit, for issues: e.g. `ServiceRequest.extension[0]`. */
  path: string;
}

export interface ChangeRule {
  id: string;
  /** FHIRPath over %value (the new value) and %recent (the values of the last `days` days), true = alert. */
  expression: string;
  days: number;
  colour: Colour;
  /** The unit the values are given in. */
  unit?: string;
  path: string;
}

export interface Regime {
  limits: Limits[];
  advice: Partial<Record<Colour, string>>;
  rules: ChangeRule[];
}

const sub = (e: Extension, url: string): Extension | undefined => e.extension?.find((x) => x.url === url);

/** Reads the limits, advice and change rules among `extensions`, found at `path`. */
export function readRegime(extensions: readonly Extension[] | undefined, path: string): Regime {
  const regime: Regime = { limits: [], advice: {}, rules: [] };
  (extensions ?? []).forEach((e, i) => {
    const at = `${path}.extension[${i}]`;
    if (e.url === EXT.range) {
      const code = sub(e, 'code')?.valueCoding;
      regime.limits.push({ code: code ?? {}, ...opt('yellow', sub(e, 'yellow')?.valueRange), ...opt('red', sub(e, 'red')?.valueRange), path: at });
    } else if (e.url === EXT.advice) {
      const colour = sub(e, 'colour')?.valueCode;
      const text = sub(e, 'text')?.valueString;
      if (isColour(colour) && text) regime.advice[colour] = text;
    } else if (e.url === EXT.changeRule) {
      const expression: Expression | undefined = sub(e, 'expression')?.valueExpression;
      const colour = sub(e, 'colour')?.valueCode;
      regime.rules.push({
        id: sub(e, 'id')?.valueId ?? `rule-${i}`,
        expression: expression?.expression ?? '',
        days: sub(e, 'days')?.valueInteger ?? 0,
        colour: isColour(colour) ? colour : 'yellow',
        ...opt('unit', sub(e, 'unit')?.valueCode),
        path: at,
      });
    }
  });
  return regime;
}

function opt<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}

/** The extension that writes `limits` (for a regime made from a template with overrides). */
export function limitsExtension(l: Pick<Limits, 'code' | 'yellow' | 'red'>): Extension {
  const extension: Extension[] = [{ url: 'code', valueCoding: l.code }];
  if (l.yellow) extension.push({ url: 'yellow', valueRange: l.yellow });
  if (l.red) extension.push({ url: 'red', valueRange: l.red });
  return { url: EXT.range, extension };
}

const inside = (v: number, r: Range | undefined): boolean =>
  !r || ((r.low?.value === undefined || v >= r.low.value) && (r.high?.value === undefined || v <= r.high.value));

/** The colour of `value` (already in the limits' unit). */
export function colourOf(value: number, l: Pick<Limits, 'yellow' | 'red'>): Colour {
  if (!inside(value, l.red)) return 'red';
  if (!inside(value, l.yellow)) return 'yellow';
  return 'green';
}

/** The unit the limits are written in (both ranges use one unit; check-template.ts enforces it). */
export function limitsUnit(l: Pick<Limits, 'yellow' | 'red'>): string | undefined {
  const q = [l.yellow?.low, l.yellow?.high, l.red?.low, l.red?.high].find((x): x is Quantity => !!x?.code);
  return q?.code;
}

/**
 * v3 ObservationInterpretation for a colour and which side: green N; yellow L/H; red LL/HH (critical).
 * A colour from a change rule has no side: A (abnormal) or AA (critically abnormal).
 */
export function interpretation(colour: Colour, value: number | undefined, l: Pick<Limits, 'yellow' | 'red'> | undefined): CodeableConcept {
  let code = 'N';
  let display = 'Normal';
  if (colour !== 'green') {
    const range = colour === 'red' ? l?.red : l?.yellow;
    const low = value !== undefined && range?.low?.value !== undefined && value < range.low.value;
    const high = value !== undefined && range?.high?.value !== undefined && value > range.high.value;
    const critical = colour === 'red';
    if (low) [code, display] = critical ? ['LL', 'Critical low'] : ['L', 'Low'];
    else if (high) [code, display] = critical ? ['HH', 'Critical high'] : ['H', 'High'];
    else [code, display] = critical ? ['AA', 'Critical abnormal'] : ['A', 'Abnormal'];
  }
  return { coding: [{ system: INTERPRETATION_SYSTEM, code, display }] };
}

export const sameCode = (a: Coding | undefined, b: Coding | undefined): boolean => !!a?.code && a.code === b?.code && (a.system ?? '') === (b?.system ?? '');
