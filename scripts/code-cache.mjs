// Makes dist/bundle/libcc.cjs.cache, the V8 code cache bin/load-cli.js gives V8 with the bundle:
// the script is compiled from its text, runs a representative `plan` and `check` (so that the
// functions they call, compiled lazily by V8 on first use, are in the cache too), then V8
// serialises its bytecode. Run by scripts/bundle.mjs, in a process of its own: the same V8 flags
// as `libcc` (set by loadCli), and nothing else compiled into the script. The cache is valid only
// for this Node (V8) version; another rejects it and compiles the script from its text.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildLine, cachePath, loadCli } from '../bin/load-cli.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const { main, script, source } = loadCli({ useCache: false });
const representative = [
  ['plan', `${root}examples/n2_tanager/flow.lcp`],
  // Diagnostics as the terminal shows them.
  ['check', `${root}examples/errors/units.lcp`],
];
const quiet = { stdout: () => {}, stderr: () => {} };
const codes = [];
for (const args of representative) codes.push(await main([process.execPath, 'libcc', ...args], quiet));
// `plan` of the example succeeds; `check` of the error example reports its errors.
if (codes.join(' ') !== '0 1') throw new Error(`code-cache: the representative runs exited ${codes.join(' ')}, not 0 1`);
// The bundle's build line, then V8's data (bin/load-cli.js).
writeFileSync(cachePath, Buffer.concat([Buffer.from(buildLine(source), 'latin1'), script.createCachedData()]));
