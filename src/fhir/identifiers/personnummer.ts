/**
 * @module fhir/identifiers/personnummer
 * Swedish personnummer and samordningsnummer, as Skatteverket stores them: 12 digits YYYYMMDDNNNC.
 * Sources: Skatteverket SKV 704; DOMAIN.md section 1.3.
 */

export const PERSONNUMMER_SYSTEM = 'http://electronichealth.se/identifier/personnummer';
export const SAMORDNINGSNUMMER_SYSTEM = 'http://electronichealth.se/identifier/samordningsnummer';

export type SwedishIdKind = 'personnummer' | 'samordningsnummer';

/** The Luhn (modulus 10) check digit over YYMMDDNNN, weights 2,1,2,... */
export function luhnCheckDigit(nineDigits: string): number {
  let sum = 0;
  for (let i = 0; i < nineDigits.length; i++) {
    const product = Number(nineDigits[i]) * (i % 2 === 0 ? 2 : 1);
    sum += product > 9 ? product - 9 : product;
  }
  return (10 - (sum % 10)) % 10;
}

function isRealDate(year: number, month: number, day: number): boolean {
  const d = new Date(Date.UTC(year, month - 1, day));
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
}

/**
 * Why a value is not a valid 12-digit number of the given kind, or undefined when it is valid.
 * The message is for a person: it names the rule that failed.
 */
export function swedishIdProblem(value: string, kind: SwedishIdKind): string | undefined {
  if (!/^\d{12}$/.test(value)) {
    return `A ${kind} must be 12 digits (YYYYMMDDNNNC, without separator); got ${value.length} characters`;
  }
  const century = Number(value.slice(0, 2));
  if (century < 18) return `A ${kind} must start with the century 18, 19 or 20 or later`;
  const year = Number(value.slice(0, 4));
  const month = Number(value.slice(4, 6));
  const rawDay = Number(value.slice(6, 8));
  const day = kind === 'samordningsnummer' ? rawDay - 60 : rawDay;
  if (kind === 'samordningsnummer' && (rawDay < 61 || rawDay > 91)) {
    return 'A samordningsnummer has the day of birth plus 60 (61-91) in positions 7-8';
  }
  if (!isRealDate(year, month, day)) return `A ${kind} must contain a real date; ${value.slice(0, 8)} is not one`;
  const expected = luhnCheckDigit(value.slice(2, 11));
  if (Number(value[11]) !== expected) return `The check digit of this ${kind} is wrong (expected ${expected})`;
  return undefined;
}

/** The kind of Swedish national id an Identifier.system names, if any. */
export function swedishIdKind(system: string | undefined): SwedishIdKind | undefined {
  if (system === PERSONNUMMER_SYSTEM) return 'personnummer';
  if (system === SAMORDNINGSNUMMER_SYSTEM) return 'samordningsnummer';
  return undefined;
}
