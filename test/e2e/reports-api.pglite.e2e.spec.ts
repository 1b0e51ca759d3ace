import { reportsApiSuite } from './reports-api.e2e.js';

reportsApiSuite('pglite', async () => ({ url: 'pglite://memory', drop: async () => {} }));
