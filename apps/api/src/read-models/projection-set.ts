import type { Projection } from '#projections';
import { readModelProjections } from '#read-models';
import { directoryProjections } from '../auth/directory.projections.js';

/**
 * Every projection the API and the worker run: the report read models and the directory. One
 * runner leads all of its projections or none, so whatever runs or rebuilds them takes this set.
 */
export const runtimeProjections: readonly Projection[] = [...readModelProjections, ...directoryProjections];
