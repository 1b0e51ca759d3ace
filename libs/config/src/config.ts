import { createHash } from 'node:crypto';
import { z } from 'zod';

/**
 * Every setting the processes read, from environment variables, validated once at start.
 * The README's configuration table mirrors this schema.
 */
const booleanFlag = z.enum(['true', 'false', '1', '0']).transform((value) => value === 'true' || value === '1');

const databaseUrl = z
  .string()
  .regex(/^(postgres|postgresql|pglite):\/\//, 'must start with postgres://, postgresql:// or pglite://');

export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('0.0.0.0'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** Where events live: postgres://…, pglite://./data/… or esdb://…; defaults to DATABASE_URL. */
  EVENT_STORE_URL: z
    .string()
    .regex(/^(postgres|postgresql|pglite|esdb|esdb\+discover):\/\//, 'must start with postgres://, pglite:// or esdb://')
    .optional(),
  /** Read models (and, unless EVENT_STORE_URL says otherwise, events). */
  DATABASE_URL: databaseUrl.default('pglite://./data/jixiao'),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(20),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must start with redis:// or rediss://').default('redis://127.0.0.1:6379'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Run the queue workers and projections inside the API process (the quick start). */
  WORKER_IN_PROCESS: booleanFlag.default(true),
  HTTP_BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).max(50 * 1024 * 1024).default(1024 * 1024),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  /** HS256 key for access tokens; required in production, a documented development key otherwise. */
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  JWT_TTL_SECONDS: z.coerce.number().int().min(60).max(7 * 24 * 3600).default(3600),
  // ── queues, reminders, notifications (apps/worker) ──
  /**
   * Redis key prefix of the BullMQ queues. Unset: `jixiao-<8 hex digits of EVENT_STORE_URL's
   * SHA-256>`, so two stores never share queues on one Redis (jobs are rebuilt from the store).
   */
  QUEUE_PREFIX: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, _ . - (no colon)').optional(),
  /** How long a worker holds a job before it counts as stalled and another worker takes it. */
  QUEUE_LOCK_MS: z.coerce.number().int().min(1000).max(600_000).default(30_000),
  /** Periodic reconciliation of delayed jobs with the event store; 0 turns it off (start and on demand remain). */
  RECONCILE_INTERVAL_MS: z.coerce.number().int().min(0).max(24 * 3600_000).default(15 * 60_000),
  /** JSON file of more calendar years ({year, source, holidays[{name,from,to}], workdays[]}[]), merged over the built-in ones. */
  CALENDAR_FILE: z.string().min(1).optional(),
  /** smtp://user:pass@host:port or smtps://…; unset: no e-mail channel. */
  SMTP_URL: z.string().regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://').optional(),
  NOTIFY_EMAIL_FROM: z.string().min(3).max(200).default('绩效管理系统 <noreply@jixiao.invalid>'),
  /** Where reminders are POSTed as signed JSON; unset: no webhook channel. */
  WEBHOOK_URL: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).optional(),
  /** HMAC-SHA256 key of the webhook signature; required with WEBHOOK_URL. */
  WEBHOOK_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  /** Tries per delivery (e-mail, webhook) before it is dead-lettered. */
  NOTIFY_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
  /** First retry delay; each further retry waits twice as long. */
  NOTIFY_BACKOFF_MS: z.coerce.number().int().min(10).max(3600_000).default(30_000),
  /** How long a claimed delivery stays claimed: after a crash, another worker sends it after this. */
  NOTIFY_LEASE_MS: z.coerce.number().int().min(500).max(3600_000).default(60_000),
  /** Time limit of one SMTP or webhook send; keep it well under NOTIFY_LEASE_MS. */
  NOTIFY_SEND_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(15_000),
});

export const DEVELOPMENT_JWT_SECRET = 'jixiao-development-secret-change-me-please-0000';

export type RawConfig = z.infer<typeof configSchema>;

export interface AppConfig extends Omit<RawConfig, 'EVENT_STORE_URL' | 'JWT_SECRET' | 'QUEUE_PREFIX'> {
  EVENT_STORE_URL: string;
  JWT_SECRET: string;
  QUEUE_PREFIX: string;
}

/** Queues belong to the store whose events they are rebuilt from. */
export function defaultQueuePrefix(eventStoreUrl: string): string {
  return `jixiao-${createHash('sha256').update(eventStoreUrl).digest('hex').slice(0, 8)}`;
}

/** A bad setting: one line that names the variable, for the operator. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly variable: string,
    readonly reason: string,
    readonly value: string | undefined,
  ) {
    super(`configuration: ${variable}=${value === undefined ? '(unset)' : JSON.stringify(value)} is invalid: ${reason}`);
  }
}

export function loadConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  const relevant = Object.fromEntries(
    Object.keys(configSchema.shape)
      .filter((key) => env[key] !== undefined && env[key] !== '')
      .map((key) => [key, env[key]]),
  );
  const parsed = configSchema.safeParse(relevant);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const variable = String(issue.path[0] ?? 'environment');
    throw new ConfigError(variable, issue.message, env[variable]);
  }
  if (parsed.data.WEBHOOK_URL !== undefined && parsed.data.WEBHOOK_SECRET === undefined) {
    throw new ConfigError('WEBHOOK_SECRET', 'required when WEBHOOK_URL is set', undefined);
  }
  if (parsed.data.NODE_ENV === 'production' && parsed.data.JWT_SECRET === undefined) {
    throw new ConfigError('JWT_SECRET', 'required when NODE_ENV=production', undefined);
  }
  const eventStoreUrl = parsed.data.EVENT_STORE_URL ?? parsed.data.DATABASE_URL;
  return {
    ...parsed.data,
    EVENT_STORE_URL: eventStoreUrl,
    QUEUE_PREFIX: parsed.data.QUEUE_PREFIX ?? defaultQueuePrefix(eventStoreUrl),
    JWT_SECRET: parsed.data.JWT_SECRET ?? DEVELOPMENT_JWT_SECRET,
  };
}
