/**
 * Reading a source file from the file system without trusting it: pipelines come from pull
 * requests, and `import "/dev/zero"`-like paths, a FIFO or a 50 MB file must end in a refusal,
 * not in a hang or 8 GB of memory. The file is `stat`ed first (regular files only, at most
 * `MAX_SOURCE_LENGTH` bytes), opened with O_NONBLOCK (a FIFO swapped in after the `stat` does
 * not block the open), checked again on the open descriptor, and read up to the limit.
 */
import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, relative, sep } from 'node:path';
import type { LoaderHost } from './load.js';
import { MAX_SOURCE_LENGTH } from './load.js';

export type ReadSource = { readonly text: string } | { readonly error: string };

export function readSourceFile(path: string, limit = MAX_SOURCE_LENGTH): ReadSource {
  let fd: number | undefined;
  try {
    const before = statSync(path);
    if (!before.isFile()) return { error: `${path} is not a regular file` };
    if (before.size > limit) return { error: `${path} is ${(before.size / 2 ** 20).toFixed(1)} MiB, over the limit of ${(limit / 2 ** 20).toFixed(0)} MiB` };
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    const stat = fstatSync(fd);
    if (!stat.isFile()) return { error: `${path} is not a regular file` };
    const buffer = Buffer.alloc(Math.min(limit + 1, Math.max(stat.size + 1, 1)));
    let length = 0;
    for (;;) {
      if (length === buffer.length) return { error: `${path} is over the limit of ${(limit / 2 ** 20).toFixed(0)} MiB` };
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
    }
    return { text: buffer.toString('utf8', 0, length) };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * A loader host over the file system that refuses what `readSourceFile` refuses, and resolves
 * symbolic links (so that an import through a link out of the root's directory is refused).
 */
export const safeFileSystemHost: LoaderHost & { realPath(path: string): string | undefined } = {
  readFile(path: string): string | undefined {
    const read = readSourceFile(path);
    return 'text' in read ? read.text : undefined;
  },
  realPath(path: string): string | undefined {
    try {
      return realpathSync(path);
    } catch {
      return undefined;
    }
  },
};

/**
 * Why a pipeline file is not read: it is a symbolic link that resolves outside its own
 * directory. A pull request can commit `flow.lcp -> /etc/passwd`; CI's `libcc check .` would
 * print its lines in diagnostics, and an editor's language server, looking for the pipeline
 * that imports an open file among its siblings, would publish them. Imports are confined the
 * same way (LCP2005, src/syntax/load.ts). Undefined for anything else (a missing or unreadable
 * file: its read reports it).
 */
export function linkLeavesDirectory(path: string): string | undefined {
  try {
    if (!lstatSync(path).isSymbolicLink()) return undefined;
    const target = realpathSync(path);
    const rel = relative(realpathSync(dirname(path)), target);
    if (rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel))) return undefined;
    return `refusing \`${path}\`: it is a symbolic link to ${target}, outside its directory (libcc reads pipelines only inside the directory of the file it is given; run it on the file itself)`;
  } catch {
    return undefined;
  }
}
