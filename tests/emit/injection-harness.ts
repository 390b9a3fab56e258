/**
 * Helpers of tests/emit/injection.test.ts: hostile strings, and evaluation of generated words by
 * a REAL bash and a REAL tclsh, many words per process, outputs returned byte-exact.
 *
 * Canaries: hostile strings try to create files whose names start with `CANARY` in the working
 * directory of whatever shell evaluates them; `canaries(dir)` finds any that appeared.
 */
import { spawnSync } from 'node:child_process';
import { entryDir } from '../helpers/golden.js';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { compileTemplate } from '../../src/emit/render.js';

/** Pieces of shell and Tcl syntax, and payloads that would leave a canary if they ever ran. */
export const FRAGMENTS: readonly string[] = [
  // single characters that mean something to bash, Tcl, glob or LSF
  "'", '"', '`', '\\', '$', '{', '}', '(', ')', '[', ']', ';', '&', '|', '*', '?', '#', '~', '!', '<', '>', '%', '^', '=', '-', '\n', '\t', ' ', ',', ':', '@', '+',
  // sequences
  '${', '$(', '$((', '}{', '{}', '{*}', '\\\n', '\\\\', "\\'", '\\"', '\\$', '\\[', '\\{', '\\}', '\\x41', '\\u0041', '\\n', "$'\\x41'", '$"x"', '&&', '||', '>&2', '2>&1',
  '--', '-rf', '*.lib', '?', '[a-z]', '[!a]', '[[:alpha:]]', '+(a|b)', '@(x)', '**', '$1', '$@', '$*', '$$', '$?', '$#', '$-', '$_', '${#}', '${!x}', '$HOME', '${HOME}',
  '$::env(HOME)', '$::argv0', 'é', '€', 'ß', '日本', '😀', '\u00a0', '\u2028', '\ufeff',
  // payloads
  '$(touch CANARY_b1)', '`touch CANARY_b2`', "'; touch CANARY_b3; '", '"; touch CANARY_b4; "', '\ntouch CANARY_b5\n', '$(touch${IFS}CANARY_b6)', '${x:=$(touch CANARY_b7)}',
  '$((a[$(touch CANARY_b8)]))', "'$(touch CANARY_b9)'", '"$(touch CANARY_b10)"',
  '[exec touch CANARY_t1]', '[open CANARY_t2 w]', '"; exec touch CANARY_t3; "', '}; exec touch CANARY_t4; {', '\nexec touch CANARY_t5\n', '[file mkdir CANARY_t6]',
  '\\\nexec touch CANARY_t7', '$::env(HOME)[exec touch CANARY_t8]',
];

export interface HostileOptions {
  /** Characters the string must not contain (NUL is always excluded). */
  readonly exclude?: RegExp;
  readonly maxPieces?: number;
}

/** Strings made of fragments, arbitrary ASCII (control characters included) and arbitrary Unicode. */
export function hostileString(options: HostileOptions = {}): fc.Arbitrary<string> {
  const piece = fc.oneof(
    { weight: 5, arbitrary: fc.constantFrom(...FRAGMENTS) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary-ascii', maxLength: 4 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 3 }) },
    { weight: 2, arbitrary: fc.string({ unit: 'grapheme-ascii', maxLength: 6 }) },
  );
  return fc
    .array(piece, { maxLength: options.maxPieces ?? 10 })
    .map((pieces) => pieces.join(''))
    .map((s) => s.replace(/\0/g, ''))
    .map((s) => (options.exclude ? s.replace(options.exclude, '') : s));
}

export function sandbox(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `libcc-inj-${prefix}-`));
}

/** Paths (relative to `root`) of files or directories whose name starts with CANARY. */
export function canaries(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.name.startsWith('CANARY'))
    .map((e) => join(entryDir(e), e.name).slice(root.length + 1));
}

/** An environment without the test runner's variables: only what the shells need, plus `extra`. */
export function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/', LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8', ...extra };
}

export interface Evaluation {
  readonly outputs: string[];
  readonly code: number | null;
  readonly stderr: string;
}

/** Splits NUL-terminated records. */
function records(stdout: Buffer): string[] {
  const text = stdout.toString('utf8');
  if (text === '') return [];
  const parts = text.split('\0');
  parts.pop(); // after the last terminator
  return parts;
}

