/**
 * `npx tsx bench/book.ts [-- --duration 10 --connections 16 --citizens 200 --as citizen|system]`
 *
 * `Appointment/$book` throughput at one clinic (vc-centrum): Lots on a fresh database (PGlite in
 * bench/.data/booking-pglite, or database lots_bench_booking on the server of DATABASE_URL), the demo
 * region and booking settings seeded, free slots generated with `$generate-slots` on the clinic's two
 * schedules and ANALYZE run (as autovacuum would), then `connections` clients book for a fixed time in a closed loop, each taking the next
 * free slot, as citizens (demo login, one token per citizen) or as the system client. Afterwards it
 * checks that every 201 made exactly one busy slot and one booked Appointment. See bench/booking.md.
 */
import { readFileSync, rmSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { analyze, DATA_DIR, freshDatabase } from './databases.js';
import { ROOT, startServer, type Server } from './server.js';
import { summarize } from './stats.js';

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '16' },
    citizens: { type: 'string', default: '200' },
    as: { type: 'string', default: 'citizen' },
  },
});
const duration = Number(args.duration);
const connections = Number(args.connections);
const citizens = Number(args.citizens);
const asCitizens = args.as === 'citizen';
if (!(duration > 0 && connections >= 1 && citizens >= 1) || !['citizen', 'system'].includes(args.as!)) {
  throw new Error('--duration, --connections and --citizens must be positive; --as is citizen or system');
}
const log = (line: string) => process.stdout.write(`${line}\n`);

const SCHEDULES = ['anna-lind-vc-centrum', 'erik-berg-vc-centrum'];
/** Enough free slots that the clients never run out: a generous guess of the rate times the duration. */
const SLOTS_WANTED = Math.max(20_000, duration * 2_000);

async function fhir(server: Server, method: string, path: string, body?: unknown, token = server.token): Promise<{ status: number; json: any }> {
  const res = await fetch(path.startsWith('http') ? path : `${server.base}/${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, accept: 'application/fhir+json', ...(body ? { 'content-type': 'application/fhir+json' } : {}) },
    ...(body ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

async function must(server: Server, method: string, path: string, body?: unknown): Promise<any> {
  const r = await fhir(server, method, path, body);
  if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.json).slice(0, 500)}`);
  return r.json;
}

/** A valid personnummer: born 1 January 1970 + n days' worth of serials, with the Luhn check digit. */
function personnummer(n: number): string {
  const ten = `7001${String(1 + Math.floor(n / 999) % 28).padStart(2, '0')}${String(1 + (n % 999)).padStart(3, '0')}`;
  let sum = 0;
  for (const [i, ch] of [...ten].entries()) {
    let d = Number(ch) * (i % 2 === 0 ? 2 : 1);
    if (d > 9) d -= 9;
    sum += d;
  }
  return `19${ten}${(10 - (sum % 10)) % 10}`;
}

