/**
 * @module http/middleware/drain-body
 * Reads to the end any request body the answer did not need (a 401, 406 or 415 decided from the headers
 * alone), before the answer goes out. Otherwise the server has to close the connection under a client
 * that may already be sending its next request on it ("socket hang up"): HTTP/1.1 keep-alive needs the
 * whole request read (https://www.rfc-editor.org/rfc/rfc9112#section-9.3). A body larger than the server
 * accepts is not read: that answer says `Connection: close` instead, so the client opens a new one.
 */
import type { Context, MiddlewareHandler } from 'hono';

/**
 * Whether the request may have a body. A GET or HEAD has one only when its headers say so (in HTTP/1.1
 * a request without Content-Length or Transfer-Encoding has none,
 * https://www.rfc-editor.org/rfc/rfc9112#section-6.3); other methods are taken to have one, as a
 * request made in-process (`app.request`) carries no Content-Length. Asked from the headers, because
 * asking Hono's request for its body stream builds a whole web Request (headers, AbortSignal) on every
 * read just to learn that.
 */
export function declaresBody(c: Context): boolean {
  const method = c.req.method;
  if (method !== 'GET' && method !== 'HEAD') return true;
  return c.req.header('content-length') !== undefined || c.req.header('transfer-encoding') !== undefined;
}

export interface DrainBodyOptions {
  /** Most bytes read only to throw away; beyond this the connection is closed. */
  maxBytes: number;
}

export const drainBody = ({ maxBytes }: DrainBodyOptions): MiddlewareHandler =>
  async function drainBody(c, next) {
    await next();
    if (!declaresBody(c)) return;
    const raw = c.req.raw;
    if (c.res.status === 413) {
      c.res.headers.set('Connection', 'close');
      return;
    }
    if (!raw.body || raw.bodyUsed) return;
    const declared = Number(c.req.header('content-length') ?? 0);
    if (declared > maxBytes || !(await discard(raw.body, maxBytes))) c.res.headers.set('Connection', 'close');
  };

/** Reads and drops the stream; false when it holds more than `maxBytes` or fails. */
async function discard(body: ReadableStream<Uint8Array>, maxBytes: number): Promise<boolean> {
  const reader = body.getReader();
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return true;
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel();
        return false;
      }
    }
  } catch {
    return false;
  }
}
