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
});

export const DEVELOPMENT_JWT_SECRET = 'jixiao-development-secret-change-me-please-0000';

export type RawConfig = z.infer<typeof configSchema>;

export interface AppConfig extends Omit<RawConfig, 'EVENT_STORE_URL' | 'JWT_SECRET'> {
  EVENT_STORE_URL: string;
  JWT_SECRET: string;
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
  if (parsed.data.NODE_ENV === 'production' && parsed.data.JWT_SECRET === undefined) {
    throw new ConfigError('JWT_SECRET', 'required when NODE_ENV=production', undefined);
  }
  return {
    ...parsed.data,
    EVENT_STORE_URL: parsed.data.EVENT_STORE_URL ?? parsed.data.DATABASE_URL,
    JWT_SECRET: parsed.data.JWT_SECRET ?? DEVELOPMENT_JWT_SECRET,
  };
}
