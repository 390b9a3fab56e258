// Bundles the CLI (src/cli/main.ts and everything it imports) into dist/bundle/libcc.cjs with
// esbuild, then makes its V8 code cache (scripts/code-cache.mjs). Run by `npm run build` after
// `tsc` has type-checked and compiled dist/ (which the tests use).
//
// One CommonJS script, not ES modules: Node 20 can give V8 a code cache only for a classic
// script (bin/load-cli.js loads it with `vm.Script`). The modules only some commands use (the
// language server, graph pictures, jsdiff) are in the script but not run at start-up: esbuild
// turns their dynamic `import()` into a call that initialises them then; with the code cache,
// their text costs a start-up about nothing (no parse), which measured 1–4 ms of CPU.
// No source maps: the package ships dist/bundle/ and not src/.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, readFileSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = `${root}dist/bundle`;
rmSync(outdir, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: ['src/cli/main.ts'],
  outfile: `${outdir}/libcc.cjs`,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  sourcemap: false,
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'inline',
  logLevel: 'warning',
  // The script is one function expression, called by bin/load-cli.js with what Node gives a
  // CommonJS module and the script's URL, which stands for `import.meta.url` (the sources find
  // templates and docs from it).
  banner: { js: '(function (exports, require, module, __filename, __dirname, __libccScriptUrl) {' },
  footer: { js: '})' },
  define: { 'import.meta.url': '__libccScriptUrl' },
  // Handlebars loads `source-map` only to offer source maps of compiled templates, which libcc
  // never asks for; without it Handlebars uses its own small stand-in (same generated code).
  plugins: [
    {
      // fdir (tinyglobby's directory walker) tries to `require('picomatch')` from node_modules for
      // its own glob method, which tinyglobby does not use (it bundles its own picomatch). Next to
      // a node_modules (this repository) that loads and compiles picomatch at every start-up; in
      // an installed package it finds nothing. Either way fdir's `pm` is then unused.
      name: 'fdir-without-optional-picomatch',
      setup(build) {
        build.onLoad({ filter: /[\\/]node_modules[\\/]fdir[\\/]dist[\\/]index\.mjs$/ }, async (args) => {
          const text = await readFile(args.path, 'utf8');
          const optional = /try \{\s*__require\.resolve\("picomatch"\);\s*pm = __require\("picomatch"\);\s*\} catch \{\}/;
          if (!optional.test(text)) throw new Error(`${args.path}: fdir's optional picomatch lookup changed; update scripts/bundle.mjs`);
          return { contents: text.replace(optional, ''), loader: 'js' };
        });
      },
    },
    {
      name: 'no-source-map',
      setup(build) {
        build.onResolve({ filter: /^source-map$/ }, () => ({ path: 'source-map', namespace: 'libcc-empty' }));
        build.onLoad({ filter: /.*/, namespace: 'libcc-empty' }, () => ({ contents: 'module.exports = {};', loader: 'js' }));
      },
    },
  ],
});
// The threads of big compiles, each started from its file next to the CLI's script
// (src/cli/stage-writer.ts, src/cli/verifier.ts): ES modules of their own, as Node starts a worker
// from a file.
await build({
  absWorkingDir: root,
  entryPoints: ['src/cli/writer-thread.ts', 'src/cli/verify-thread.ts', 'src/cli/fingerprint-thread.ts'],
  outdir,
  outExtension: { '.js': '.js' },
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: false,
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'inline',
  logLevel: 'warning',
});
// The bundle's last line names this build (a digest of the script). The code cache starts with the
// same line, and bin/load-cli.js uses a cache only with the bundle it was made from: V8 itself
// checks only the length of the source a cache is given with.
const script = `${outdir}/libcc.cjs`;
appendFileSync(script, `//# libcc-build ${createHash('sha256').update(readFileSync(script)).digest('hex')}\n`);
execFileSync(process.execPath, [`${root}scripts/code-cache.mjs`], { cwd: root, stdio: 'inherit' });
