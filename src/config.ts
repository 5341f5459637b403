/**
 * @module config
 * Lots' settings, read from the environment and checked with zod. The only reader of `process.env`.
 */
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

const logLevels = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof logLevels)[number];

const bytes = z.coerce.number().int().positive();
const portError = 'must be a port number from 0 to 65535';

const schema = z.object({
  // Messages never echo the value: a bad DATABASE_URL may hold a password.
  PORT: z.coerce.number({ error: portError }).int({ error: portError }).min(0, { error: portError }).max(65535, { error: portError }).default(8080),
  BASE_URL: z.url().optional(),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  LOTS_DATA_DIR: z.string().min(1).default('./data'),
  LOG_LEVEL: z.enum(logLevels).default('info'),
  LOTS_MAX_BODY_BYTES: bytes.default(16 * 1024 * 1024),
  LOTS_DB_POOL_SIZE: z.coerce.number().int().min(1).max(1000).default(10),
  LOTS_WORKERS: z.coerce.number().int().min(1).max(64).optional(),
  LOTS_MAX_BUNDLE_ENTRIES: z.coerce.number().int().positive().default(10_000),
  LOTS_MAX_INCLUDES: z.coerce.number().int().positive().default(1000),
  LOTS_AUTH: z.enum(['on', 'off']).default('on'),
  LOTS_CASE_ANSWER_WORKING_DAYS: z.coerce.number().int().min(1).max(30).default(2),
  LOTS_MONITORING_CHECK_SECONDS: z.coerce.number().int().min(0).default(3600),
  LOTS_MONITORING_GRACE_HOURS: z.coerce.number().min(0).max(168).default(6),
  LOTS_SUBSCRIPTION_RETRY_HOURS: z.coerce.number().min(0).max(24 * 30).default(24),
  LOTS_SUBSCRIPTION_POLL_MS: z.coerce.number().int().min(0).default(250),
  LOTS_SUBSCRIPTION_MAX_BACKOFF_SECONDS: z.coerce.number().min(0.01).max(3600).default(300),
  LOTS_SUBSCRIPTION_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(50),
  LOTS_VIDEO_LINK_PATTERN: z
    .string()
    .regex(/^https:\/\/[^\s{}]+.*\{room\}/, 'must be an https URL containing {room}')
    .default('https://video.lots.example/join/{room}'),
  LOTS_DEMO_LOGIN: z.enum(['on', 'off']).optional(),
  LOTS_BOOTSTRAP_CLIENT: z
    .string()
    .regex(/^[A-Za-z0-9._-]+:.{12,}$/, 'must be id:secret, with a secret of at least 12 characters')
    .optional(),
  // `*` (any origin), `off`, or a comma-separated list of origins such as https://app.example.se.
  LOTS_CORS_ORIGINS: z
    .string()
    .regex(/^(\*|off|https?:\/\/[^\s,/]+(\s*,\s*https?:\/\/[^\s,/]+)*)$/, 'must be *, off, or a comma-separated list of origins like https://app.example.se')
    .default('*'),
  LOTS_CLIENT: z
    .string()
    .regex(/^[A-Za-z0-9._-]+:.+$/, 'must be id:secret')
    .optional(),
  LOTS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(86_400).default(3600),
  LOTS_AUDIT_READS: z.enum(['queue', 'sync']).default('queue'),
  LOTS_LOGIN_RATE_PER_ADDRESS: z.coerce.number().int().positive().default(120),
  LOTS_LOGIN_FAILURES_PER_CLIENT: z.coerce.number().int().positive().default(10),
  LOTS_OIDC_ISSUER: z.url().optional(),
  LOTS_OIDC_JWKS_URL: z.url().optional(),
  LOTS_OIDC_AUDIENCE: z.string().optional(),
  LOTS_OIDC_LOGIN_CLIENT: z
    .string()
    .regex(/^[^:\s]+:.+$/, 'must be id:secret (Lots as a client of the OIDC issuer)')
    .optional(),
  LOTS_OIDC_AUTHORIZATION_URL: z.url().optional(),
  LOTS_OIDC_TOKEN_URL: z.url().optional(),
  LOTS_OIDC_CLAIM_SCOPE: z.string().default('scope'),
  LOTS_OIDC_CLAIM_PERSONNUMMER: z.string().default('personnummer'),
  LOTS_OIDC_CLAIM_HSA_ID: z.string().default('hsa_id'),
  LOTS_OIDC_CLAIM_UNITS: z.string().default('units'),
  LOTS_OIDC_CLAIM_ROLES: z.string().default('roles'),
  LOTS_OIDC_CLAIM_CLIENT_ID: z.string().default('client_id'),
  LOTS_GROWTH_REFERENCES: z.string().min(1).optional(),
  LOTS_HIGH_COST_CAP_KR: z.coerce.number().positive().max(100_000).optional(),
});

