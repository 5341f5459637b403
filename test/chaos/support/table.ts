/**
 * The rows of `npm run chaos`'s table: each scenario appends what it checked and the result to the
 * file named by LOTS_CHAOS_TABLE; the global teardown prints them.
 */
import { appendFileSync } from 'node:fs';

export interface ChaosRow {
  scenario: string;
  checked: string;
  result: string;
}

export function record(row: ChaosRow): void {
  const file = process.env.LOTS_CHAOS_TABLE;
  if (file) appendFileSync(file, `${JSON.stringify(row)}\n`);
}
