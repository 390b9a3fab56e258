// No merge-conflict markers in what the project ships: docs, sources, templates, examples.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '../..');
const DIRS = ['README.md', 'docs', 'src', 'templates', 'grammar', 'editors', 'examples', 'scripts', 'bench', 'tests'];
const MARKER = /^(<{7} |={7}$|>{7} )/m;

function* files(entry: string): Generator<string> {
  const stat = fs.lstatSync(entry);
  if (stat.isDirectory()) {
    for (const name of fs.readdirSync(entry).sort()) if (name !== 'node_modules') yield* files(path.join(entry, name));
  } else if (stat.isFile() && stat.size < 4_000_000) yield entry;
}

describe('conflict markers', () => {
  it('none in docs, sources, templates, examples or tests', () => {
    const found: string[] = [];
    for (const dir of DIRS) {
      for (const file of files(path.join(ROOT, dir))) {
        const text = fs.readFileSync(file, 'utf8');
        if (MARKER.test(text)) found.push(path.relative(ROOT, file));
      }
    }
    expect(found).toEqual([]);
  });
});
