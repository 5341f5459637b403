/**
 * @module cli/progress
 * Progress for `lots import`: a redrawn bar with resources per second on a terminal, plain lines
 * otherwise (CI logs, pipes).
 */
import { basename } from 'node:path';

export interface Progress {
  add(n: number): void;
  error(message: string): void;
  done(loaded: number, errors: number): void;
  fail(message: string): void;
}

export function createProgress(file: string, opts: { out: NodeJS.WritableStream; isTTY: boolean }): Progress {
  const name = basename(file);
  const started = performance.now();
  let count = 0;
  const rate = () => Math.round(count / Math.max((performance.now() - started) / 1000, 0.001));
  const clear = () => opts.isTTY && opts.out.write('\r\x1b[2K');
  const draw = () => {
    if (!opts.isTTY) return;
    const spin = '|/-\\'[Math.floor(performance.now() / 120) % 4];
    opts.out.write(`\r\x1b[2K${spin} ${name}: ${count} resources, ${rate()}/s`);
  };
  return {
    add(n) {
      count += n;
      draw();
    },
    error(message) {
      clear();
      opts.out.write(`  ${name}: ${message}\n`);
      draw();
    },
    done(loaded, errors) {
      clear();
      opts.out.write(`${name}: ${loaded} resources in ${((performance.now() - started) / 1000).toFixed(1)} s (${rate()}/s)${errors ? `, ${errors} bad entries` : ''}\n`);
    },
    fail(message) {
      clear();
      opts.out.write(`${name}: FAILED: ${message}\n`);
    },
  };
}
