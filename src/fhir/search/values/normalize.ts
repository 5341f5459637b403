/**
 * @module fhir/search/values/normalize
 * The folded form of text for FHIR string search, which R4 defines as case- and accent-insensitive
 * (https://hl7.org/fhir/R4/search.html#string). Stored values and search values both go through
 * `normalizeString`, and the SQL compares the results with plain `=` / `LIKE`, so the two only have
 * to agree with each other: this function is the single definition, and it must stay idempotent.
 */

/*
 * Letters that are their own code points rather than a base letter plus a combining mark, so NFD
 * leaves them alone. Nordic names make this matter here (Ærø, Søren, Strauß), and a user typing
 * "aero" or "soren" means those. `å` and `ö` need no entry: NFD splits them into a + ring, o + diaeresis.
 * Folding to ASCII over-matches a little (Swedish ö and Danish ø both become o), which is the point.
 */
const FOLD: Readonly<Record<string, string>> = {
  ß: 'ss',
  ẞ: 'ss',
  æ: 'ae',
  ǽ: 'ae',
  ø: 'o',
  ǿ: 'o',
  œ: 'oe',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ł: 'l',
  ħ: 'h',
  ı: 'i',
  ŀ: 'l',
  // JS lower-cases Σ to ς at word ends; fold so ΣΟΦΟΣ and σοφοσ agree.
  ς: 'σ',
};
const FOLD_RE = new RegExp(`[${Object.keys(FOLD).join('')}]`, 'gu');

/** Lower case, accents and other combining marks removed, Nordic and similar letters folded to
 * ASCII, runs of whitespace as one space, trimmed. `Öberg` → `oberg`, `Ærø` → `aero`. */
export function normalizeString(s: string): string {
  return (
    s
      // Lower-case first: the fold table then only needs lower-case keys (Æ → æ → ae), and İ → i̇
      // gets its dot as a separate mark that the strip below removes.
      .toLowerCase()
      .replace(FOLD_RE, (c) => FOLD[c] ?? c)
      .normalize('NFD')
      .replace(/\p{M}/gu, '')
      // Recompose what NFD split without marks (Hangul), so the stored form stays compact.
      .normalize('NFC')
      .replace(/\s+/gu, ' ')
      .trim()
  );
}
