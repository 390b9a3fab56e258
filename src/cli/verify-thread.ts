/**
 * The verify thread of a re-compile (`verifier.ts`): while the main thread runs the analysis, it
 * checks the generated directory as the no-change fast path would (`verifyListedFiles`: the
 * manifest, then every listed file by the stat index or its hash) and, with `record`, updates the
 * stat index. The main thread then only compares the manifest's `# inputs` with the analysis'.
 *
 * A big directory whose files are mostly to be hashed (no stat index yet: the first re-compile
 * after a writing compile) is checked in two halves at once: this thread starts itself again
 * as a helper for the second half (`verifyListedFiles`). A helper that fails costs only time: its
 * half is then checked here.
 *
 * workerData: `{ dir, record, helperMinFiles? }` (the fewest files worth a helper: `HELPER_MIN_FILES`,
 * lowered by the tests). Out, once: `{ result, notes }`, or `{ error }` for a failure
 * the main thread would have thrown (it then verifies again itself, and throws it).
 * As a helper, workerData: `{ dir, helper: { entries, from, startMs } }`; out, once: a
 * `ListedRange` with every line resolved.
 */
import { parentPort, Worker, workerData } from 'node:worker_threads';
import { verifyListedFiles, type ListedHelper } from './up-to-date.js';
import { verifyResolved, type ListedEntry, type ListedRange } from './listed-files.js';
import { threadScript } from './threads.js';

export type VerifyReply =
  | { readonly result: ({ readonly files: number; readonly trusted: number } | { readonly reason: string }) & { readonly text?: string }; readonly notes: readonly string[] }
  | { readonly error: string };

/** A directory listing fewer files is checked by this thread alone (a helper costs a thread's start-up). */
const HELPER_MIN_FILES = 4000;

interface HelperData {
  readonly entries: readonly ListedEntry[];
  readonly from: number;
  readonly startMs: number;
}

if (parentPort !== null) {
  const data = workerData as { dir: string; record?: boolean; helper?: HelperData; helperMinFiles?: number };
  if (data.helper !== undefined) parentPort.postMessage(verifyResolved(data.dir, data.helper.entries, data.helper.from, data.helper.startMs));
  else void verify(data.dir, data.record === true, data.helperMinFiles ?? HELPER_MIN_FILES).then((reply) => parentPort!.postMessage(reply));
}

async function verify(dir: string, record: boolean, helperMinFiles: number): Promise<VerifyReply> {
  const notes: string[] = [];
  try {
    return { result: await verifyListedFiles(dir, { record, note: (text) => notes.push(text), helper: startHelper(dir, helperMinFiles) }), notes };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

/** A `ListedHelper` running in another thread, for lists of at least `minFiles` entries. */
function startHelper(dir: string, minFiles: number): ListedHelper {
  return (entries, from, startMs) => {
    if (from + entries.length < minFiles) return undefined;
    let worker: Worker;
    try {
      worker = new Worker(threadScript('verify-thread'), { workerData: { dir, helper: { entries, from, startMs } satisfies HelperData } });
    } catch {
      return undefined; // no thread to be had (a resource limit): this thread checks it all
    }
    const outcome = new Promise<ListedRange | undefined>((resolve) => {
      worker.once('message', (range: ListedRange) => resolve(range));
      worker.once('error', () => resolve(undefined));
      worker.once('exit', () => resolve(undefined));
    });
    return { outcome, cancel: () => void worker.terminate() };
  };
}
