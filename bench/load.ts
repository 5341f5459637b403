/**
 * Drives one HTTP operation at Lots for a fixed time with autocannon (in this process, not the
 * server's): every request gets a freshly generated path and body; latencies are taken per response
 * (autocannon's own histogram rounds to whole milliseconds).
 */
import autocannon from 'autocannon';
import type { Server } from './server.js';
import { summarize, type Timing } from './stats.js';

export interface HttpOp {
  method: 'GET' | 'POST';
  /** A new request: path below the origin (e.g. /fhir/Patient/123) and body. */
  next(): { path: string; body?: string };
}

export interface LoadResult extends Timing {
  /** Non-2xx responses, socket errors and timeouts. */
  errors: number;
  /** What one failing request answered, when there were errors. */
  sampleError?: string;
}

export async function runLoad(server: Server, op: HttpOp, seconds: number, connections: number): Promise<LoadResult> {
  const latencies: number[] = [];
  let non2xx = 0;
  const headers: Record<string, string> = { authorization: `Bearer ${server.token}`, accept: 'application/fhir+json' };
  if (op.method === 'POST') headers['content-type'] = 'application/fhir+json';
  const first = op.next();
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: server.origin,
        connections,
        duration: seconds,
        timeout: 30,
        headers,
        requests: [{ method: op.method, path: first.path, ...(first.body ? { body: first.body } : {}), setupRequest: (req) => ({ ...req, ...op.next() }) }],
      },
      (err, res) => (err ? reject(err) : resolve(res)),
    );
    instance.on('response', (_client, status, _bytes, ms) => {
      if (status >= 200 && status < 300) latencies.push(ms);
      else non2xx++;
    });
  });
  const out: LoadResult = { ...summarize(latencies, result.duration || seconds), errors: non2xx + result.errors };
  if (out.errors > 0) out.sampleError = await sampleError(server, op, headers);
  return out;
}

/** Sends one more request and reports it when it fails (the bench's clue to what went wrong). */
async function sampleError(server: Server, op: HttpOp, headers: Record<string, string>): Promise<string | undefined> {
  const { path, body } = op.next();
  const res = await fetch(`${server.origin}${path}`, { method: op.method, headers, ...(body ? { body } : {}) });
  return res.ok ? undefined : `${res.status} ${(await res.text()).slice(0, 300)}`;
}
