import { Redis } from 'ioredis';

/** Redis could not be reached at start: one actionable line for the operator, not a stack trace. */
export class RedisUnreachableError extends Error {
  override readonly name = 'RedisUnreachableError';
  constructor(url: string, cause: string) {
    super(
      `Redis is not reachable at ${redactUrl(url)} (${cause}). Start it (redis-server --daemonize yes, or docker compose up -d redis) or set REDIS_URL to a running Redis.`,
    );
  }
}

export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url;
  }
}

/** Connects once, without retrying, to tell an unreachable Redis apart before anything else starts. */
export async function assertRedisReachable(url: string, timeoutMs = 2000): Promise<void> {
  const probe = new Redis(url, { lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    await probe.ping();
  } catch (error) {
    const code = typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : (error as Error).message;
    throw new RedisUnreachableError(url, code);
  } finally {
    probe.disconnect();
  }
}

/** The long-lived connection: retries forever, so a Redis restart is survived. */
export function connectRedis(url: string): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true });
  redis.on('error', () => undefined);
  return redis;
}
