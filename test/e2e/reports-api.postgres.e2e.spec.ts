import { createScratchDatabase } from '../support/databases.js';
import { reportsApiSuite } from './reports-api.e2e.js';

reportsApiSuite('postgres', () => createScratchDatabase('jx_api'));
