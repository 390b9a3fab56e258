// Replacing one file atomically (src/cli/write-atomically.ts): what `fmt`, `graph -o` and `report -o` write with.
import { chmodSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeAtomically } from '../../src/cli/write-atomically.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'libcc-write-atomically-'));
  writeFileSync(join(dir, 'flow.lcp'), 'pipeline p\n');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('writeAtomically (fmt, graph -o, report -o)', () => {
  it('keeps the mode of the file it replaces', () => {
    const file = join(dir, 'script.lcp');
    writeFileSync(file, 'old\n');
    chmodSync(file, 0o755);
    writeAtomically(file, 'new\n');
    expect(readFileSync(file, 'utf8')).toBe('new\n');
    expect(statSync(file).mode & 0o777).toBe(0o755);
    expect(readdirSync(dir).sort()).toEqual(['flow.lcp', 'script.lcp']);
  });

  it('replaces a symbolic link at the name instead of writing through it, and takes nothing of its target, not even its mode', () => {
    const target = join(dir, 'bashrc');
    writeFileSync(target, 'mine\n');
    chmodSync(target, 0o600);
    const link = join(dir, 'graph.html');
    symlinkSync(target, link);
    writeAtomically(link, '<html>\n');
    expect(lstatSync(link).isFile()).toBe(true);
    expect(readFileSync(link, 'utf8')).toBe('<html>\n');
    expect(statSync(link).mode & 0o777).toBe(0o644);
    expect(readFileSync(target, 'utf8')).toBe('mine\n');
    expect(statSync(target).mode & 0o777).toBe(0o600);
  });
});
