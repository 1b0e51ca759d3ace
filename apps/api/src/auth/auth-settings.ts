import { ConfigError, DEVELOPMENT_JWT_SECRET, type AppConfig } from '#config';

export { DEVELOPMENT_JWT_SECRET };
export const DEFAULT_JWT_TTL_SECONDS = 3600;
export const MIN_JWT_SECRET_LENGTH = 32;

export interface AuthSettings {
  jwtSecret: string;
  jwtTtlSeconds: number;
  /** True when the documented development secret is in use (the module logs a warning). */
  usingDevelopmentSecret: boolean;
}

type AuthConfig = Pick<AppConfig, 'NODE_ENV'> & { JWT_SECRET?: string | undefined; JWT_TTL_SECONDS?: number | undefined };

/**
 * loadConfig already refuses production without JWT_SECRET; this is the second line, for configs
 * built any other way: no development secret in production, no short secret anywhere.
 */
export function resolveAuthSettings(config: AuthConfig): AuthSettings {
  const secret = config.JWT_SECRET === undefined || config.JWT_SECRET === '' ? undefined : config.JWT_SECRET;
  const jwtTtlSeconds = config.JWT_TTL_SECONDS ?? DEFAULT_JWT_TTL_SECONDS;
  if (config.NODE_ENV === 'production' && (secret === undefined || secret === DEVELOPMENT_JWT_SECRET)) {
    throw new ConfigError('JWT_SECRET', `required when NODE_ENV=production: a secret of your own, at least ${MIN_JWT_SECRET_LENGTH} characters`, undefined);
  }
  if (secret === undefined) return { jwtSecret: DEVELOPMENT_JWT_SECRET, jwtTtlSeconds, usingDevelopmentSecret: true };
  // The value is a secret: the error names the variable and the rule, never the value.
  if (secret.length < MIN_JWT_SECRET_LENGTH) throw new ConfigError('JWT_SECRET', `must be at least ${MIN_JWT_SECRET_LENGTH} characters`, '(hidden)');
  return { jwtSecret: secret, jwtTtlSeconds, usingDevelopmentSecret: secret === DEVELOPMENT_JWT_SECRET };
}
