/**
 * The verify thread of a re-compile (`verifier.ts`): while the main thread runs the analysis, it
 * checks the generated directory as the no-change fast path would (`verifyListedFiles`: the
 * manifest, then every listed file by the stat index or its hash) and, with `record`, updates the
 * stat index. The main thread then only compares the manifest's `# inputs` with the analysis'.
 *
 * workerData: `{ dir, record }`. Out, once: `{ result, notes }`, or `{ error }` for a failure
 * the main thread would have thrown (it then verifies again itself, and throws it).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { verifyListedFiles } from './compile.js';

export type VerifyReply =
  | { readonly result: ({ readonly files: number; readonly trusted: number } | { readonly reason: string }) & { readonly text?: string }; readonly notes: readonly string[] }
  | { readonly error: string };

if (parentPort !== null) {
  const { dir, record } = workerData as { dir: string; record: boolean };
  const notes: string[] = [];
  let reply: VerifyReply;
  try {
    reply = { result: verifyListedFiles(dir, { record, note: (text) => notes.push(text) }), notes };
  } catch (error) {
    reply = { error: error instanceof Error ? error.message : String(error) };
  }
  parentPort.postMessage(reply);
}
