import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('gives the documented defaults for an empty environment', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      PORT: 3000,
      DATABASE_URL: 'pglite://./data/jixiao',
      EVENT_STORE_URL: 'pglite://./data/jixiao',
      REDIS_URL: 'redis://127.0.0.1:6379',
      WORKER_IN_PROCESS: true,
      HTTP_BODY_LIMIT_BYTES: 1048576,
    });
  });

  it('reads and coerces the values it is given', () => {
    const config = loadConfig({ PORT: '8080', EVENT_STORE_URL: 'esdb://localhost:2113?tls=false', WORKER_IN_PROCESS: 'false', DATABASE_URL: 'postgres://u@h/db' });
    expect(config.PORT).toBe(8080);
    expect(config.EVENT_STORE_URL).toBe('esdb://localhost:2113?tls=false');
    expect(config.DATABASE_URL).toBe('postgres://u@h/db');
    expect(config.WORKER_IN_PROCESS).toBe(false);
  });

  it.each([
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['REDIS_URL', 'localhost:6379'],
    ['DATABASE_URL', 'mysql://x'],
    ['LOG_LEVEL', 'loud'],
    ['WORKER_IN_PROCESS', 'yes'],
    ['JWT_SECRET', 'short'],
  ])('names the variable when %s=%s is invalid', (variable, value) => {
    const error = (() => {
      try {
        loadConfig({ [variable]: value });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe(variable);
    expect((error as ConfigError).message).toContain(`${variable}=`);
    expect((error as ConfigError).message.split('\n')).toHaveLength(1);
  });

  it('demands a JWT secret in production and documents the development one otherwise', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET=\(unset\) is invalid: required when NODE_ENV=production/);
    expect(loadConfig({}).JWT_SECRET).toBe('jixiao-development-secret-change-me-please-0000');
    expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32) }).JWT_SECRET).toBe('x'.repeat(32));
  });
});