/**
 * Evaluates bash words: one bash process runs `printf '%s\0' WORD` for every word, the word
 * spliced into the script text as generated code would be. `prelude` is bash code run first
 * (e.g. the libcc runtime, for `libcc_globq`).
 */
export function bashWords(words: readonly string[], dir: string, env: Record<string, string> = {}, prelude = ''): Evaluation {
  const script = join(dir, 'words.sh');
  writeFileSync(script, `${prelude}\n${words.map((w) => `printf '%s\\0' ${w}\n`).join('')}`);
  const r = spawnSync('bash', ['--norc', '--noprofile', script], { cwd: dir, env: cleanEnv(env), maxBuffer: 64 << 20 });
  if (r.error) throw r.error;
  return { outputs: records(r.stdout), code: r.status, stderr: r.stderr.toString('utf8') };
}

/** Runs a bash script (text) in `dir`; stdout split into NUL-terminated records. */
export function bashScript(text: string, dir: string, env: Record<string, string> = {}): Evaluation {
  const script = join(dir, 'script.sh');
  writeFileSync(script, text);
  const r = spawnSync('bash', ['--norc', '--noprofile', script], { cwd: dir, env: cleanEnv(env), maxBuffer: 64 << 20 });
  if (r.error) throw r.error;
  return { outputs: records(r.stdout), code: r.status, stderr: r.stderr.toString('utf8') };
}

const TCL_DRIVER = `fconfigure stdout -translation binary -encoding utf-8
set ::__words {}
source -encoding utf-8 [lindex $argv 0]
foreach w $::__words { puts -nonewline "$w\\0" }
`;

/**
 * Evaluates Tcl words: a deck-like file holding `lappend ::__words WORD` per word is sourced by a
 * real tclsh, as Liberate sources a deck.
 */
export function tclWords(words: readonly string[], dir: string, env: Record<string, string> = {}): Evaluation {
  const driver = join(dir, 'driver.tcl');
  const deck = join(dir, 'words.tcl');
  writeFileSync(driver, TCL_DRIVER);
  writeFileSync(deck, words.map((w) => `lappend ::__words ${w}\n`).join(''));
  const r = spawnSync('tclsh', [driver, deck], { cwd: dir, env: cleanEnv(env), maxBuffer: 64 << 20 });
  if (r.error) throw r.error;
  return { outputs: records(r.stdout), code: r.status, stderr: r.stderr.toString('utf8') };
}

/** libcc's runtime (lib/runtime.sh), rendered, for `libcc_globq` and `libcc_count_matches`. */
export function runtimeScript(): string {
  const source = readFileSync(new URL('../../templates/sh/runtime.sh.hbs', import.meta.url), 'utf8');
  // Without lib/scheduler.sh next to it: the functions tested here need no scheduler.
  return compileTemplate('sh/runtime.sh.hbs', source)({ header: 'injection test', pipeline: 'p' }).replace(/^\. "\$LIBCC_HOME\/lib\/scheduler\.sh"$/m, ':');
}

/** Environment-variable names usable for template parts in property tests. */
export function envName(i: number): string {
  return `LCC_INJ_${i}`;
}

/**
 * Strings a glob pattern made from `value` would match if the value's metacharacters were NOT
 * escaped: `*` dropped or widened, `?` and `[…]` replaced by a character they accept, a
 * backslash dropped. None of them may match the escaped pattern.
 */
export function globDecoys(value: string): string[] {
  const decoys = new Set<string>();
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    const before = value.slice(0, i);
    const after = value.slice(i + 1);
    if (c === '*') {
      decoys.add(before + after);
      decoys.add(`${before}ZZ${after}`);
    } else if (c === '?') {
      decoys.add(`${before}Q${after}`);
    } else if (c === '[') {
      const close = value.indexOf(']', i + 2);
      if (close > 0) {
        const inner = value.slice(i + 1, close);
        const first = inner.startsWith('!') || inner.startsWith('^') ? undefined : inner[0];
        decoys.add(value.slice(0, i) + (first ?? 'Q') + value.slice(close + 1));
      }
    } else if (c === '\\' && i + 1 < value.length) {
      decoys.add(before + after);
    }
  }
  decoys.delete(value);
  return [...decoys];
}
