// Loads the bundled CLI (dist/bundle/libcc.cjs, built by `npm run build`: scripts/bundle.mjs) as one
// classic script, with the V8 code cache made for it at build time (scripts/code-cache.mjs): the
// bytecode of the functions a `plan` runs, so that a run neither parses nor compiles them again.
// Node 20 can cache only classic scripts (`vm.Script` `cachedData`), not ES modules. A cache that
// is missing, or that V8 rejects (another Node or V8 version, other V8 flags), costs only the time
// saved: V8 then compiles the script from its text. Nothing is written here.
//
// CommonJS (bin/package.json), as is bin/libcc.js: an ES module entry point costs every start-up
// Node's ES module loader, about 7 ms of CPU.
'use strict';
const { readFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const { join } = require('node:path');
const { pathToFileURL } = require('node:url');
const { setFlagsFromString } = require('node:v8');
const { Script } = require('node:vm');

const bundleDir = join(__dirname, '..', 'dist', 'bundle');
const scriptPath = join(bundleDir, 'libcc.cjs');
const cachePath = `${scriptPath}.cache`;

/**
 * Compiles and runs the bundle; returns its exports (`main`) and the `vm.Script` (whose
 * `cachedDataRejected` tells whether the cache was used, and which makes the cache at build time).
 * `useCache: false` compiles from the text alone.
 */
function loadCli({ useCache = true } = {}) {
  // Most `libcc` runs last a fraction of a second: let V8 interpret a little longer before it
  // spends CPU on optimising compiles (about a sixth of a `check`'s CPU time otherwise). Long runs
  // — big pipelines, the language server — still get optimised code. (`npm run bench`: CLI
  // startup.) Set before compiling: V8 accepts a code cache only under the flags it was made with.
  setFlagsFromString('--interrupt-budget=1000000');
  const source = readFileSync(scriptPath, 'utf8');
  let cachedData;
  if (useCache) {
    try {
      const cache = readFileSync(cachePath);
      // Made from this bundle (V8 checks only the source's length): see scripts/bundle.mjs.
      const line = buildLine(source);
      if (line !== '' && cache.toString('latin1', 0, line.length) === line) cachedData = cache.subarray(line.length);
    } catch {
      // No cache (a build that could not make one): compile from the text.
    }
  }
  const script = new Script(source, { filename: scriptPath, ...(cachedData === undefined ? {} : { cachedData }) });
  // The bundle is one function expression taking what Node gives a CommonJS module, plus the URL
  // that stands for `import.meta.url` in the sources (scripts/bundle.mjs).
  const module = { exports: {} };
  script.runInThisContext()(module.exports, lazyBuiltins(createRequire(scriptPath)), module, scriptPath, bundleDir, pathToFileURL(scriptPath).href);
  return { main: module.exports.main, script, source };
}

/** The bundle's last line, `//# libcc-build <digest>` and its newline ('' if it has none). */
function buildLine(source) {
  const start = source.lastIndexOf('\n//# libcc-build ', source.length - 2) + 1;
  return start === 0 ? '' : source.slice(start);
}

/**
 * Built-in modules that the bundle requires when it loads but most runs never call: the CLI parser
 * (commander) requires child_process for subcommands that are programs (libcc has none), the
 * emitter crypto for `compile`'s hashes, worker_threads for the writer thread of big first
 * compiles. Node compiles each (with the modules it needs in turn) when
 * it is first required: given a stand-in instead, they are loaded on first use (about 5 ms).
 */
const LAZY_BUILTINS = new Set(['child_process', 'node:child_process', 'crypto', 'node:crypto', 'worker_threads', 'node:worker_threads']);

function lazyBuiltins(require) {
  const lazyRequire = (id) => (LAZY_BUILTINS.has(id) ? onFirstUse(() => require(id)) : require(id));
  return Object.assign(lazyRequire, require);
}

/** A stand-in for the module `load` returns, loading it when any of its properties is looked at. */
function onFirstUse(load) {
  let loaded;
  const target = () => (loaded ??= load());
  return new Proxy(Object.create(null), {
    get: (_, key) => target()[key],
    has: (_, key) => key in target(),
    ownKeys: () => Reflect.ownKeys(target()),
    // Configurable, as a proxy must say of a property its (empty) target does not have.
    getOwnPropertyDescriptor: (_, key) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(target(), key);
      return descriptor === undefined ? undefined : { ...descriptor, configurable: true };
    },
  });
}

module.exports = { loadCli, buildLine, scriptPath, cachePath };
