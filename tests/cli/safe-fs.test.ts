// probeBytes (src/cli/safe-fs.ts): content made in pieces compared with a file as it is made and
// hashed on the way, and a run's map of directories checked once — each giving the answer the
// plain walk gives. checkOutputDir: links on the way to the output directory, refused below the
// repository's roots and followed above them; `/` and home compared by real path too.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkOutputDir, probeBytes, realPathOf, type ProbeBytes } from '../../src/cli/safe-fs.js';

let root: string;
beforeEach(() => {
  root = realpathSync(mkdtempSync(join(tmpdir(), 'libcc-safe-fs-')));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const sha256 = (text: string | Buffer) => createHash('sha256').update(text).digest('hex');

/** Pieces of `text` of `size` characters each (strings and bytes in turn), with multi-byte characters across chunks. */
function piecesOf(text: string, size: number): () => Iterable<string | Uint8Array> {
  return function* () {
    for (let at = 0, k = 0; at < text.length; at += size, k++) {
      const piece = text.slice(at, at + size);
      yield k % 2 === 0 ? piece : Buffer.from(piece, 'utf8');
    }
  };
}

describe('probeBytes with content made in pieces', () => {
  // Over the 1 MiB chunk of encodePieces and the 64 KiB reads, with a character of 3 bytes.
  const text = Array.from({ length: 100_000 }, (_, i) => `{"job": ${i}, "name": "lib—${i % 97}"}\n`).join('');

  const probe = (onDisk: string | Buffer, read: 'hash' | 'bytes' = 'hash'): ProbeBytes => {
    writeFileSync(join(root, 'plan.json'), onDisk);
    return probeBytes(root, 'plan.json', { pieces: piecesOf(text, 7_777) }, read);
  };

  it('finds the same file the same, with the pieces hashed', () => {
    expect(Buffer.byteLength(text)).toBeGreaterThan(3 * 2 ** 20);
    expect(probe(text)).toMatchObject({ kind: 'file', same: true, expectedHash: sha256(text) });
  });

  it('finds a file that differs anywhere, is shorter or longer: different, with both hashes right', () => {
    const middle = Math.floor(text.length / 2);
    const variants = {
      'a byte in the middle': `${text.slice(0, middle)}X${text.slice(middle + 1)}`,
      'the last byte': `${text.slice(0, -1)}X`,
      'the first byte': `X${text.slice(1)}`,
      shorter: text.slice(0, -10),
      longer: `${text}more\n`,
      empty: '',
    };
    for (const [what, onDisk] of Object.entries(variants)) {
      expect(probe(onDisk), what).toMatchObject({ kind: 'file', same: false, different: { hash: sha256(onDisk) }, expectedHash: sha256(text) });
    }
    // As bytes (what diff reads): the file's own bytes.
    const read = probe(variants.longer, 'bytes');
    expect(read.kind === 'file' && !read.same && 'bytes' in read.different ? read.different.bytes.toString('utf8') : undefined).toBe(variants.longer);
  });
});

describe('probeBytes with a map of directories', () => {
  it('answers as the plain walk does, looking at each directory once', () => {
    mkdirSync(join(root, 'decks/char'), { recursive: true });
    writeFileSync(join(root, 'decks/char/a.tcl'), 'a\n');
    writeFileSync(join(root, 'decks/char/b.tcl'), 'b\n');
    mkdirSync(join(root, 'elsewhere'));
    symlinkSync(join(root, 'elsewhere'), join(root, 'linked'));
    writeFileSync(join(root, 'elsewhere/c.tcl'), 'c\n');
    symlinkSync(join(root, 'decks/char/a.tcl'), join(root, 'decks/char/link.tcl'));
    execFileSync('mkfifo', [join(root, 'decks/char/fifo.tcl')]);
    writeFileSync(join(root, 'file'), 'x\n');
    const directories = new Map<string, string | undefined>();
    for (const path of ['decks/char/a.tcl', 'decks/char/b.tcl', 'decks/char/none.tcl', 'missing/dir/x.tcl', 'linked/c.tcl', 'decks/char/link.tcl', 'decks/char/fifo.tcl', 'file/x']) {
      const expected = Buffer.from('a\n');
      expect(probeBytes(root, path, expected, 'hash', directories), path).toEqual(probeBytes(root, path, expected, 'hash'));
    }
    expect([...directories.keys()].sort()).toEqual(['decks', 'decks/char', 'file', 'linked', 'missing']);
    expect(probeBytes(root, 'decks/char/fifo.tcl', undefined, 'hash', directories)).toEqual({ kind: 'unsafe', reason: 'decks/char/fifo.tcl is not a regular file' });
  });
});

describe('realPathOf', () => {
  it('resolves the deepest existing ancestor and appends the rest as written', () => {
    mkdirSync(join(root, 'real'));
    symlinkSync(join(root, 'real'), join(root, 'alias'));
    symlinkSync(join(root, 'nowhere'), join(root, 'dangling'));
    expect(realPathOf(join(root, 'alias'))).toBe(join(root, 'real'));
    expect(realPathOf(join(root, 'alias/a/b'))).toBe(join(root, 'real/a/b'));
    expect(realPathOf(join(root, 'alias/../alias/x'))).toBe(join(root, 'real/x'));
    expect(realPathOf(join(root, 'dangling/x'))).toBe(join(root, 'dangling/x'));
  });
});

describe('checkOutputDir', () => {
  it('refuses a link on the way below a root, naming it; follows one above every root', () => {
    const repo = join(root, 'repo');
    mkdirSync(join(root, 'elsewhere'), { recursive: true });
    mkdirSync(join(repo, 'real'), { recursive: true });
    symlinkSync(join(root, 'elsewhere'), join(repo, 'gen'));
    const out = join(repo, 'gen/out');
    expect(() => checkOutputDir(out, [repo])).toThrow(`refusing to use ${out} as the output directory: ${join(repo, 'gen')} is a symbolic link (to ${join(root, 'elsewhere')}), which a repository can commit; give the real path with -o`);
    // The same link is the site's when no root is below it.
    expect(() => checkOutputDir(out, [join(repo, 'real')])).not.toThrow();
    expect(() => checkOutputDir(out, [])).not.toThrow();
    // A plain directory below the root, a missing one, a link further down than the walk gets.
    expect(() => checkOutputDir(join(repo, 'real/a/b'), [repo])).not.toThrow();
    expect(() => checkOutputDir(join(repo, 'missing/gen/out'), [repo])).not.toThrow();
  });

  it('tells what is below a root by real paths: a root or a path given through an alias', () => {
    const repo = join(root, 'repo');
    mkdirSync(join(root, 'elsewhere'), { recursive: true });
    mkdirSync(repo);
    symlinkSync(join(root, 'elsewhere'), join(repo, 'gen'));
    symlinkSync(repo, join(root, 'alias'));
    expect(() => checkOutputDir(join(root, 'alias/gen/out'), [repo])).toThrow(`${join(root, 'alias/gen')} is a symbolic link`);
    expect(() => checkOutputDir(join(repo, 'gen/out'), [join(root, 'alias')])).toThrow(`${join(repo, 'gen')} is a symbolic link`);
    // `..` is taken from where the link led, as the kernel takes it.
    expect(() => checkOutputDir(`${repo}/gen/../out`, [repo])).toThrow(`${join(repo, 'gen')} is a symbolic link`);
  });

  it('refuses `/` and the home directory by real path, and keeps refusing them by name', () => {
    symlinkSync('/', join(root, 'slash'));
    expect(() => checkOutputDir(join(root, 'slash'), [])).toThrow(`refusing to use ${join(root, 'slash')} as the output directory: it is the root of the file system (/ once symbolic links are resolved)`);
    expect(() => checkOutputDir('/', [])).toThrow('refusing to use / as the output directory: it is the root of the file system; choose');
    const home = process.env.HOME;
    try {
      mkdirSync(join(root, 'home/user'), { recursive: true });
      symlinkSync(join(root, 'home'), join(root, 'alias'));
      process.env.HOME = join(root, 'home/user');
      expect(() => checkOutputDir(join(root, 'alias/user/'), [])).toThrow(`it is your home directory (${join(root, 'home/user')} once symbolic links are resolved)`);
      expect(() => checkOutputDir(join(root, 'alias'), [])).toThrow(`it holds your home directory (${join(root, 'home')} once`);
      expect(() => checkOutputDir(join(root, 'home'), [])).toThrow('it holds your home directory; choose');
      expect(() => checkOutputDir(join(root, 'alias/user/generated'), [])).not.toThrow();
    } finally {
      process.env.HOME = home;
    }
  });
});
