#!/usr/bin/env node
// `npm run score -- <report.json> [--profile hubei-2020]`: prints the scores and checks as JSON.
import { nodeIo, runScoreCli, EXIT } from './score-cli.js';

runScoreCli(process.argv.slice(2), nodeIo).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = EXIT.unexpected;
  },
);
