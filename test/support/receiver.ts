/**
 * A real local HTTP endpoint for rest-hook subscriptions (127.0.0.1, a free port): records every
 * notification Bundle it is sent, and can be switched to fail (500) or to hang (never answer).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  headers: IncomingMessage['headers'];
  body: any;
}

export interface Receiver {
  url: string;
  received: Received[];
  mode: 'ok' | 'fail' | 'hang';
  /** The SubscriptionStatus parameter `name` of notification i. */
  status(i: number, name: string): unknown;
  /** The event numbers of the event notifications received, in order. */
  eventNumbers(): number[];
  waitFor(predicate: (r: Receiver) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const hanging: ServerResponse[] = [];
  const r: Receiver = {
    url: '',
    received: [],
    mode: 'ok',
    status(i, name) {
      const p = r.received[i]?.body?.entry?.[0]?.resource?.parameter?.find((x: { name: string }) => x.name === name);
      return p && (p.valueCode ?? p.valueString ?? p.valueCanonical ?? p.valueReference?.reference);
    },
    eventNumbers() {
      return r.received
        .filter((x) => x.body?.entry?.[0]?.resource?.parameter?.some((p: any) => p.name === 'type' && p.valueCode === 'event-notification'))
        .flatMap((x) => x.body.entry[0].resource.parameter.filter((p: any) => p.name === 'notification-event'))
        .map((p: any) => Number(p.part.find((q: any) => q.name === 'event-number').valueString));
    },
    async waitFor(predicate, timeoutMs = 15_000) {
      const until = Date.now() + timeoutMs;
      while (!predicate(r)) {
        if (Date.now() > until) throw new Error(`receiver: condition not met in ${timeoutMs} ms; got ${r.received.length} notifications`);
        await new Promise((ok) => setTimeout(ok, 25));
      }
    },
    close: () =>
      new Promise((ok) => {
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (r.mode === 'hang') {
        hanging.push(res);
        return;
      }
      if (r.mode === 'fail') {
        res.writeHead(500).end();
        return;
      }
      r.received.push({ headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()));
  r.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return r;
}
