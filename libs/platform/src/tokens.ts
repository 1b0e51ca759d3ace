/** Injection tokens for what is not a class of ours. */
export const APP_CONFIG = Symbol('APP_CONFIG');
export const READ_STORE = Symbol('READ_STORE');
export const REDIS = Symbol('REDIS');
export const LOGGER = Symbol('LOGGER');
