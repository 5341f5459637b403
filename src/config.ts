/**
 * @module config
 * Lots' settings, read from the environment and checked with zod. The only reader of `process.env`.
 */
import { z } from 'zod';

const logLevels = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof logLevels)[number];

const bytes = z.coerce.number().int().positive();

const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  BASE_URL: z.url().optional(),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  LOTS_DATA_DIR: z.string().min(1).default('./data'),
  LOG_LEVEL: z.enum(logLevels).default('info'),
  LOTS_MAX_BODY_BYTES: bytes.default(16 * 1024 * 1024),
  LOTS_DB_POOL_SIZE: z.coerce.number().int().min(1).max(1000).default(10),
  LOTS_MAX_BUNDLE_ENTRIES: z.coerce.number().int().positive().default(10_000),
});

export interface Config {
  port: number;
  /** The FHIR base, e.g. `http://localhost:8080/fhir`; no trailing slash. */
  baseUrl: string;
  /** Path part of `baseUrl`, e.g. `/fhir`. */
  basePath: string;
  database: { kind: 'pg'; url: string; poolSize: number } | { kind: 'pglite'; dataDir: string };
  logLevel: LogLevel;
  maxBodyBytes: number;
  /** Most entries a batch or transaction may have (413 beyond). */
  maxBundleEntries: number;
}

/** Thrown for bad settings; `main.ts` prints its message as one line and exits. */
export class ConfigError extends Error {}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid settings: ${problems.join('; ')}`);
  }
  const s = parsed.data;
  const baseUrl = (s.BASE_URL ?? `http://localhost:${s.PORT}/fhir`).replace(/\/+$/, '');
  return {
    port: s.PORT,
    baseUrl,
    basePath: new URL(baseUrl).pathname.replace(/\/+$/, ''),
    database: s.DATABASE_URL
      ? { kind: 'pg', url: s.DATABASE_URL, poolSize: s.LOTS_DB_POOL_SIZE }
      : { kind: 'pglite', dataDir: s.LOTS_DATA_DIR },
    logLevel: s.LOG_LEVEL,
    maxBodyBytes: s.LOTS_MAX_BODY_BYTES,
    maxBundleEntries: s.LOTS_MAX_BUNDLE_ENTRIES,
  };
}
