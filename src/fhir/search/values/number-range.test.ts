import { describe, expect, it } from 'vitest';
import type { Prefix } from './date-range.js';
import {
  addDecimal,
  approximateBounds,
  compareDecimal,
  decimalRange,
  formatDecimal,
  matchesNumber,
  multiplyDecimal,
  parseDecimal,
  roundSignificant,
  subtractDecimal,
  type Decimal,
} from './number-range.js';

function d(s: string): Decimal {
  const v = parseDecimal(s);
  if (!v) throw new Error(`test value ${s} does not parse`);
  return v;
}

describe('decimalRange', () => {
  it.each([
    ['100', '99.5', '100.5'],
    ['100.00', '99.995', '100.005'],
    ['0.1', '0.05', '0.15'],
    ['0', '-0.5', '0.5'],
    ['-0', '-0.5', '0.5'],
    ['2.0', '1.95', '2.05'],
    ['5.4', '5.35', '5.45'],
    ['-100', '-100.5', '-99.5'],
    ['-0.25', '-0.255', '-0.245'],
    ['1e2', '50', '150'],
    ['1E2', '50', '150'],
    ['1.0e2', '95', '105'],
    ['1.00e2', '99.5', '100.5'],
    ['1e+2', '50', '150'],
    ['8e-1', '0.75', '0.85'],
    ['1.5e-3', '0.00145', '0.00155'],
    ['2.10e3', '2095', '2105'],
    ['0.000000000001', '0.0000000000005', '0.0000000000015'],
    ['12345678901234567890.123', '12345678901234567890.1225', '12345678901234567890.1235'],
  ])('%s → [%s, %s)', (value, low, high) => {
    expect(decimalRange(value)).toEqual({ low, high });
  });

  it.each(['', 'abc', '1.2.3', '.5', '5.', '+5', '01', '1e', '1e2.5', '1,5', ' 1', '1 ', '--1', '0x10', 'Infinity', 'NaN', '1e1001', '1e-99999'])(
    'rejects %j',
    (value) => {
      expect(decimalRange(value)).toBeUndefined();
    },
  );
});

describe('decimal arithmetic', () => {
  it('is exact', () => {
    expect(formatDecimal(addDecimal(d('0.1'), d('0.2')))).toBe('0.3');
    expect(formatDecimal(subtractDecimal(d('0.3'), d('0.1')))).toBe('0.2');
    expect(formatDecimal(multiplyDecimal(d('1.1'), d('1.1')))).toBe('1.21');
    expect(formatDecimal(multiplyDecimal(d('3e24'), d('1e-30')))).toBe('0.000003');
    expect(formatDecimal(d('1e25'))).toBe('10000000000000000000000000');
    expect(formatDecimal(d('-0.0'))).toBe('0');
    expect(formatDecimal(d('-1.50'))).toBe('-1.5');
  });

  it('compares across scales', () => {
    expect(compareDecimal(d('1.0'), d('1'))).toBe(0);
    expect(compareDecimal(d('1e2'), d('99.999'))).toBe(1);
    expect(compareDecimal(d('-2'), d('-1.5'))).toBe(-1);
  });

  it.each([
    ['3.0110683499999997e24', 15, '3011068350000000000000000'],
    ['0.000016666666666666667', 15, '0.0000166666666666667'],
    ['999999999999.9999', 15, '1000000000000'],
    ['-2.5', 1, '-3'],
    ['2.45', 2, '2.5'],
    ['123456', 3, '123000'],
    ['1.5', 15, '1.5'],
    ['0', 3, '0'],
  ])('rounds %s to %i significant digits → %s', (value, digits, expected) => {
    expect(formatDecimal(roundSignificant(d(value), digits))).toBe(expected);
  });
});

// The spec's rows (R4 search.html §number) first, then edges.
const CASES: [Prefix, string, string, boolean][] = [
  ['eq', '100', '100', true],
  ['eq', '100', '99.5', true],
  ['eq', '100', '100.49999', true],
  ['eq', '100', '100.5', false],
  ['eq', '100', '99.49', false],
  ['eq', '100.00', '100.004', true],
  ['eq', '100.00', '100.005', false],
  ['eq', '100.00', '99.995', true],
  ['eq', '1e2', '140', true],
  ['eq', '1.0e2', '104.9', true],
  ['eq', '1.0e2', '105', false],
  ['eq', '0.1', '0.05', true],
  ['eq', '0.1', '0.15', false],
  ['eq', '2.0', '2.025', true],
  ['ne', '100', '100.5', true],
  ['ne', '100', '100.2', false],
  ['lt', '100', '99.9999', true],
  ['lt', '100', '100', false],
  ['lt', '100', '99.6', true],
  ['le', '100', '100', true],
  ['le', '100', '100.0001', false],
  ['gt', '100', '100', false],
  ['gt', '100', '100.0001', true],
  ['gt', '100', '100.4', true],
  ['ge', '100', '100.00', true],
  ['ge', '100', '99.9999', false],
  ['gt', '0.8', '0.81', true],
  ['gt', '8e-1', '0.81', true],
  ['gt', '8e-1', '0.8', false],
  ['sa', '100', '100.1', true],
  ['sa', '100', '100', false],
  ['eb', '100', '99.9', true],
  ['eb', '100', '100', false],
  ['gt', '-1', '-0.5', true],
  ['lt', '-1', '-1.5', true],
  ['ap', '100', '110', true],
  ['ap', '100', '90', true],
  ['ap', '100', '110.01', false],
  ['ap', '100', '89.99', false],
  ['ap', '-100', '-109', true],
  ['ap', '-100', '-111', false],
  ['ap', '0', '0.4', true],
  ['ap', '0', '0.5', false],
  ['ap', '0.1', '0.14', true],
  // Unparsable input never matches.
  ['eq', 'abc', '1', false],
  ['ne', '1', 'abc', false],
];

describe('matchesNumber', () => {
  it.each(CASES)('%s%s against %s → %s', (prefix, search, target, expected) => {
    expect(matchesNumber(prefix, search, target)).toBe(expected);
  });

  it('approximateBounds is the 10% band ap uses', () => {
    expect(approximateBounds('100')).toEqual({ low: '90', high: '110' });
    expect(approximateBounds('-5.5')).toEqual({ low: '-6.05', high: '-4.95' });
    expect(approximateBounds('x')).toBeUndefined();
  });
});
