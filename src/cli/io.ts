/**
 * The CLI's edge with the outside world: the file system, the terminal and colour. The only
 * module (with main.ts) that touches `process`.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LoaderHost } from '../syntax/load.js';

/** Reads files relative to the working directory; unreadable files are `undefined`. */
export const fileSystemHost: LoaderHost = {
  readFile(path: string): string | undefined {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  },
};

/** The path as users see it in diagnostics: relative to the working directory when inside it. */
export function userPath(path: string): string {
  if (!isAbsolute(path)) return path;
  const rel = relative(process.cwd(), path);
  return rel.startsWith('..') || isAbsolute(rel) ? path : rel;
}

/** Colour only on a terminal, and never under NO_COLOR (https://no-color.org). */
export function useColor(stream: NodeJS.WriteStream, requested?: boolean): boolean {
  if (requested !== undefined) return requested;
  const noColor = process.env.NO_COLOR;
  if (noColor !== undefined && noColor !== '') return false;
  if (process.env.FORCE_COLOR !== undefined && process.env.FORCE_COLOR !== '0') return true;
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
