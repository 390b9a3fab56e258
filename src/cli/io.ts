/**
 * The CLI's edge with the outside world: the file system, the terminal and colour. The only
 * module (with main.ts) that touches `process`.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LoaderHost } from '../syntax/load.js';
import { safeFileSystemHost } from '../syntax/read-source.js';

/** Reads regular files (at most 16 MiB) relative to the working directory, never devices or FIFOs; unreadable files are `undefined`. */
export const fileSystemHost: LoaderHost = safeFileSystemHost;

/** The path as users see it in diagnostics: relative to the working directory when inside it. */
export function userPath(path: string): string {
  if (!isAbsolute(path)) return path;
  const rel = relative(process.cwd(), path);
  return rel.startsWith('..') || isAbsolute(rel) ? path : rel;
}

/**
 * Colour on a terminal, unless the environment says otherwise: `--color`/`--no-color` first, then
 * `NO_COLOR` (https://no-color.org), then `FORCE_COLOR` (`0` or `false` turns colour off, any
 * other value on, as in Node), then `TERM=dumb` (off).
 */
export function useColor(stream: { readonly isTTY?: boolean }, requested?: boolean, env: NodeJS.ProcessEnv = process.env): boolean {
  if (requested !== undefined) return requested;
  const noColor = env.NO_COLOR;
  if (noColor !== undefined && noColor !== '') return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined) return !['0', 'false'].includes(force.toLowerCase());
  if (env.TERM === 'dumb') return false;
  return stream.isTTY === true;
}

/** The package root (two levels above this module in both src/ and dist/). */
export function packageRoot(): string {
  return resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
}

/** libcc's version, from its package.json. */
export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

/** The end of every internal-error message: how to report it (README: "Reporting problems"). */
export const REPORT_BUG =
  'This is a bug in libcc, not in your pipeline; please report it with the input that caused it and the output of ' +
  '`libcc --version` (see "Reporting problems" in libcc\'s README.md).\n';
