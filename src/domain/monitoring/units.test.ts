import { describe, expect, it } from 'vitest';
import { convert, outsidePhysiology } from './units.js';

describe('convert', () => {
  it('converts within a dimension', () => {
    expect(convert(1, 'kg', 'g')).toBe(1000);
    expect(convert(220, '[lb_av]', 'kg')).toBeCloseTo(99.79, 2);
    expect(convert(120, 'mm[Hg]', 'mm[Hg]')).toBe(120);
  });
  it('converts glucose between mg/dL and mmol/L with its molar mass', () => {
    expect(convert(180.156, 'mg/dL', 'mmol/L', 180.156)).toBeCloseTo(10, 6);
    expect(convert(5.5, 'mmol/L', 'mg/dL', 180.156)).toBeCloseTo(99.09, 2);
  });
  it('refuses units of another dimension', () => {
    expect(convert(5, 'kg', 'mmol/L')).toBeUndefined();
    expect(convert(180, 'mg/dL', 'mmol/L')).toBeUndefined();
    expect(convert(5, 'not-a-unit', 'kg')).toBeUndefined();
  });
});

describe('outsidePhysiology', () => {
  it('refuses a systolic pressure of 300 and SpO2 of 120 %', () => {
    expect(outsidePhysiology('8480-6', 300, 'mm[Hg]')).toMatch(/outside/);
    expect(outsidePhysiology('59408-5', 120, '%')).toMatch(/outside/);
  });
  it('accepts plausible values in any convertible unit', () => {
    expect(outsidePhysiology('8480-6', 180, 'mm[Hg]')).toBeUndefined();
    expect(outsidePhysiology('29463-7', 180, '[lb_av]')).toBeUndefined();
    expect(outsidePhysiology('15074-8', 90, 'mg/dL')).toBeUndefined();
    expect(outsidePhysiology('15074-8', 2000, 'mg/dL')).toMatch(/outside/);
  });
});