export interface Config {
  port: number;
  /** The FHIR base, e.g. `http://localhost:8080/fhir`; no trailing slash. */
  baseUrl: string;
  /** Path part of `baseUrl`, e.g. `/fhir`. */
  basePath: string;
  database: { kind: 'pg'; url: string; poolSize: number } | { kind: 'pglite'; dataDir: string };
  /** Server processes (node:cluster), each with its own pool: 1 on the embedded database, by default the cores on a server. */
  workers: number;
  logLevel: LogLevel;
  maxBodyBytes: number;
  /** Most entries a batch or transaction may have (413 beyond). */
  maxBundleEntries: number;
  /** Most resources `_include`/`_revinclude` add to one page of a search (a warning says when cut). */
  maxIncludes: number;
  auth: AuthConfig;
  /** `queue`: read AuditEvents are written in batches after the answer; `sync`: before it. */
  auditReads: 'queue' | 'sync';
  cases: { /** Working days a clinic has to answer a case. */ answerWorkingDays: number };
  booking: { /** Video meeting links when a clinic sets no pattern of its own; `{room}` is replaced. */ videoLinkPattern: string };
  /** The folder of growth references (docs/growth.md); by default the WHO tables shipped in references/growth. */
  growth: { referencesDir: string };
  /** Self-monitoring: how often the missing-measurement check runs (0: never), and the grace after a period. */
  monitoring: { checkSeconds: number; graceHours: number };
  /**
   * Subscriptions (docs/subscriptions.md): how often each process looks for work (0: it delivers
   * nothing), how long a failing endpoint is retried before the subscription goes to error, the longest
   * wait between attempts, and how many subscriptions one process delivers at once.
   */
  subscriptions: { pollMs: number; retryHours: number; maxBackoffSeconds: number; concurrency: number };
  /** Origins browsers may call the API from: any (`*`), none (`off`), or those listed. */
  corsOrigins: '*' | 'off' | string[];
  /** Högkostnadsskydd (docs/citizen.md): the region's own cap in kr when lower than the national one. */
  highCost: { regionCapKr?: number };
  /** LOTS_CLIENT: the system client `lots seed` / `lots import` use to load through a running server's API. */
  cliClient?: { id: string; secret: string };
}

export interface AuthConfig {
  enabled: boolean;
  /** The demo login (BankID/SITHS stand-in): on by default only on the embedded database. */
  demoLogin: boolean;
  bootstrapClient?: { id: string; secret: string };
  tokenTtlSeconds: number;
  /** Token endpoint and demo login limits, per minute (429 with Retry-After beyond them). */
  loginRate: { perAddress: number; failuresPerClient: number };
  oidc?: {
    issuer: string;
    jwksUrl: string;
    audience: string;
    claims: { scope: string; personnummer: string; hsaId: string; units: string; roles: string; clientId: string };
    /** Where SMART apps' users log in instead of the demo login (authorization code at the issuer). */
    login?: { clientId: string; clientSecret: string; authorizationUrl: string; tokenUrl: string };
  };
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
    workers: workers(s),
    logLevel: s.LOG_LEVEL,
    maxBodyBytes: s.LOTS_MAX_BODY_BYTES,
    maxBundleEntries: s.LOTS_MAX_BUNDLE_ENTRIES,
    maxIncludes: s.LOTS_MAX_INCLUDES,
    auth: authConfig(s, baseUrl),
    auditReads: s.LOTS_AUDIT_READS,
    cases: { answerWorkingDays: s.LOTS_CASE_ANSWER_WORKING_DAYS },
    booking: { videoLinkPattern: s.LOTS_VIDEO_LINK_PATTERN },
    growth: { referencesDir: s.LOTS_GROWTH_REFERENCES ?? fileURLToPath(new URL('../references/growth', import.meta.url)) },
    monitoring: { checkSeconds: s.LOTS_MONITORING_CHECK_SECONDS, graceHours: s.LOTS_MONITORING_GRACE_HOURS },
    highCost: s.LOTS_HIGH_COST_CAP_KR !== undefined ? { regionCapKr: s.LOTS_HIGH_COST_CAP_KR } : {},
    subscriptions: {
      pollMs: s.LOTS_SUBSCRIPTION_POLL_MS,
      retryHours: s.LOTS_SUBSCRIPTION_RETRY_HOURS,
      maxBackoffSeconds: s.LOTS_SUBSCRIPTION_MAX_BACKOFF_SECONDS,
      concurrency: s.LOTS_SUBSCRIPTION_CONCURRENCY,
    },
    corsOrigins: s.LOTS_CORS_ORIGINS === '*' || s.LOTS_CORS_ORIGINS === 'off' ? s.LOTS_CORS_ORIGINS : s.LOTS_CORS_ORIGINS.split(',').map((o) => o.trim()),
    ...(s.LOTS_CLIENT ? { cliClient: splitCredentials(s.LOTS_CLIENT) } : {}),
  };
}

