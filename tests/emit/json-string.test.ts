// libcc_json_string (templates/sh/runtime.sh.hbs): the JSON string literal status.sh --json and
// the event log write, built with bash builtins only. Real bash; JSON.parse is the judge.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { shQuote } from '../../src/emit/shell.js';
import { cleanEnv, hostileString, runtimeScript } from './injection-harness.js';

const dir = mkdtempSync(join(tmpdir(), 'libcc-json-string-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * For each value: libcc_json_string's literal, libcc_json's, and ${#value} after the call, as
 * decoded with a fatal UTF-8 decoder: a literal that is not UTF-8 fails the test.
 */
function literals(values: readonly (string | Uint8Array)[], locale = 'C.UTF-8'): { outputs: string[]; stderr: string; code: number | null } {
  const lines = [runtimeScript(), 'set -u'];
  for (const v of values) {
    lines.push(`v=${typeof v === 'string' ? shQuote(v) : ansiC(v)}`, 'libcc_json_string lit "$v"', `printf '%s\\0%s\\0%s\\0' "$lit" "$(libcc_json "$v")" "\${#v}"`);
  }
  const script = join(dir, 'script.sh');
  writeFileSync(script, lines.join('\n'));
  const r = spawnSync('bash', ['--norc', '--noprofile', script], { cwd: dir, env: cleanEnv({ LANG: locale, LC_ALL: locale }), maxBuffer: 64 << 20 });
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const outputs = decoder.decode(r.stdout).split('\0');
  outputs.pop();
  return { outputs, stderr: r.stderr.toString('utf8'), code: r.status };
}

/** Bytes as a bash $'…' word. */
const ansiC = (bytes: Uint8Array) => `$'${[...bytes].map((b) => `\\x${b.toString(16).padStart(2, '0')}`).join('')}'`;

/** What a value is once written to a file as UTF-8 (lone surrogates become U+FFFD). */
const asUtf8 = (s: string) => Buffer.from(s, 'utf8').toString('utf8');

describe('libcc_json_string', () => {
  it('escapes quotes, backslashes and control characters; keeps UTF-8', () => {
    const values = ['', 'plain', '"', '\\', 'a"b\\c', '\n', '\r\n', '\t', '\x01\x1f\x7f', '\x1b[31mred', '%s %d %%', 'é😀 ✓', "it's", '\\u0041', '\\"'];
    const r = literals(values);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const got = values.map((_, i) => r.outputs[3 * i]!);
    expect(got.map((l) => JSON.parse(l) as string)).toEqual(values);
    // The exact spelling: short escapes for \n \r \t, \u00XX for the rest (DEL included).
    const spelled = (v: string) => got[values.indexOf(v)];
    expect(spelled('\x01\x1f\x7f')).toBe('"\\u0001\\u001f\\u007f"');
    expect(spelled('\x1b[31mred')).toBe('"\\u001b[31mred"');
    expect(spelled('\r\n')).toBe('"\\r\\n"');
    expect(spelled('\t')).toBe('"\\t"');
    expect(spelled('a"b\\c')).toBe('"a\\"b\\\\c"');
    // libcc_json prints the same literal.
    values.forEach((_, i) => expect(r.outputs[3 * i + 1]).toBe(r.outputs[3 * i]));
    // The caller's locale is back after the call: ${#v} counts characters, not bytes.
    const utf8 = values.indexOf('é😀 ✓');
    expect(Number(r.outputs[3 * utf8 + 2])).toBe([...values[utf8]!].length);
  });

  it('any string (no NUL) round-trips through JSON.parse, in a UTF-8 and in the C locale', () => {
    fc.assert(
      fc.property(fc.array(hostileString(), { minLength: 1, maxLength: 100 }), fc.constantFrom('C.UTF-8', 'C'), (values, locale) => {
        const r = literals(values, locale);
        expect(r.stderr).toBe('');
        expect(r.code).toBe(0);
        values.forEach((v, i) => {
          const literal = r.outputs[3 * i]!;
          expect(literal).not.toMatch(/[\x00-\x1f]/);
          expect(JSON.parse(literal)).toBe(asUtf8(v));
          expect(r.outputs[3 * i + 1]).toBe(literal);
        });
      }),
      { numRuns: Number(process.env.LCP_INJECTION_RUNS ?? 12) },
    );
  });

  it('any bytes (no NUL) give valid JSON: valid UTF-8 kept, every other byte U+FFFD', () => {
    const bytes = fc.uint8Array({ minLength: 0, maxLength: 12 }).map((a) => a.filter((b) => b !== 0));
    // Mostly valid UTF-8 around the bad bytes, so both paths meet.
    const value = fc.array(fc.oneof(bytes, fc.string({ unit: 'grapheme', maxLength: 4 }).map((t) => new Uint8Array(Buffer.from(t)))), { maxLength: 4 }).map((parts) => new Uint8Array(Buffer.concat(parts)));
    fc.assert(
      fc.property(fc.array(value, { minLength: 1, maxLength: 100 }), (values) => {
        const r = literals(values);
        expect(r.stderr).toBe('');
        values.forEach((v, i) => {
          const literal = r.outputs[3 * i]!;
          const decoded = Buffer.from(v).toString('utf8');
          const parsed = JSON.parse(literal) as string;
          expect(parsed.replace(/\uFFFD/g, '')).toBe(decoded.replace(/\uFFFD/g, ''));
          if (Buffer.from(decoded, 'utf8').equals(Buffer.from(v))) expect(parsed).toBe(decoded);
        });
      }),
      { numRuns: Number(process.env.LCP_INJECTION_RUNS ?? 12) },
    );
  });
});
