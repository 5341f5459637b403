import { describe, expect, it } from 'vitest';
import { canonicalCode, canonicalQuantity } from './ucum.js';

describe('canonicalQuantity', () => {
  it.each([
    ['5', 'kg', '5000', 'g'],
    ['5000', 'g', '5000', 'g'],
    ['5000000', 'mg', '5000', 'g'],
    ['1.5', 'kg', '1500', 'g'],
    ['1e3', 'kg', '1000000', 'g'],
    ['-2', 'kg', '-2000', 'g'],
    ['0', 'kg', '0', 'g'],
    ['100', 'mg/dL', '1000', 'g.m-3'],
    ['1', 'g/L', '1000', 'g.m-3'],
    ['100', 'mg/dl', '1000', 'g.m-3'],
    ['5.4', 'mg', '0.0054', 'g'],
    // mol is a count in UCUM: Avogadro's number rides along, exactly.
    ['5', 'mmol/L', '3011068350000000000000000', 'm-3'],
    ['5', 'umol/mL', '3011068350000000000000000', 'm-3'],
    ['1', 'mol', '602213670000000000000000', '1'],
    ['5', '10*3/uL', '5000000000000', 'm-3'],
    // Temperatures are absolute kelvin.
    ['37', 'Cel', '310.15', 'K'],
    ['-273.15', 'Cel', '0', 'K'],
    ['0', 'Cel', '273.15', 'K'],
    ['98.6', '[degF]', '310.15', 'K'],
    ['-40', '[degF]', '233.15', 'K'],
    ['310.15', 'K', '310.15', 'K'],
    ['1', '[lb_av]', '453.59237', 'g'],
    ['2.5', '[lb_av]', '1133.980925', 'g'],
    ['60', '/min', '1', 's-1'],
    ['72', '/min', '1.2', 's-1'],
    ['1', '1/min', '0.0166666666666667', 's-1'],
    ['60', 'L/min', '0.001', 'm3.s-1'],
    ['50', '%', '0.5', '1'],
    ['0.5', '1', '0.5', '1'],
    ['7', '{score}', '7', '1'],
    ['120', 'mm[Hg]', '15998640', 'g.m-1.s-2'],
    ['1', 'h', '3600', 's'],
    ['25', 'kg/m2', '25000', 'g.m-2'],
    ['1', '[in_i]', '0.0254', 'm'],
  ])('%s %s → %s %s', (value, code, canonValue, canonCode) => {
    expect(canonicalQuantity(value, code)).toEqual({ value: canonValue, code: canonCode });
  });

  it('makes the same quantity in different units equal', () => {
    expect(canonicalQuantity('5', 'kg')).toEqual(canonicalQuantity('5000', 'g'));
    expect(canonicalQuantity('100', 'mg/dL')).toEqual(canonicalQuantity('1', 'g/L'));
    expect(canonicalQuantity('5', 'mmol/L')).toEqual(canonicalQuantity('5000', 'umol/L'));
    expect(canonicalQuantity('37', 'Cel')).toEqual(canonicalQuantity('98.6', '[degF]'));
    expect(canonicalQuantity('50', '%')).toEqual(canonicalQuantity('0.5', '1'));
  });

  it('is idempotent on its own output', () => {
    for (const [v, c] of [['100', 'mg/dL'], ['37', 'Cel'], ['5', 'mmol/L'], ['60', 'L/min'], ['120', 'mm[Hg]']] as const) {
      const once = canonicalQuantity(v, c);
      expect(once).toBeDefined();
      if (once) expect(canonicalQuantity(once.value, once.code)).toEqual(once);
    }
  });

  it.each([
    ['5', 'foo'],
    ['5', 'Kg'],
    ['37', 'cel'],
    ['5', ''],
    ['5', '   '],
    ['5', '[iU]'],
    ['5', '[iU]/L'],
    ['5', "[arb'U]"],
    ['7.4', '[pH]'],
    ['3', 'B'],
    ['5', 'x'.repeat(500)],
    ['abc', 'kg'],
    ['1,5', 'kg'],
  ])('has no canonical form for %j %j', (value, code) => {
    expect(canonicalQuantity(value, code)).toBeUndefined();
  });

  it('keeps digits beyond a double for exact factors', () => {
    expect(canonicalQuantity('1.23456789012345678', 'kg')).toEqual({ value: '1234.56789012345678', code: 'g' });
  });

  it('gives the canonical code alone', () => {
    expect(canonicalCode('mg/dL')).toBe('g.m-3');
    expect(canonicalCode('Cel')).toBe('K');
    expect(canonicalCode('foo')).toBeUndefined();
  });

  it('is cheap after warm-up', () => {
    const units = ['kg', 'mg/dL', 'mmol/L', 'Cel', '[lb_av]', '/min', '%', 'foo'];
    for (const u of units) canonicalQuantity('1', u);
    const n = 20_000;
    const start = performance.now();
    for (let i = 0; i < n; i++) canonicalQuantity(`${i}.25`, units[i % units.length] ?? 'kg');
    const perCall = ((performance.now() - start) * 1000) / n;
    // Generous: a timing assertion must not flake on a busy CI box; typical is a few µs.
    expect(perCall).toBeLessThan(200);
  });
});
