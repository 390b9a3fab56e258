// The fuzz campaign's core, shared by `npm run fuzz` (bench/fuzz.js, long runs in a watched
// worker) and the fixed-seed subset in `npm test` (tests/fuzz/fuzz.test.ts). Inputs are a pure
// function of (seed, index), so any finding is reproduced by its index alone:
//   node bench/fuzz.js --seed S --from I --count 1 --print
// Runs on the built library (dist/): loadProgram with an in-memory host, the driver's analyse()
// with in-memory templates, formatLcp, and every renderer.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyse } from '../dist/driver/analyse.js';
import { renderGithub } from '../dist/diagnostics/github.js';
import { renderJson, renderRich, renderShort } from '../dist/diagnostics/render.js';
import { createSourceFile } from '../dist/diagnostics/source.js';
import { formatLcp } from '../dist/syntax/format.js';
import { loadProgram } from '../dist/syntax/load.js';
import { KEYWORD_WORDS } from '../dist/syntax/tokens.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Seeded PRNG (mulberry32): the same seed gives the same inputs on every machine. */
export function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n) => Math.floor(next() * n);
  const pick = (items) => items[int(items.length)];
  return { next, int, pick, chance: (p) => next() < p };
}

function walk(dir, out = []) {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, out);
    else if (/\.(lcp|ya?ml)$/.test(name)) out.push(path);
  }
  return out;
}

/** The corpus: every example project (files by name, root first) and every lcp block of the docs. */
function loadCorpus() {
  const projects = [];
  for (const dir of ['examples/minimal', 'examples/n2_tanager', 'examples/errors']) {
    const files = {};
    for (const path of walk(join(ROOT, dir))) files[path.slice(join(ROOT, dir).length + 1)] = readFileSync(path, 'utf8');
    if (dir === 'examples/errors') {
      for (const [name, text] of Object.entries(files)) projects.push({ root: name, files: { [name]: text, 'bad_corners.yaml': files['bad_corners.yaml'] } });
    } else {
      projects.push({ root: 'flow.lcp', files });
    }
  }
  for (const doc of ['docs/language.md']) {
    const text = readFileSync(join(ROOT, doc), 'utf8');
    for (const m of text.matchAll(/```lcp\n([\s\S]*?)```/g)) projects.push({ root: 'main.lcp', files: { 'main.lcp': m[1] } });
  }
  return projects;
}

let corpus;
const TOKENS = [
  '{', '}', '[', ']', '(', ')', ',', ':', '=', '..', '.', '==', '!=', '<', '<=', '>', '>=', '&&', '||', '!',
  '"', '"""', '${', '$${', '\\', '/*', '*/', '//', '\n', ' ', '\t', 'x', 'corner.rc', 'corner.process', '0.48V', '-40C',
  '1..2', '"${a}"', '"""raw"""', '@', '#', 'é', '\r\n', '😀', '1e308', '1e400GB', '4GB', '2h', '99999999999999999999h',
  'signoff', 'typical', 'tt', 'ss', 'lib', 'n', 'where', 'in', 'true', 'false', '0', '-0', 'NaN', 'Infinity',
];
const CONTROL = ['\u0000', '\u0001', '\u0007', '\u0008', '\u001b[31m', '\u001b]0;pwned\u0007', '\u001b[2J', '\u007f', '\u009b', '\r', '\u000b', '\u000c', '\u2028', '\u202e', '\ufeff', '\ud800', '\udfff', '\ufffd'];

function tokenPool() {
  return [...KEYWORD_WORDS, ...TOKENS];
}

/** A few tokens of a grammar-aware shape: `keyword name { field = value … }` and expressions. */
function generate(r) {
  const pool = tokenPool();
  const parts = [];
  const n = 1 + r.int(r.chance(0.1) ? 400 : 40);
  for (let i = 0; i < n; i++) {
    const roll = r.next();
    if (roll < 0.15) parts.push(r.pick(KEYWORD_WORDS), ' ', r.pick(['a', 'lib', 'tt', 'n', 'x_1']), ' ');
    else if (roll < 0.25) parts.push(r.pick(['a', 'b', 'mem', 'runtime', 'queue', 'corners', 'vdd']), ' = ', r.pick(['1', '4GB', '2h', '"s"', '[a, b]', 'x', '0.4V .. 1V']), '\n');
    else if (roll < 0.3) parts.push('where ', r.pick(['corner.process == tt', 'corner.rc in [typical]', '!x', 'a || b && c']), ' ');
    else parts.push(r.pick(pool), r.chance(0.6) ? ' ' : '');
  }
  return parts.join('');
}

