import { describe, expect, it } from 'vitest';
import { luhnCheckDigit, swedishIdProblem } from './personnummer.js';

describe('personnummer', () => {
  it.each(['191212121212', '195009072553', '196101182803', '189002029800', '200001252386'])(
    'accepts the Luhn-checked test person %s',
    (pnr) => expect(swedishIdProblem(pnr, 'personnummer')).toBeUndefined(),
  );

  it.each([
    ['191212121213', /check digit.*expected 2/],
    ['19121212121', /12 digits/],
    ['1912-1212121', /12 digits/],
    ['191213121212', /real date/],
    ['190002301212', /real date/],
    ['171212121212', /century/],
  ])('rejects %s', (pnr, why) => expect(swedishIdProblem(pnr, 'personnummer')).toMatch(why));

  it('accepts 29 February only in a leap year', () => {
    const leap = '20000229' + '123';
    expect(swedishIdProblem(leap + luhnCheckDigit(leap.slice(2)), 'personnummer')).toBeUndefined();
    const notLeap = '19000229' + '123';
    expect(swedishIdProblem(notLeap + luhnCheckDigit(notLeap.slice(2)), 'personnummer')).toMatch(/real date/);
  });
});

describe('samordningsnummer', () => {
  it.each(['197010632391', '196109732393'])('accepts %s', (s) =>
    expect(swedishIdProblem(s, 'samordningsnummer')).toBeUndefined(),
  );
  it('needs the day plus 60', () => {
    expect(swedishIdProblem('195009072553', 'samordningsnummer')).toMatch(/plus 60/);
  });
  it('rejects day 92 and a wrong check digit', () => {
    expect(swedishIdProblem('197010922391', 'samordningsnummer')).toMatch(/plus 60/);
    expect(swedishIdProblem('197010632390', 'samordningsnummer')).toMatch(/check digit/);
  });
});
