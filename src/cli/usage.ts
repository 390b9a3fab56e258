/**
 * What every command shares to answer: its exit codes (0 ok, warnings allowed; 1 diagnostics with
 * errors; 2 a usage error or an internal one), where it prints, and the usage error — a mistake
 * in how libcc was called, or a refusal to touch a directory — printed as a message, never as a
 * stack trace.
 */
import { ClobberError, ManifestError } from './generated-dir.js';
import { drained, write } from './io.js';
import { UnsafePathError } from './safe-fs.js';

export const EXIT_OK = 0;
export const EXIT_DIAGNOSTICS = 1;
export const EXIT_USAGE = 2;

export interface Output {
  stdout(text: string): void;
  stderr(text: string): void;
  /**
   * Settles once what was given to `stdout` is written (or cannot be); undefined when nothing
   * waits. A long output waits on it piece by piece instead of queueing all of it.
   */
  drained?(): Promise<void> | undefined;
  /** True when standard output is a terminal; absent or false for a pipe, a file, a test. */
  stdoutIsTerminal?(): boolean;
}

export const processOutput: Output = {
  stdout: (text) => write(process.stdout, text),
  stderr: (text) => write(process.stderr, text),
  drained: () => drained(process.stdout),
  stdoutIsTerminal: () => process.stdout.isTTY === true,
};

/** A mistake in how libcc was called: exit 2, its message and, when a fix is known, a `help:` line. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly help?: string,
  ) {
    super(message);
  }
}

/**
 * Runs `action`; a refusal to touch the generated directory (a file libcc did not generate, a
 * hostile manifest, a planted link, an output directory it must not use, a lock) is a usage
 * error: exit 2 with its message, nothing written.
 */
export function refusalsAsUsageErrors<T>(action: () => T): T {
  try {
    return action();
  } catch (error) {
    throw asUsageError(error);
  }
}

export async function refusalsAsUsageErrorsAsync<T>(action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    throw asUsageError(error);
  }
}

function asUsageError(error: unknown): unknown {
  return error instanceof ClobberError || error instanceof ManifestError || error instanceof UnsafePathError ? new UsageError(error.message) : error;
}
