/**
 * What `libcc check` checks: the files, directories and globs it is given, expanded to `.lcp`
 * files (deterministically: sorted, each once). Reads the
 * file system; the CLI turns a `problem` into a usage error. Which of them are programs of their
 * own is the driver's decision (`src/driver/roots.ts`).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { displayPath } from '../syntax/load.js';
import { userPath } from './io.js';

/** Directories never searched for `.lcp` files. */
const SKIPPED_DIRECTORIES = new Set(['node_modules', '.git']);

export type Expansion = { readonly files: string[] } | { readonly problem: string };

/**
 * The files `libcc check` was asked for, in order, each once: a directory stands for every `*.lcp`
 * under it (recursively, sorted, without `node_modules` and `.git`); a path with `*` or `?` that
 * names no file is a glob (`*` and `?` within a segment, `**` across segments; CI often passes
 * them quoted) standing for the `.lcp` files it matches, sorted; anything else is a file.
 */
export function expandCheckPaths(paths: readonly string[]): Expansion {
  const files: string[] = [];
  for (const path of paths) {
    if (isDirectory(path)) {
      const found = lcpFilesUnder(path);
      if (found.length === 0) return { problem: `no .lcp files under \`${path}\`` };
      files.push(...found);
    } else if (/[*?]/.test(path) && !existsSync(path)) {
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

/**
 * Every file under `dir` (paths `dir/…`), sorted, at most `depth` levels down; symlinked
 * directories are not followed.
 */
function filesUnder(dir: string, depth = Infinity): string[] {
  const out: string[] = [];
  const walk = (current: string, level: number) => {
    let entries;
    try {
      entries = readdirSync(current, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = current === '.' ? entry.name : `${current.replace(/\/+$/, '')}/${entry.name}`;
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRECTORIES.has(entry.name) && level < depth) walk(path, level + 1);
      } else if (entry.isFile() || (entry.isSymbolicLink() && isFile(path))) {
        out.push(path);
      }
    }
  };
  walk(dir, 1);
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

/** The `.lcp` files a glob matches: its leading segments without wildcards name the directory searched. */
function globLcpFiles(pattern: string): string[] {
  const segments = pattern.replace(/\\/g, '/').split('/');
  const firstWild = segments.findIndex((segment) => /[*?]/.test(segment));
  const base = segments.slice(0, firstWild).join('/');
  const root = base === '' ? (pattern.startsWith('/') ? '/' : '.') : base;
  const rest = segments.slice(firstWild).filter((segment) => segment !== '');
  const matchers = rest.map((segment) => (segment === '**' ? '**' : segmentRegExp(segment)));
  const depth = matchers.includes('**') ? Infinity : matchers.length;
  return filesUnder(root, depth).filter((path) => {
    if (!path.endsWith('.lcp')) return false;
    const relative = root === '.' ? path : path.slice(root.replace(/\/+$/, '').length + 1);
    return matchSegments(matchers, relative.split('/'));
  });
}

function segmentRegExp(segment: string): RegExp {
  const source = segment.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]');
  return new RegExp(`^${source}$`);
}

function matchSegments(matchers: readonly (RegExp | '**')[], parts: readonly string[]): boolean {
  const [first, ...restMatchers] = matchers;
  if (first === undefined) return parts.length === 0;
  if (first === '**') {
    for (let skip = 0; skip <= parts.length; skip++) if (matchSegments(restMatchers, parts.slice(skip))) return true;
    return false;
  }
  const [part, ...restParts] = parts;
  return part !== undefined && first.test(part) && matchSegments(restMatchers, restParts);
}
