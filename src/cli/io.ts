/**
 * The CLI's edge with the outside world: the file system, the terminal and colour. The only
 * module (with main.ts) that touches `process`.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { safeText } from '../diagnostics/render.js';
import { safeFileSystemHost } from '../syntax/read-source.js';

/**
 * A reader that closes early (`libcc check … | head -1`) is not an error: once a stream reports
 * EPIPE, later output to it is dropped and the command finishes with its own exit code.
 */
const closed = new WeakSet<NodeJS.WritableStream>();
export function write(stream: NodeJS.WritableStream, text: string): void {
  if (closed.has(stream)) return;
  if (stream.listenerCount('error') === 0) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
      closed.add(stream);
    });
  }
  stream.write(text);
}

/**
 * Settles when `stream` has written what it had queued, or its reader went away (EPIPE: `write`
 * drops the rest); undefined when there is nothing to wait for (most calls). Node writes to a
 * pipe asynchronously: without waiting, a 110 MB `libcc diff` piped to `less` is queued whole
 * in memory before any of it is read.
 */
export function drained(stream: Writable): Promise<void> | undefined {
  if (closed.has(stream) || stream.destroyed || !stream.writableNeedDrain) return undefined;
  return new Promise((resolve) => {
    const done = () => {
      stream.off('drain', done).off('close', done).off('error', done);
      resolve();
    };
    stream.on('drain', done).on('close', done).on('error', done);
  });
}

/** Reads regular files (at most 16 MiB) relative to the working directory, never devices or FIFOs; unreadable files are `undefined`. */
export const fileSystemHost = safeFileSystemHost;

/**
 * Why a pipeline file named on the command line (or found under a directory given to `check` or
 * `fmt`) is not read: a symbolic link out of its directory (src/syntax/read-source.ts, where the
 * language server finds it too).
 */
export { linkLeavesDirectory } from '../syntax/read-source.js';

/**
 * A message of libcc's own that names things from the user or a repository (file names, the
 * output directory, a lock's holder, a run's stage and job names) made safe for a terminal:
 * control characters other than the line break (C0, DEL, C1) are shown as `\u{1b}`, as
 * diagnostics show them (`safeText`), so that a hostile name cannot drive the terminal.
 */
export function terminalSafe(text: string): string {
  return safeText(text, Number.POSITIVE_INFINITY);
}

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

/**
 * An HTML page or an SVG picture printed on a terminal is a screenful of markup nobody reads,
 * scrolling away what was asked for; like gzip and tar with binary data, it is not written
 * there. Returns the refusal to print (exit 2), or undefined when standard output is not a
 * terminal.
 */
export function markupOnTerminal(output: { stdoutIsTerminal?(): boolean }, what: string, help: string): string | undefined {
  if (output.stdoutIsTerminal?.() !== true) return undefined;
  return `libcc: error: ${what} is not printed on a terminal\nhelp: ${help}\n`;
}
