#!/usr/bin/env node
// Thin launcher: the CLI is bundled into dist/bundle/ by `npm run build` (run automatically by
// `npm ci`, and by npm when installing from a git URL) and loaded with its code cache by
// ./load-cli.js. CommonJS (bin/package.json): see there.
'use strict';
const { loadCli } = require('./load-cli.js');

const { main } = loadCli();

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(
      `libcc: internal error: ${error instanceof Error ? error.message : String(error)}\n` +
        'This is a bug in libcc; please report it with the output of `libcc --version` (see "Reporting problems" in libcc\'s README.md).\n',
    );
    process.exitCode = 2;
  },
);
