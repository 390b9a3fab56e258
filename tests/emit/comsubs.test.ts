/**
 * No command of the generated scripts expands two command substitutions (docs/generated-scripts.md,
 * "Signals and command substitutions"). Bash 5.2 may run a pending trap while it parses the
 * second `$(…)` of a command, and then parses the trap's own text as if inside that `$(`: it
 * prints `trap: line 2: unexpected EOF while looking for matching ')'` and exits 2, or goes on
 * ignoring the signal. A runner or submit.sh hit by SIGTERM or Ctrl-C there leaves its jobs
 * running. One `$(…)` a command, or one nested in another (run by the child), is safe.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** 1-based lines of `text` (bash) where one simple command expands a second top-level `$(…)`. */
function doubleComsubs(text: string): number[] {
  const found: number[] = [];
  // Frames: 'top' (the script), 'comsub' ($(…), with its parenthesis depth), 'dq' ("…"), 'arith' ($((…))).
  const stack: { kind: 'top' | 'comsub' | 'dq' | 'arith'; depth: number }[] = [{ kind: 'top', depth: 0 }];
  let line = 1;
  let count = 0; // top-level $( in the current simple command
  const frame = () => stack[stack.length - 1]!;
  const atTop = () => stack.every((f) => f.kind === 'top' || f.kind === 'dq');
  // `$((` or `$(` at i: its frame pushed (a top-level `$(` counted); returns the index of its last character.
  const opening = (i: number): number => {
    if (text[i + 2] === '(') {
      stack.push({ kind: 'arith', depth: 0 });
      return i + 2;
    }
    if (atTop() && ++count === 2) found.push(line);
    stack.push({ kind: 'comsub', depth: 0 });
    return i + 1;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    const f = frame();
    if (c === '\n') line++;
    if (c === '\\') {
      if (text[i + 1] === '\n') line++;
      i++;
      continue;
    }
    if (f.kind === 'dq') {
      if (c === '"') stack.pop();
      else if (c === '$' && text[i + 1] === '(') i = opening(i);
      continue;
    }
    if (c === "'") {
      const end = text.indexOf("'", i + 1);
      for (let k = i + 1; k < end; k++) if (text[k] === '\n') line++;
      i = end;
      continue;
    }
    if (c === '"') {
      stack.push({ kind: 'dq', depth: 0 });
      continue;
    }
    if (c === '#' && (i === 0 || /[\s;(]/.test(text[i - 1]!))) {
      const end = text.indexOf('\n', i);
      i = (end < 0 ? text.length : end) - 1;
      continue;
    }
    if (c === '$' && text[i + 1] === '(') {
      i = opening(i);
      continue;
    }
    if (c === '(') f.depth++;
    else if (c === ')') {
      if (f.depth > 0) f.depth--;
      else if (f.kind === 'comsub') stack.pop();
      else if (f.kind === 'arith' && text[i + 1] === ')') {
        stack.pop();
        i++;
      }
    } else if (stack.length === 1 && /[\n;&|]/.test(c)) count = 0;
  }
  return found;
}

const templates = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.hbs'))
    .map((f) => join(dir, f))
    .sort();

describe('command substitutions in the generated scripts', () => {
  it('the scan finds two in one command, and not one each in two commands or one nested in another', () => {
    expect(doubleComsubs('x="$(date)$(date)"\n')).toEqual([1]);
    expect(doubleComsubs('printf "%s %s\\n" "$(a)" \\\n  "$(b)"\n')).toEqual([2]);
    expect(doubleComsubs('line="a\n$(a)\nb=$(b)"\n')).toEqual([3]);
    expect(doubleComsubs('libcc_event start host "$(libcc_json "$(id)")" job "$(x)"\n')).toEqual([1]);
    expect(doubleComsubs('a=$(x) && b=$(y)\nc=$(z); d=$(w)\nif e=$(v) || f=$(u); then :; fi\n')).toEqual([]);
    expect(doubleComsubs('H=$(cd -- "$(dirname -- "$0")" && pwd -P)\n')).toEqual([]);
    expect(doubleComsubs("n=$((1 + 2)) m=$(x) # $(not) $(code)\necho '$(a)$(b)' \"$((3))\"\n")).toEqual([]);
  });

  it('no template of a generated script has a command with two', () => {
    const files = templates('templates/sh');
    expect(files.length).toBeGreaterThan(8);
    const offending = files.flatMap((file) => doubleComsubs(readFileSync(file, 'utf8')).map((l) => `${file}:${l}`));
    expect(offending).toEqual([]);
  });
});