const addDays = (date: string, n: number) => new Date(Date.parse(`${date}T12:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

function template(start: string, end: string) {
  const day = ['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => ({ name: 'day', valueCode: d }));
  return {
    resourceType: 'Parameters',
    parameter: [
      { name: 'start', valueDate: start },
      { name: 'end', valueDate: end },
      { name: 'slotMinutes', valueInteger: 10 },
      { name: 'hours', part: [...day, { name: 'from', valueTime: '07:00:00' }, { name: 'to', valueTime: '12:00:00' }, { name: 'visitType', valueCode: 'physical' }] },
      { name: 'hours', part: [...day, { name: 'from', valueTime: '13:00:00' }, { name: 'to', valueTime: '18:00:00' }, { name: 'visitType', valueCode: 'video' }] },
    ],
  };
}

/** The demo region, the booking settings and the clinic's slots. */
async function generate(server: Server): Promise<void> {
  for (const file of ['10-region.json', '30-booking.json']) await must(server, 'POST', '', readFileSync(join(ROOT, 'seed', file), 'utf8'));
  let made = 0;
  let start = addDays(new Date().toISOString().slice(0, 10), 2);
  const started = performance.now();
  while (made < SLOTS_WANTED) {
    const end = addDays(start, 59);
    for (const s of SCHEDULES) {
      const out = await must(server, 'POST', `Schedule/${s}/$generate-slots`, template(start, end));
      made += out.parameter.find((p: { name: string }) => p.name === 'created').valueInteger as number;
    }
    start = addDays(end, 1);
  }
  log(`  generated ${made} slots in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

/** The free slots, and the citizens (with their tokens) who book them. */
async function prepare(server: Server): Promise<{ slots: string[]; patients: { id: string; token: string }[] }> {
  const slots: string[] = [];
  let url: string | undefined = `Slot?schedule=${SCHEDULES.map((s) => `Schedule/${s}`).join(',')}&status=free&_sort=start&_count=1000&_elements=id`;
  while (url) {
    const page = await must(server, 'GET', url);
    for (const e of page.entry ?? []) slots.push(e.resource.id);
    url = page.link?.find((l: { relation: string }) => l.relation === 'next')?.url;
  }

  const entry = Array.from({ length: citizens }, (_, i) => ({
    resource: { resourceType: 'Patient', id: `bench-citizen-${i}`, identifier: [{ system: 'http://electronichealth.se/identifier/personnummer', value: personnummer(i) }], name: [{ family: 'Bench', given: [String(i)] }] },
    request: { method: 'PUT', url: `Patient/bench-citizen-${i}` },
  }));
  await must(server, 'POST', '', { resourceType: 'Bundle', type: 'transaction', entry });
  const patients: { id: string; token: string }[] = [];
  for (let i = 0; i < citizens; i++) {
    let token = server.token;
    if (asCitizens) {
      const res = await fetch(`${server.origin}/auth/demo/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `personnummer=${personnummer(i)}` });
      if (!res.ok) throw new Error(`demo login: ${res.status} ${await res.text()}`);
      token = ((await res.json()) as { access_token: string }).access_token;
    }
    patients.push({ id: `bench-citizen-${i}`, token });
  }
  return { slots, patients };
}

async function run(server: Server, slots: string[], patients: { id: string; token: string }[]) {
  const latencies: number[] = [];
  const failures = new Map<number, number>();
  let next = 0;
  let sampleError: string | undefined;
  const deadline = performance.now() + duration * 1000;
  const client = async (n: number) => {
    for (let k = n; performance.now() < deadline; k += connections) {
      const slot = slots[next++];
      if (!slot) throw new Error('ran out of free slots: raise SLOTS_WANTED');
      const p = patients[k % patients.length]!;
      const body = { resourceType: 'Parameters', parameter: [{ name: 'slot', valueReference: { reference: `Slot/${slot}` } }, { name: 'patient', valueReference: { reference: `Patient/${p.id}` } }] };
      const t0 = performance.now();
      const r = await fhir(server, 'POST', 'Appointment/$book', body, p.token);
      if (r.status === 201) latencies.push(performance.now() - t0);
      else {
        failures.set(r.status, (failures.get(r.status) ?? 0) + 1);
        sampleError ??= `${r.status} ${JSON.stringify(r.json).slice(0, 300)}`;
      }
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: connections }, (_, i) => client(i)));
  return { timing: summarize(latencies, (performance.now() - t0) / 1000), failures, sampleError };
}

const dbEnv: Record<string, string> = { LOTS_DEMO_LOGIN: 'on' };
if (process.env.DATABASE_URL) dbEnv.DATABASE_URL = await freshDatabase(process.env.DATABASE_URL, 'lots_bench_booking');
else {
  const dir = join(DATA_DIR, 'booking-pglite');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(DATA_DIR, { recursive: true });
  dbEnv.LOTS_DATA_DIR = dir;
}
log(`Starting Lots on ${dbEnv.DATABASE_URL ? 'PostgreSQL (lots_bench_booking)' : 'PGlite (bench/.data/booking-pglite)'}...`);
const seeding = await startServer(dbEnv);
try {
  await generate(seeding);
} finally {
  await seeding.stop();
}
// Planner statistics for the new slots (PGlite has no autovacuum; without them a slot search takes minutes).
await analyze(dbEnv);
const server = await startServer(dbEnv);
try {
  const { slots, patients } = await prepare(server);
  log(`Booking for ${duration} s with ${connections} clients as ${asCitizens ? `${citizens} citizens` : 'the system client'}, ${slots.length} free slots at vc-centrum...`);
  const { timing, failures, sampleError } = await run(server, slots, patients);
  const booked = (await must(server, 'GET', 'Appointment?status=booked&_summary=count')).total as number;
  const busy = (await must(server, 'GET', `Slot?status=busy&_summary=count`)).total as number;
  log(`$book: ${timing.perSecond.toFixed(0)} bookings/s, p50 ${timing.p50Ms.toFixed(1)} ms, p99 ${timing.p99Ms.toFixed(1)} ms, ${timing.count} booked`);
  if (failures.size) log(`  failures: ${[...failures].map(([s, n]) => `${n} x ${s}`).join(', ')}; e.g. ${sampleError}`);
  log(`  check: ${booked} booked Appointments, ${busy} busy Slots, ${timing.count} answers 201 ${booked === timing.count && busy === timing.count ? '(consistent)' : '(INCONSISTENT)'}`);
  log(`  peak server memory ${server.peakMemoryMb().toFixed(0)} MB`);
  if (booked !== timing.count || busy !== timing.count) process.exitCode = 1;
} finally {
  await server.stop();
}
