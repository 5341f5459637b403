/**
 * Throughput and latency percentiles, and a closed loop that times an async call for a fixed time at a
 * given concurrency (used for the raw SQL).
 */

export interface Timing {
  /** Successful calls. */
  count: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export function summarize(latenciesMs: number[], seconds: number): Timing {
  const sorted = Float64Array.from(latenciesMs).sort();
  const values = Array.from(sorted);
  return {
    count: values.length,
    seconds,
    perSecond: values.length / seconds,
    p50Ms: percentile(values, 50),
    p99Ms: percentile(values, 99),
  };
}

export interface LoopResult extends Timing {
  errors: number;
  firstError?: string;
}

/** Runs `call` back to back on `concurrency` loops for `seconds`. */
export async function timeLoop(seconds: number, concurrency: number, call: () => Promise<unknown>): Promise<LoopResult> {
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  const started = performance.now();
  const end = started + seconds * 1000;
  const loop = async () => {
    while (performance.now() < end) {
      const t = performance.now();
      try {
        await call();
        latencies.push(performance.now() - t);
      } catch (err) {
        errors++;
        firstError ??= err instanceof Error ? err.message : String(err);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  const result: LoopResult = { ...summarize(latencies, (performance.now() - started) / 1000), errors };
  if (firstError) result.firstError = firstError;
  return result;
}
