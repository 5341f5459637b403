/**
 * @module main
 * The one entry point: `lots serve | migrate | import | seed | client`. Reads the settings, builds the app and serves it; the
 * only file with process-level side effects (signals, exit codes), with cli/workers.ts for LOTS_WORKERS.
 */
import cluster from 'node:cluster';
import { createWriteStream } from 'node:fs';
import { readdir, readFile, rename, rm } from 'node:fs/promises';
import type { Bundle } from '@medplum/fhirtypes';
import v8 from 'node:v8';
import vm from 'node:vm';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { createApp, createDeps, openDb, prepareDatabase, type Deps } from './app.js';
import { superviseWorkers } from './cli/workers.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { createLogger } from './log.js';
import { migrate } from './store/db/migrate.js';
import { dumpDatabase, restoreDatabase, RestoreError } from './store/dump.js';
import { importFilesWith, inProcessSender, type BundleSender } from './cli/import.js';
import { seedSlots } from './cli/seed-slots.js';
import { CLIENT_USAGE, ClientUsageError, runClientCommand } from './cli/client.js';
import { httpSender } from './cli/http-sender.js';
import { describeLockHolder, lockHolder } from './store/db/data-dir-lock.js';
import { createFhirRouter } from './http/fhir/index.js';

const USAGE = `Usage: lots <command>

Commands:
  serve            start the FHIR server (default)
  migrate          apply database migrations and exit
  import FILE...   load transaction/batch/collection Bundles, resources and NDJSON files
  seed             load the demo region in seed/ (units, staff, citizens, forms, rules, slots)
  dump FILE        write a portable SQL dump of the database (loads into PostgreSQL with psql -1 -f)
  restore FILE     load a dump into an empty LOTS_DATA_DIR (or empty DATABASE_URL database)
  client ...       register OAuth clients: lots client add|list|rotate|remove (lots client help)

With the embedded database one process at a time may open LOTS_DATA_DIR. While a server runs,
LOTS_CLIENT=id:secret makes seed and import load through its API.
`;

