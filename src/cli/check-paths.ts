/**
 * What `libcc check` checks: the files, directories and globs it is given, expanded to `.lcp`
 * files (deterministically: sorted, each once). Reads the
 * file system; the CLI turns a `problem` into a usage error. Which of them are programs of their
 * own is the driver's decision (`src/driver/roots.ts`).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { globSync, isDynamicPattern } from 'tinyglobby';
import { displayPath } from '../syntax/load.js';
import { userPath } from './io.js';

/** Directories never searched for `.lcp` files. */
const SKIPPED_DIRECTORIES = new Set(['node_modules', '.git']);

export type Expansion = { readonly files: string[] } | { readonly problem: string };

/**
 * The files `libcc check` was asked for, in order, each once: a directory stands for every `*.lcp`
 * under it (recursively, sorted, without `node_modules` and `.git`); a path with glob syntax that
 * names no file is a glob (`*`, `?`, `**`, `{a,b}`, `[mn]*`, by tinyglobby; CI often passes them
 * quoted) standing for the `.lcp` files it matches, sorted; anything else is a file.
 */
export function expandCheckPaths(paths: readonly string[]): Expansion {
  const files: string[] = [];
  for (const path of paths) {
    if (isDirectory(path)) {
      const found = lcpFilesUnder(path);
      if (found.length === 0) return { problem: `no .lcp files under \`${path}\`` };
      files.push(...found);
    } else if (isDynamicPattern(path) && !existsSync(path)) {
      const found = globLcpFiles(path);
      if (found.length === 0) return { problem: `no .lcp files match \`${path}\`` };
      files.push(...found);
    } else {
      files.push(path);
    }
  }
  const seen = new Set<string>();
  const unique = files.filter((file) => {
    const key = displayPath(userPath(file));
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return { files: unique };
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Every file under `dir` (paths `dir/…`), sorted; symlinked directories are not followed. */
function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (current: string) => {
    let entries;
    try {
      entries = readdirSync(current, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = current === '.' ? entry.name : `${current.replace(/\/+$/, '')}/${entry.name}`;
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRECTORIES.has(entry.name)) walk(path);
      } else if (entry.isFile() || (entry.isSymbolicLink() && isFile(path))) {
        out.push(path);
      }
    }
  };
  walk(dir);
  return out.sort(compareStrings);
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function lcpFilesUnder(dir: string): string[] {
  return filesUnder(dir).filter((path) => path.endsWith('.lcp'));
}

/**
 * The `.lcp` files a glob matches (tinyglobby: `*`, `?`, `**`, `{a,b}`, `[mn]*`, `!(x)`…), sorted;
 * its leading segments without wildcards name the directory searched, so the paths come out as
 * the user wrote them. Symbolic links to directories are not followed; `node_modules` and `.git`
 * are skipped as for directories.
 */
function globLcpFiles(pattern: string): string[] {
  const segments = pattern.replace(/\\/g, '/').split('/');
  const firstWild = segments.findIndex((segment) => isDynamicPattern(segment));
  const base = segments.slice(0, firstWild).join('/');
  const root = base === '' ? (pattern.startsWith('/') ? '/' : '.') : base;
  const rest = segments.slice(firstWild).join('/');
  if (!isDirectory(root)) return [];
  const matches = globSync(rest, {
    cwd: root,
    onlyFiles: true,
    dot: true,
    followSymbolicLinks: false,
    expandDirectories: false,
    ignore: ['**/node_modules/**', '**/.git/**'],
  });
  const prefix = root === '.' ? '' : `${root.replace(/\/+$/, '')}/`;
  return matches
    .filter((path) => path.endsWith('.lcp'))
    .map((path) => `${prefix}${path}`)
    .sort(compareStrings);
}
