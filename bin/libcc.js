#!/usr/bin/env node
// Thin launcher: the CLI is bundled into dist/bundle/ by `npm run build` (run automatically by
// `npm ci`, and by npm when installing from a git URL).
import { setFlagsFromString } from 'node:v8';

// Most `libcc` runs last a fraction of a second: let V8 interpret a little longer before it spends
// CPU on optimising compiles (about a sixth of a `check`'s CPU time otherwise). Long runs — big
// pipelines, the language server — still get optimised code. (`npm run bench`: CLI startup.)
setFlagsFromString('--interrupt-budget=1000000');

const { main } = await import('../dist/bundle/main.js');

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
