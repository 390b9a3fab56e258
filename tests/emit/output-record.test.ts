// The outputs a done-marker records (`outputs=`, templates/sh/runtime.sh.hbs): libcc_output_append
// encodes each path into one printable-ASCII word, libcc_decode_output decodes each word of the
// marker's line (split at blanks, the `|SIZE|MTIME` tail cut off, as libcc_changed_in_markers does).
// Real bash, in a UTF-8 and in the C locale; any bytes a file name can hold must come back as they
// were, or a job downstream would check (and name) another file than the one its parent made.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanEnv, runtimeScript } from './injection-harness.js';

const dir = mkdtempSync(join(tmpdir(), 'libcc-output-record-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Bytes as a bash $'…' word. */
const ansiC = (bytes: Uint8Array) => `$'${[...bytes].map((b) => `\\x${b.toString(16).padStart(2, '0')}`).join('')}'`;

/**
 * The paths appended one by one, the line a marker would hold (joined as libcc_outputs_checked
 * joins them, each with a `|SIZE|MTIME` tail as a regular file gets), and the paths decoded from
 * that line, as bytes.
 */
function roundTrip(paths: readonly Uint8Array[], locale: string): { line: string; decoded: Buffer[]; stats: string[] } {
  const lines = [runtimeScript(), 'set -u', 'LIBCC_OUTPUT_LIST=() LIBCC_OUTPUT_RAW=()'];
  for (const p of paths) lines.push(`libcc_output_append ${ansiC(p)}`);
  lines.push(
    'for ((i = 0; i < ${#LIBCC_OUTPUT_LIST[@]}; i++)); do LIBCC_OUTPUT_LIST[i]+="|$i|1796601600"; done',
    "IFS=' ' line=\"${LIBCC_OUTPUT_LIST[*]+${LIBCC_OUTPUT_LIST[*]}}\"",
    'unset IFS',
    "printf '%s\\0' \"$line\"",
    "read -r -a words <<<\"$line\"",
    'for word in "${words[@]}"; do libcc_decode_output path "${word%%|*}"; printf \'%s\\0%s\\0\' "$path" "${word#*|}"; done',
  );
  const script = join(dir, 'script.sh');
  writeFileSync(script, lines.join('\n'));
  const r = spawnSync('bash', ['--norc', '--noprofile', script], { cwd: dir, env: cleanEnv({ LANG: locale, LC_ALL: locale }), maxBuffer: 64 << 20 });
  expect(r.status, r.stderr.toString()).toBe(0);
  const parts: Buffer[] = [];
  let start = 0;
  for (let i = 0; i < r.stdout.length; i++) {
    if (r.stdout[i] === 0) {
      parts.push(r.stdout.subarray(start, i));
      start = i + 1;
    }
  }
  const [line, ...rest] = parts;
  return { line: line!.toString('latin1'), decoded: rest.filter((_, i) => i % 2 === 0), stats: rest.filter((_, i) => i % 2 === 1).map((b) => b.toString('latin1')) };
}

/** A path's bytes: any byte but NUL, which no file name holds. */
const pathBytes = fc.uint8Array({ minLength: 1, maxLength: 40 }).map((a) => a.map((b) => (b === 0 ? 0x2f : b)));

describe('the outputs a done-marker records', () => {
  it('names with blanks, percent signs, line breaks, backslashes, glob characters and UTF-8 come back byte for byte, as one printable-ASCII word each', () => {
    const names = ['/run/out/a b%41.x', '/run/out/l\nf.x', '/run/out/back\\x41.x', '/run/out/*?[x].lib', '/run/out/é….x', '/run/out/tab\there', '/run/out/plain-1.lib', '/run/out/a|b'];
    const paths = names.map((n) => Buffer.from(n, 'utf8'));
    for (const locale of ['C.UTF-8', 'C']) {
      const { line, decoded, stats } = roundTrip(paths, locale);
      expect(line.split(' ')).toHaveLength(names.length);
      expect(line).toMatch(/^[A-Za-z0-9._/+,:@=~%|-]+( [A-Za-z0-9._/+,:@=~%|-]+)*$/);
      expect(line.split(' ')[6]).toBe('/run/out/plain-1.lib|6|1796601600');
      expect(decoded.map((b) => b.toString('utf8'))).toEqual(names);
      expect(stats).toEqual(names.map((_, i) => `${i}|1796601600`));
    }
  });

  it('any bytes (no NUL) round-trip, in a UTF-8 and in the C locale', () => {
    fc.assert(
      fc.property(fc.array(pathBytes, { minLength: 1, maxLength: 8 }), fc.constantFrom('C.UTF-8', 'C'), (paths, locale) => {
        const { line, decoded } = roundTrip(paths, locale);
        expect(line).toMatch(/^[!-~]+( [!-~]+)*$/);
        expect(decoded.map((b) => b.toString('hex'))).toEqual(paths.map((p) => Buffer.from(p).toString('hex')));
      }),
      { numRuns: 60 },
    );
  });
});

describe('libcc_file_stats: the size and time of each regular file among the paths, in their order', () => {
  /** libcc_file_stats over the paths (relative to a fresh directory the setup made), with real GNU stat. */
  function fileStats(setup: string, paths: string[]): string[] {
    const work = mkdtempSync(join(dir, 'stats-'));
    const script = join(work, 'script.sh');
    const args = paths.map((p) => `'${p.replace(/'/g, `'\\''`)}'`).join(' ');
    writeFileSync(script, [runtimeScript(), 'set -u', setup, `libcc_file_stats ${args}`, 'printf \'%s\\0\' "${#LIBCC_FILE_STATS[@]}" ${LIBCC_FILE_STATS[@]+"${LIBCC_FILE_STATS[@]}"}'].join('\n'));
    const r = spawnSync('bash', ['--norc', '--noprofile', script], { cwd: work, env: cleanEnv({ LANG: 'C.UTF-8' }), encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const [count, ...stats] = r.stdout.split('\0').slice(0, -1);
    expect(stats).toHaveLength(Number(count));
    return stats;
  }
  const setup = [
    "printf 'abc' > file && touch -d @1796601600.5 file",
    'touch empty && touch -d @1796601601 empty',
    'mkdir sub',
    "printf 'x' > $'line\\nbreak' && touch -d @1796601602.25 $'line\\nbreak'",
    'ln -s gone dangling',
  ].join('\n');

  it('all there: one xargs of stat; a directory has none', () => {
    expect(fileStats(setup, ['file', 'empty', 'sub', 'line\nbreak', 'file'])).toEqual(['3|1796601600.500000000', '0|1796601601.000000000', '', '1|1796601602.250000000', '3|1796601600.500000000']);
  });

  it('some gone or dangling: the others asked again, each in its place', () => {
    expect(fileStats(setup, ['missing', 'file', 'dangling', 'sub', 'line\nbreak', 'empty'])).toEqual(['', '3|1796601600.500000000', '', '', '1|1796601602.250000000', '0|1796601601.000000000']);
  });

  it('none given, and none there', () => {
    expect(fileStats(setup, [])).toEqual([]);
    expect(fileStats(setup, ['missing', 'dangling'])).toEqual(['', '']);
  });
});
