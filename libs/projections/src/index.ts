export * from './projection.js';
export * from './projection-runner.js';
export * from './projection-store.js';
export * from './checkpointed-consumer.js';
