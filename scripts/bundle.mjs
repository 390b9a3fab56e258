// Bundles the CLI (src/cli/main.ts and everything it imports) into dist/bundle/ with esbuild:
// one ES module per entry plus shared chunks, so that modules loaded lazily (the language server,
// graph pictures, diff) are separate files read only by the commands that use them. Run by
// `npm run build` after `tsc` has type-checked and compiled dist/ (which the tests use).
// No source maps: the package ships dist/bundle/ and not src/.
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = `${root}dist/bundle`;
rmSync(outdir, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: { main: 'src/cli/main.ts' },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: false,
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'inline',
  logLevel: 'warning',
  // Handlebars loads `source-map` only to offer source maps of compiled templates, which libcc
  // never asks for; without it Handlebars uses its own small stand-in (same generated code).
  plugins: [
    {
      name: 'no-source-map',
      setup(build) {
        build.onResolve({ filter: /^source-map$/ }, () => ({ path: 'source-map', namespace: 'libcc-empty' }));
        build.onLoad({ filter: /.*/, namespace: 'libcc-empty' }, () => ({ contents: 'module.exports = {};', loader: 'js' }));
      },
    },
  ],
  // CommonJS dependencies (commander, handlebars, …) `require` Node's built-in modules.
  banner: { js: "import { createRequire as __libccCreateRequire } from 'node:module';\nconst require = __libccCreateRequire(import.meta.url);" },
});