const HUGE = [
  (r) => ' '.repeat(1000 + r.int(60000)),
  (r) => '\t'.repeat(1000 + r.int(20000)),
  (r) => 'a'.repeat(200 + r.int(20000)),
  (r) => '('.repeat(100 + r.int(5000)),
  (r) => '['.repeat(100 + r.int(5000)),
  (r) => '{'.repeat(100 + r.int(3000)),
  (r) => ' || corner.process == tt'.repeat(100 + r.int(3000)),
  (r) => ' && !x'.repeat(100 + r.int(3000)),
  (r) => '"' + 'x'.repeat(r.int(20000)) + '"',
  (r) => '// ' + ' '.repeat(r.int(30000)) + 'x',
  (r) => '/*' + ' '.repeat(r.int(30000)),
  (r) => '"${'.repeat(100 + r.int(2000)),
  (r) => 'x = 1\n'.repeat(100 + r.int(5000)),
  (r) => '@\n'.repeat(100 + r.int(5000)),
  (r) => 'corner c' + r.int(1e6) + ' {}\n',
  (r) => 'é😀'.repeat(r.int(5000)),
  (r) => '\n'.repeat(r.int(50000)),
];

function mutate(r, text) {
  const rounds = 1 + r.int(r.chance(0.2) ? 20 : 4);
  for (let k = 0; k < rounds; k++) {
    const at = r.int(text.length + 1);
    const roll = r.next();
    if (roll < 0.25) text = text.slice(0, at) + r.pick(tokenPool()) + text.slice(at);
    else if (roll < 0.4) text = text.slice(0, at) + text.slice(at + 1 + r.int(20));
    else if (roll < 0.5) {
      const len = 1 + r.int(200);
      const piece = text.slice(at, at + len);
      text = text.slice(0, at) + piece.repeat(1 + r.int(r.chance(0.1) ? 200 : 4)) + text.slice(at + len);
    } else if (roll < 0.6) text = text.slice(0, at) + r.pick(CONTROL) + text.slice(at);
    else if (roll < 0.7) text = text.slice(0, at) + r.pick(HUGE)(r) + text.slice(at);
    else if (roll < 0.8) {
      // A long name: stretch an identifier.
      const m = /[A-Za-z_][A-Za-z0-9_]*/g;
      m.lastIndex = at;
      const hit = m.exec(text);
      if (hit) text = text.slice(0, hit.index) + hit[0] + 'x'.repeat(50 + r.int(2000)) + text.slice(hit.index + hit[0].length);
    } else if (roll < 0.85) {
      // Invalid UTF-8, decoded as a file read with 'utf8' would decode it.
      const bytes = Buffer.from([0xc3, 0x28, 0xff, 0xfe, 0xed, 0xa0, 0x80, 0xf0, 0x9f].slice(r.int(4), 4 + r.int(5)));
      text = text.slice(0, at) + bytes.toString('utf8') + text.slice(at);
    } else if (roll < 0.9) {
      // Swap two slices.
      const b = r.int(text.length + 1);
      const [x, y] = at < b ? [at, b] : [b, at];
      text = text.slice(y) + text.slice(x, y) + text.slice(0, x);
    } else text = text.slice(0, at) + generate(r) + text.slice(at);
  }
  return text;
}

