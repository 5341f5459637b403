/**
 * `npm run bench:subscriptions [-- --events 5000 --subscriptions 1]`: events delivered per second to a
 * local rest-hook receiver (target >= 1,000/s). Writes the Observations first with delivery paused, then
 * times the fan-out and the delivery of all of them (id-only, 100 events per notification). On the
 * PostgreSQL server of DATABASE_URL (a fresh database, dropped after) or in-memory PGlite.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { createTestApp } from '../test/support/test-app.js';
import { subscription, IG } from '../test/support/subscriptions.js';

const { values: args } = parseArgs({ options: { events: { type: 'string', default: '5000' }, subscriptions: { type: 'string', default: '1' } } });
const events = Number(args.events);
const subs = Number(args.subscriptions);
if (process.env.DATABASE_URL) process.env.LOTS_TEST_DATABASE_URL = process.env.DATABASE_URL;

let received = 0;
const receiver = createServer((req, res) => {
  let body = '';
  req.on('data', (c: Buffer) => (body += c.toString('utf8')));
  req.on('end', () => {
    received += (body.match(/"notification-event"/g) ?? []).length;
    res.end();
  });
});
await new Promise<void>((ok) => receiver.listen(0, '127.0.0.1', () => ok()));
const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;

const t = await createTestApp({ LOTS_SUBSCRIPTION_POLL_MS: '0' });
try {
  for (let i = 0; i < subs; i++) {
    const body = subscription('resource-changed', url, { filters: ['Observation?code=http://example.org/bench|hr'], extra: [{ url: `${IG}/backport-max-count`, valuePositiveInt: 100 }] });
    if ((await t.request('POST', 'Subscription', { body })).status !== 201) throw new Error('subscription refused');
  }
  await t.deps.subscriptions.drain();
  const obs = { resourceType: 'Observation', status: 'final', code: { coding: [{ system: 'http://example.org/bench', code: 'hr' }] } };
  for (let done = 0; done < events; done += 500) {
    const n = Math.min(500, events - done);
    const bundle = { resourceType: 'Bundle', type: 'batch', entry: Array.from({ length: n }, () => ({ resource: obs, request: { method: 'POST', url: 'Observation' } })) };
    if ((await t.request('POST', '', { body: bundle })).status !== 200) throw new Error('write failed');
  }
  const start = performance.now();
  await t.deps.subscriptions.drain(600_000);
  const seconds = (performance.now() - start) / 1000;
  const want = events * subs;
  process.stdout.write(`${t.driver}: ${received} of ${want} events delivered in ${seconds.toFixed(2)} s: ${Math.round(received / seconds)} events/s (target >= 1,000/s)\n`);
  if (received !== want) process.exitCode = 1;
} finally {
  await t.close();
  receiver.close();
}
