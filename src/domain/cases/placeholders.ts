/**
 * @module domain/cases/placeholders
 * Template texts with placeholders: `{{date}}`, `{{time}}`, `{{resource}}`, `{{clinic}}` (and
 * `{{message}}` for the staff member's own text). Pure.
 */

const PLACEHOLDER = /\{\{\s*([A-Za-z][A-Za-z0-9_-]*)\s*\}\}/g;

/** The placeholder names a text uses, each once, in order. */
export function placeholdersIn(text: string): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1]!))];
}

/** The text with every placeholder filled; `missing` names those without a (non-blank) value. */
export function fill(text: string, values: Readonly<Record<string, string>>): { text: string; missing: string[] } {
  const missing = placeholdersIn(text).filter((name) => !values[name]?.trim());
  return { text: text.replace(PLACEHOLDER, (whole, name: string) => values[name]?.trim() || whole), missing };
}
