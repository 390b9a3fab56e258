/**
 * The writer thread of a big first compile (`stage-writer.ts`): creates the files it is sent in
 * the compile's stage directory — exclusively, without following links, with their mode, as the
 * main thread does (`createExclusive`) — and hashes each for the manifest, while the main thread
 * goes on generating the rest. Its parent made the directories above every file.
 *
 * Messages in: `{ files, chunk?, shared }` and `{ stream, mode, chunk?, length?, end? }`, then
 * `{ done: true }`. A file is its path, mode and content as parts `[source, start, end]`
 * (`MessageParts`: in the message's `chunk`, or in shared memory where the analysis rendered the
 * decks). A streamed file (plan.json, made a MiB at a time) comes as one message per chunk, the
 * last with `end`; each chunk written is handed back with `{ written: bytes, chunk }`, so that the
 * main thread holds back while too many are in flight, and fills it again. Each file of a
 * `files` message written adds one to `workerData.progress[0]` (shared memory), so that the main
 * thread knows at any time how far behind the thread is. Out, once: `{ hashes: [path, sha256][] }`,
 * or `{ error: { message, code } }` at the first failure (the rest is not written).
 */
import * as crypto from 'node:crypto';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { changed } from './crash-hook.js';
import { partOf } from './message-parts.js';
import { createExclusive, ExclusiveFile } from './safe-fs.js';

export type WriterFile = readonly [path: string, mode: number, segments: readonly number[]];
export type WriterMessage =
  | { readonly files: readonly WriterFile[]; readonly chunk?: ArrayBuffer; readonly shared: readonly SharedArrayBuffer[] }
  | { readonly stream: string; readonly mode: number; readonly chunk?: ArrayBuffer; readonly length?: number; readonly end?: true }
  | { readonly done: true };
export type WriterReply =
  | { readonly written: number; readonly chunk: ArrayBuffer }
  | { readonly hashes: readonly (readonly [string, string])[] }
  | { readonly error: { readonly message: string; readonly code?: string } };

if (parentPort !== null) {
  const port = parentPort;
  const { stage, progress } = workerData as { stage: string; progress: Int32Array };
  const hashes: [string, string][] = [];
  const shared: Uint8Array[] = [];
  const keptModes = new Set<number>();
  let streamed: { path: string; file: ExclusiveFile; hash: crypto.Hash } | undefined;
  let failed = false;
  port.on('message', (message: WriterMessage) => {
    if (failed) return;
    try {
      if ('done' in message) {
        port.postMessage({ hashes } satisfies WriterReply);
        return;
      }
      if ('stream' in message) {
        if (streamed?.path !== message.stream) {
          streamed = { path: message.stream, file: new ExclusiveFile(join(stage, message.stream), message.mode, keptModes), hash: crypto.createHash('sha256') };
        }
        if (message.chunk !== undefined) {
          const bytes = new Uint8Array(message.chunk, 0, message.length);
          streamed.hash.update(bytes);
          streamed.file.write(bytes);
          port.postMessage({ written: bytes.length, chunk: message.chunk } satisfies WriterReply, [message.chunk]);
        }
        if (message.end) {
          streamed.file.close();
          hashes.push([streamed.path, streamed.hash.digest('hex')]);
          streamed = undefined;
          changed();
        }
        return;
      }
      for (const buffer of message.shared) shared.push(new Uint8Array(buffer));
      const chunk = message.chunk === undefined ? undefined : new Uint8Array(message.chunk);
      for (const [path, mode, segments] of message.files) {
        const parts: Uint8Array[] = [];
        const hash = crypto.createHash('sha256');
        for (let i = 0; i < segments.length; i += 3) {
          const part = partOf(segments, i, chunk, shared);
          parts.push(part);
          hash.update(part);
        }
        createExclusive(join(stage, path), parts, mode, keptModes);
        hashes.push([path, hash.digest('hex')]);
        Atomics.add(progress, 0, 1);
        changed();
      }
    } catch (error) {
      failed = true;
      try {
        streamed?.file.close();
      } catch {
        // Closed already, or not to be closed: the thread stops here.
      }
      const { message: text, code } = error as NodeJS.ErrnoException;
      port.postMessage({ error: { message: String(text), ...(code === undefined ? {} : { code }) } } satisfies WriterReply);
    }
  });
}