async function main(argv: string[]): Promise<number> {
  const [command = 'serve'] = argv;
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`lots: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  switch (command) {
    case 'serve':
      return runServer(config);
    case 'migrate': {
      const db = await openDb(config, 'migrate');
      const applied = await migrate(db);
      process.stdout.write(applied.length ? `Applied ${applied.join(', ')}\n` : 'Database is up to date\n');
      await db.close();
      return 0;
    }
    case 'import':
      return runImport(config, 'import', argv.slice(1));
    case 'seed': {
      const files = await seedFiles();
      const bundles = await Promise.all(files.map(async (f) => JSON.parse(await readFile(f, 'utf8')) as Bundle));
      return runImport(config, 'seed', files, (send) => seedSlots(send, bundles, process.stdout));
    }
    case 'dump':
      return runDump(config, argv.slice(1));
    case 'restore':
      return runRestore(config, argv.slice(1));
    case 'client':
      return runClient(config, argv.slice(1));
    case 'help':
    case '--help':
      process.stdout.write(USAGE);
      return 0;
    default:
      process.stderr.write(`lots: unknown command "${command}"\n${USAGE}`);
      return 2;
  }
}

/** Loads `files`; `after` runs next with the same sender (the seed's slots) and returns a failure count. */
async function runImport(config: Config, command: 'seed' | 'import', files: string[], after?: (send: BundleSender) => Promise<number>): Promise<number> {
  if (files.length === 0) {
    process.stderr.write('lots import: name at least one file\n');
    return 2;
  }
  const out = { out: process.stdout, isTTY: !!process.stdout.isTTY };
  // The embedded database is one process's: while a server holds it, load through that server's API.
  const dataDir = config.database.kind === 'pglite' ? config.database.dataDir : undefined;
  const server = dataDir === undefined ? undefined : lockHolder(dataDir);
  if (server?.baseUrl && config.cliClient) {
    process.stdout.write(`The server with PID ${server.pid} holds ${dataDir}: loading through its API at ${server.baseUrl}\n`);
    const send = await httpSender(server.baseUrl, config.cliClient);
    const summary = await importFilesWith(send, files, out);
    const failed = (await after?.(send)) ?? 0;
    return summary.failedFiles || summary.errors || failed ? 1 : 0;
  }
  const deps = await createDeps(config, createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel), await openDb(config, command));
  try {
    printCreatedClient(deps);
    const send = inProcessSender(deps.fhir, createFhirRouter());
    const summary = await importFilesWith(send, files, out);
    const failed = (await after?.(send)) ?? 0;
    // Fresh planner statistics, so the first searches after a big import are planned well.
    await deps.statistics.refresh(true);
    return summary.failedFiles || summary.errors || failed ? 1 : 0;
  } finally {
    await deps.close();
  }
}

/**
 * Loading the FHIR definitions parses tens of megabytes of JSON once; collecting that garbage before
 * serving gives about 100 MB back to the system instead of keeping it until the heap fills up.
 */
function releaseStartupGarbage(): void {
  v8.setFlagsFromString('--expose-gc');
  (vm.runInNewContext('gc') as () => void)();
}

async function seedFiles(): Promise<string[]> {
  const dir = new URL('../seed/', import.meta.url);
  return (await readdir(dir)).filter((f) => f.endsWith('.json')).sort().map((f) => fileURLToPath(new URL(f, dir)));
}

async function runDump(config: Config, args: string[]): Promise<number> {
  if (args.length !== 1) {
    process.stderr.write('lots dump: name the file to write, e.g. lots dump lots-backup.sql\n');
    return 2;
  }
  const [file] = args as [string];
  const db = await openDb(config, 'dump');
  const partial = `${file}.partial`;
  try {
    const out = createWriteStream(partial);
    const write = (text: string) => new Promise<void>((resolve, reject) => out.write(text, (err) => (err ? reject(err) : resolve())));
    const summary = await dumpDatabase(db, write);
    await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
    // Only a complete dump gets the name asked for.
    await rename(partial, file);
    process.stdout.write(`Dumped ${summary.rows} rows of ${summary.tables} tables to ${file}\n`);
    return 0;
  } finally {
    await db.close();
    await rm(partial, { force: true });
  }
}

async function runRestore(config: Config, args: string[]): Promise<number> {
  if (args.length !== 1) {
    process.stderr.write('lots restore: name the dump file, e.g. lots restore lots-backup.sql\n');
    return 2;
  }
  const db = await openDb(config, 'restore');
  try {
    const { rows } = await restoreDatabase(db, args[0]!);
    const into = config.database.kind === 'pglite' ? config.database.dataDir : 'the PostgreSQL database';
    process.stdout.write(`Restored ${rows} rows into ${into}; start Lots on it (it applies newer migrations itself)\n`);
    return 0;
  } catch (err) {
    if (!(err instanceof RestoreError)) throw err;
    process.stderr.write(`lots restore: ${err.message}\n`);
    return 1;
  } finally {
    await db.close();
  }
}

async function runClient(config: Config, argv: string[]): Promise<number> {
  if (!argv.length || argv[0] === 'help' || argv[0] === '--help') {
    process.stdout.write(CLIENT_USAGE);
    return argv.length ? 0 : 2;
  }
  const db = await openDb(config, 'client');
  try {
    await migrate(db);
    return await runClientCommand(db, argv, process.stdout);
  } catch (err) {
    const usage = err instanceof ClientUsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    if (!usage) throw err;
    process.stderr.write(`lots client: ${(err as Error).message}\n${CLIENT_USAGE}`);
    return 2;
  } finally {
    await db.close();
  }
}

/** The first command on a new database creates the system client: its secret is shown this once. */
function printCreatedClient({ createdClient }: Pick<Deps, 'createdClient'>): void {
  if (!createdClient) return;
  const { id, secret } = createdClient;
  process.stdout.write(`Created the system client "${id}" with secret ${secret} (scope system/*.*). It is shown only now: keep it.\n`);
}

function servingLine(config: Config, started: number): string {
  const driver = config.database.kind === 'pg' ? 'PostgreSQL server' : `embedded PGlite in ${config.database.dataDir}`;
  const processes = config.workers > 1 ? ` in ${config.workers} processes` : '';
  return `Lots is serving FHIR R4 at ${config.baseUrl} (${driver})${processes}, ready in ${Math.round(performance.now() - started)} ms\n`;
}

/** The primary of LOTS_WORKERS: prepares the database once, then supervises the serving processes. */
async function runWorkers(config: Config): Promise<number> {
  const started = performance.now();
  const log = createLogger(config.logLevel);
  const db = await openDb(config, 'serve');
  const prepared = await prepareDatabase(config, log, db).finally(() => db.close());
  printCreatedClient(prepared);
  return superviseWorkers({ workers: config.workers, log, ready: () => process.stdout.write(servingLine(config, started)) });
}

async function runServer(config: Config): Promise<number> {
  if (config.workers > 1 && cluster.isPrimary) return runWorkers(config);
  const started = performance.now();
  const log = createLogger(config.logLevel);
  const deps = await createDeps(config, log, await openDb(config, 'serve'));
  const app = createApp(deps);
  releaseStartupGarbage();
  const server = serve({ fetch: app.fetch, port: config.port });
  // Keep idle connections longer than clients and load balancers do (Node's 5 s default): a client that
  // reuses a connection just as the server times it out gets "socket closed" instead of an answer.
  (server as import('node:http').Server).keepAliveTimeout = 65_000;
  (server as import('node:http').Server).headersTimeout = 66_000;
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  if (config.database.kind === 'pglite') describeLockHolder(config.database.dataDir, { baseUrl: config.baseUrl });
  // A worker's start is told by the primary, once all of them listen.
  if (cluster.isPrimary) {
    printCreatedClient(deps);
    process.stdout.write(servingLine(config, started));
  }
  return new Promise<number>((resolve) => {
    const stop = (signal: string) => {
      log.info('shutting down', { signal });
      server.close(() => {
        deps.close().finally(() => resolve(0));
      });
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`lots: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
