// The floor for a compile written in Node: a whole Node process that writes the very files of
// a compile's output, whose bytes it already holds, and hashes each (as the manifest needs).
// Nothing is rendered or analysed: what is left is Node's start, a create and a write per file
// (exclusive, not following links, as the compile writes) and a sha256 per file.
//
//   node bench/write-tree.js pack <tree> <pack>   (untimed) one file: an index line, then the bytes
//   node bench/write-tree.js write <pack> <dest>  (timed) writes the tree under <dest>
import { createHash } from 'node:crypto';
import { closeSync, constants, mkdirSync, openSync, readdirSync, readFileSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

const [, , verb, from, to] = process.argv;

if (verb === 'pack') {
  const files = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) files.push(path);
    }
  };
  walk(from);
  const bodies = files.map((f) => readFileSync(f));
  const index = files.map((f, i) => [relative(from, f), statSync(f).mode & 0o777, bodies[i].length]);
  writeFileSync(to, Buffer.concat([Buffer.from(`${JSON.stringify(index)}\n`), ...bodies]));
} else if (verb === 'write') {
  const pack = readFileSync(from);
  const newline = pack.indexOf(10);
  const index = JSON.parse(pack.subarray(0, newline).toString('utf8'));
  const made = new Set();
  const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
  let at = newline + 1;
  const digests = [];
  for (const [path, mode, length] of index) {
    const file = join(to, path);
    const dir = dirname(file);
    if (!made.has(dir)) {
      mkdirSync(dir, { recursive: true });
      made.add(dir);
    }
    const bytes = pack.subarray(at, at + length);
    at += length;
    const fd = openSync(file, flags, mode);
    writeSync(fd, bytes);
    closeSync(fd);
    digests.push(createHash('sha256').update(bytes).digest('hex'));
  }
  process.stdout.write(`${digests.length} files\n`);
} else {
  process.stderr.write('usage: write-tree.js pack <tree> <pack> | write <pack> <dest>\n');
  process.exit(2);
}
