export * from './logger.js';
export * from './platform.module.js';
export * from './redis.js';
export * from './tokens.js';
export * from './clock.js';
export * from './run-main.js';
export * from './runtime-module.js';