function authConfig(s: z.infer<typeof schema>, baseUrl: string): AuthConfig {
  const auth: AuthConfig = {
    enabled: s.LOTS_AUTH === 'on',
    demoLogin: s.LOTS_DEMO_LOGIN ? s.LOTS_DEMO_LOGIN === 'on' : !s.DATABASE_URL,
    tokenTtlSeconds: s.LOTS_TOKEN_TTL_SECONDS,
    loginRate: { perAddress: s.LOTS_LOGIN_RATE_PER_ADDRESS, failuresPerClient: s.LOTS_LOGIN_FAILURES_PER_CLIENT },
  };
  if (s.LOTS_BOOTSTRAP_CLIENT) auth.bootstrapClient = splitCredentials(s.LOTS_BOOTSTRAP_CLIENT);
  if (s.LOTS_OIDC_ISSUER) {
    if (!s.LOTS_OIDC_JWKS_URL) throw new ConfigError('Invalid settings: LOTS_OIDC_JWKS_URL is required with LOTS_OIDC_ISSUER');
    auth.oidc = {
      issuer: s.LOTS_OIDC_ISSUER,
      jwksUrl: s.LOTS_OIDC_JWKS_URL,
      audience: s.LOTS_OIDC_AUDIENCE ?? baseUrl,
      claims: {
        scope: s.LOTS_OIDC_CLAIM_SCOPE,
        personnummer: s.LOTS_OIDC_CLAIM_PERSONNUMMER,
        hsaId: s.LOTS_OIDC_CLAIM_HSA_ID,
        units: s.LOTS_OIDC_CLAIM_UNITS,
        roles: s.LOTS_OIDC_CLAIM_ROLES,
        clientId: s.LOTS_OIDC_CLAIM_CLIENT_ID,
      },
    };
    if (s.LOTS_OIDC_LOGIN_CLIENT) {
      if (!s.LOTS_OIDC_AUTHORIZATION_URL || !s.LOTS_OIDC_TOKEN_URL) throw new ConfigError('Invalid settings: LOTS_OIDC_AUTHORIZATION_URL and LOTS_OIDC_TOKEN_URL are required with LOTS_OIDC_LOGIN_CLIENT');
      const { id, secret } = splitCredentials(s.LOTS_OIDC_LOGIN_CLIENT);
      auth.oidc.login = { clientId: id, clientSecret: secret, authorizationUrl: s.LOTS_OIDC_AUTHORIZATION_URL, tokenUrl: s.LOTS_OIDC_TOKEN_URL };
    }
  } else if (s.LOTS_OIDC_LOGIN_CLIENT) {
    throw new ConfigError('Invalid settings: LOTS_OIDC_LOGIN_CLIENT needs LOTS_OIDC_ISSUER and LOTS_OIDC_JWKS_URL');
  }
  return auth;
}

/** The embedded database belongs to one process; a server database takes one process per core unless told. */
function workers(s: z.infer<typeof schema>): number {
  if (!s.DATABASE_URL) {
    if ((s.LOTS_WORKERS ?? 1) > 1) throw new ConfigError('Invalid settings: LOTS_WORKERS above 1 needs DATABASE_URL (the embedded database can be opened by one process only)');
    return 1;
  }
  return s.LOTS_WORKERS ?? availableParallelism();
}

/** `id:secret` (the secret may contain colons). */
function splitCredentials(value: string): { id: string; secret: string } {
  const i = value.indexOf(':');
  return { id: value.slice(0, i), secret: value.slice(i + 1) };
}
