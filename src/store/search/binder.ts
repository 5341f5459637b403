/**
 * @module store/search/binder
 * Collects bound values while SQL text is built: every value from a request becomes `$n`, never text.
 */
export class Binder {
  readonly values: unknown[] = [];

  /** Binds a value and returns its placeholder, with a cast when given (e.g. `$3::timestamptz`). */
  bind(value: unknown, cast?: string): string {
    this.values.push(value);
    return cast ? `$${this.values.length}::${cast}` : `$${this.values.length}`;
  }
}

/** Escapes LIKE wildcards so a search value matches literally. */
export const likeEscape = (s: string): string => s.replace(/[\\%_]/g, (c) => `\\${c}`);