const YAML_SPECIALS = [
  () => 'a: &a ["x","x","x","x","x","x","x","x","x"]\n' + Array.from({ length: 9 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(9).fill('*' + String.fromCharCode(97 + i)).join(',')}]\n`).join('') + 'corners: *j\n',
  (r) => 'corners:\n' + '  - name: tt_0p75v_25c_typical\n'.repeat(1000 + r.int(20000)),
  (r) => 'corners:\n' + '  - '.repeat(1 + r.int(3000)) + 'x\n',
  (r) => 'corners: ' + '['.repeat(1 + r.int(3000)) + '\n',
  (r) => 'corners:\n  - name: ' + 'x'.repeat(r.int(50000)) + '\n',
  (r) => 'corners:\n  - name: "\\e[31m\\u0007"\n',
];

/** Input number `index` of campaign `seed`: `{ root, files, kind }`. */
export function makeInput(seed, index) {
  corpus ??= loadCorpus();
  const r = rng((seed * 1_000_003 + index * 7919) >>> 0);
  const roll = r.next();
  if (roll < 0.2) return { kind: 'generated', root: 'main.lcp', files: { 'main.lcp': generate(r) } };
  if (roll < 0.25) {
    const yaml = r.pick(YAML_SPECIALS)(r);
    return { kind: 'yaml', root: 'main.lcp', files: { 'main.lcp': 'pipeline p\nimport "c.yaml"\n', 'c.yaml': r.chance(0.5) ? mutate(r, yaml) : yaml } };
  }
  const project = r.pick(corpus);
  const files = { ...project.files };
  const names = Object.keys(files);
  const target = r.chance(0.7) ? project.root : r.pick(names);
  files[target] = mutate(r, files[target]);
  return { kind: `mutated:${target.endsWith('.lcp') ? 'lcp' : 'yaml'}`, root: project.root, files };
}

// ---------------------------------------------------------------------------------------------
// The oracle
// ---------------------------------------------------------------------------------------------

/** In-memory templates: libcc's own, read once. */
let templateHost;
function templates() {
  if (templateHost) return templateHost;
  const dir = join(ROOT, 'templates');
  const texts = new Map();
  for (const path of walk0(dir)) texts.set(path.slice(dir.length + 1), readFileSync(path, 'utf8'));
  const decks = [...texts.keys()].filter((k) => !k.startsWith('sh/')).sort();
  templateHost = {
    resolveDeck: (name) => (texts.has(name) ? name : undefined),
    text: (key) => texts.get(key),
    knownDecks: () => decks,
  };
  return templateHost;
}
function walk0(dir, out = []) {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk0(path, out);
    else out.push(path);
  }
  return out;
}

// Control characters other than \n (C0, DEL, C1) must never reach a terminal.
// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

/** Rendered output may not exceed this many bytes per file in the program (plus a constant). */
export const OUTPUT_BUDGET_PER_FILE = 1_000_000;

/**
 * Runs one input through the library and returns the problems found (empty: all is well).
 * Exceptions propagate: the caller records them as crashes.
 */
export function runOne(input) {
  const problems = [];
  const loaded = loadProgram(input.root, { readFile: (path) => input.files[path] });
  if (loaded === undefined) return ['root not loaded'];
  const analysis = analyse(loaded, { templates: templates() });
  const diagnostics = analysis.diagnostics;
  for (const d of diagnostics) {
    for (const label of [d.primary, ...d.secondary]) {
      const s = label.span;
      const file = loaded.sources.get(s.file);
      if (file === undefined) {
        if (label === d.primary && !/^LCP(5|6)/.test(d.code)) problems.push(`${d.code}: span in unknown file ${s.file}`);
        continue;
      }
      if (!(Number.isInteger(s.start) && Number.isInteger(s.end) && s.start >= 0 && s.start <= s.end && s.end <= file.text.length)) {
        problems.push(`${d.code}: span ${s.start}..${s.end} outside ${s.file} (length ${file.text.length})`);
      }
    }
    if (/internal error/i.test(d.message)) problems.push(`${d.code}: ${d.message.slice(0, 200)}`);
  }
  const budget = OUTPUT_BUDGET_PER_FILE * Math.max(1, loaded.sources.size);
  const outputs = {
    rich: renderRich(diagnostics, loaded.sources, { color: false }),
    short: renderShort(diagnostics, loaded.sources),
    github: renderGithub(diagnostics, loaded.sources),
  };
  for (const [name, text] of Object.entries(outputs)) {
    const m = RAW_CONTROL.exec(text);
    if (m) problems.push(`${name}: raw control character U+${m[0].charCodeAt(0).toString(16).padStart(4, '0')} at ${m.index}`);
    if (text.length > budget) problems.push(`${name}: ${text.length} characters of output (budget ${budget})`);
  }
  JSON.parse(renderJson(diagnostics, loaded.sources));
  for (const [path, text] of Object.entries(input.files)) {
    if (!path.endsWith('.lcp') || text === undefined) continue;
    const result = formatLcp(createSourceFile(path, text));
    if ('text' in result) {
      const again = formatLcp(createSourceFile(path, result.text));
      if (!('text' in again) || again.text !== result.text) problems.push(`fmt ${path}: not idempotent`);
    }
  }
  return problems;
}
