import { apiFuzzSuite } from './api-fuzz.js';

// A modest count in `npm test`; `npm run fuzz -- --runs N` for long runs.
apiFuzzSuite(Number(process.env.FUZZ_RUNS ?? 25));
