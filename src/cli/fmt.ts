/**
 * `libcc fmt [--check] <files...>`: rewrite `.lcp` files in the canonical style
 * (src/syntax/format.ts, docs/formatting.md).
 *
 * - Without `--check`, each file that is not already formatted is rewritten and listed
 *   (`formatted: <file>`); exit 0.
 * - With `--check`, nothing is written: the files that would change are listed
 *   (`would reformat: <file>`) and the exit code is 1 when there is any.
 * - With `--diff`, nothing is written either: a unified diff of each file that would change is
 *   printed, and the exit code is 1 when there is any.
 * - `-` is standard input (named `--stdin-filename` in messages, `<stdin>` without it): its
 *   formatted text goes to standard output (for editor plugins), unless `--check` or `--diff`.
 * - A file with syntax errors is left alone; its diagnostics are printed (short form) on stderr
 *   and the exit code is 1. A file that cannot be read (or written) is reported on stderr and
 *   the exit code is 2; so is one that is a symbolic link out of its directory (not read). The
 *   other files are still processed; the highest exit code wins.
 * - A file reached through a symbolic link below the working directory (`repo/sub/x.lcp` with
 *   `repo/sub -> ../outside`: a repository can commit the link) is not rewritten: exit 2, the
 *   rule of `compile -o` (safe-fs.ts). `--check` and `--diff` write nothing and read it, as
 *   `libcc check repo/sub/x.lcp` does; a directory given to `fmt` is searched without entering
 *   linked directories, so only a path naming the link leads there.
 *
 * All effects go through `io`, so the command is testable without a file system; `refuseWrite`
 * looks at the real one when `io` has none.
 */
import { renderShort } from '../diagnostics/render.js';
import { createSourceFile } from '../diagnostics/source.js';
import { formatLcp } from '../syntax/format.js';
import { displayPath } from '../syntax/load.js';
import { REPORT_BUG, terminalSafe } from './io.js';
import { committedLinkRefusal } from './safe-fs.js';
import { EXIT_DIAGNOSTICS, EXIT_OK, EXIT_USAGE } from './usage.js';

export interface FmtIo {
  /** The file's text, or undefined when it cannot be read. */
  read(path: string): string | undefined;
  /** Why a file is not to be read at all (a link out of its directory), or undefined. */
  refuse?(path: string): string | undefined;
  /**
   * Why a file is not to be rewritten (reached through a symbolic link below the working
   * directory), or undefined; `linkOnTheWayRefusal` on the file system when absent.
   */
  refuseWrite?(path: string): string | undefined;
  /** Replace the file's text; may throw when it cannot be written. */
  write(path: string, text: string): void;
  stdout(text: string): void;
  stderr(text: string): void;
  /** Standard input's text (for `-`); undefined when it cannot be read. */
  readStdin?(): string | undefined;
  /** A unified diff between a file's text and its formatted text (for `--diff`). */
  patch?(path: string, before: string, after: string): string;
}

export interface FmtOptions {
  /** Write nothing; exit 1 when a file is not formatted. */
  readonly check: boolean;
  /** Write nothing; print a unified diff of every change; exit 1 when there is any. */
  readonly diff?: boolean;
  /** The name of standard input (`-`) in messages. */
  readonly stdinFilename?: string;
}

/** The name of standard input in messages when `--stdin-filename` is not given. */
export const STDIN_NAME = '<stdin>';

/** A file `fmt` cannot read or write: the usage exit code, as every command's. */
const EXIT_IO = EXIT_USAGE;

/**
 * Why `fmt` does not rewrite `path`: a symbolic link below the working directory on the way to it
 * (`committedLinkRefusal`, as `compile -o`); undefined when there is none.
 */
export function linkOnTheWayRefusal(path: string): string | undefined {
  return committedLinkRefusal(path, [process.cwd()], `to rewrite ${path}`, 'format it at its real path');
}

/** Runs `libcc fmt`; returns the exit code. */
export function fmtCommand(files: readonly string[], options: FmtOptions, io: FmtIo): number {
  let exitCode = EXIT_OK;
  const fail = (code: number): void => {
    exitCode = Math.max(exitCode, code);
  };
  const unformatted: string[] = [];
  for (const given of files) {
    const stdin = given === '-';
    const file = stdin ? (options.stdinFilename ?? STDIN_NAME) : given;
    const writes = !options.check && !options.diff;
    const refused = stdin ? undefined : (io.refuse?.(file) ?? (writes ? (io.refuseWrite ?? linkOnTheWayRefusal)(file) : undefined));
    if (refused !== undefined) {
      io.stderr(terminalSafe(`libcc: error: ${refused}\n`));
      fail(EXIT_IO);
      continue;
    }
    const text = stdin ? io.readStdin?.() : io.read(file);
    if (text === undefined) {
      io.stderr(terminalSafe(`libcc: error: cannot read \`${stdin ? 'standard input' : file}\`: no such file, or not readable\n`));
      fail(EXIT_IO);
      continue;
    }
    const source = createSourceFile(displayPath(file), text);
    let result: ReturnType<typeof formatLcp>;
    try {
      result = formatLcp(source);
    } catch (error) {
      io.stderr(
        `libcc: internal error while formatting \`${file}\`: ${error instanceof Error ? error.message : String(error)}\n` +
          REPORT_BUG,
      );
      fail(EXIT_IO);
      continue;
    }
    if ('diagnostics' in result) {
      io.stderr(renderShort(result.diagnostics, new Map([[source.path, source]])));
      io.stderr(terminalSafe(`libcc: \`${file}\` has syntax errors: not formatted\n`));
      fail(EXIT_DIAGNOSTICS);
      continue;
    }
    if (stdin && !options.check && !options.diff) {
      io.stdout(result.text);
      continue;
    }
    if (result.text === text) continue;
    if (options.diff) {
      unformatted.push(file);
      io.stdout(io.patch ? io.patch(file, text, result.text) : '');
      fail(EXIT_DIAGNOSTICS);
      continue;
    }
    if (options.check) {
      unformatted.push(file);
      io.stdout(terminalSafe(`would reformat: ${file}\n`));
      fail(EXIT_DIAGNOSTICS);
      continue;
    }
    try {
      io.write(file, result.text);
    } catch (error) {
      io.stderr(terminalSafe(`libcc: error: cannot write \`${file}\`: ${error instanceof Error ? error.message : String(error)}\n`));
      fail(EXIT_IO);
      continue;
    }
    io.stdout(terminalSafe(`formatted: ${file}\n`));
  }
  if (options.diff) {
    // The patch is the whole output (pipe it to `git apply` or `patch -p1`).
  } else if (options.check && exitCode === EXIT_OK) {
    const only = files[0] === '-' ? (options.stdinFilename ?? STDIN_NAME) : files[0];
    io.stdout(terminalSafe(`ok: ${files.length === 1 ? only : `${files.length} files`} already formatted\n`));
  } else if (unformatted.length > 0) {
    const plural = unformatted.length === 1 ? 'file is' : 'files are';
    io.stdout(`${unformatted.length} ${plural} not formatted: run \`libcc fmt\` on ${unformatted.length === 1 ? 'it' : 'them'}\n`);
  }
  return exitCode;
}
