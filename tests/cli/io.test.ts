/** `write` and `drained` (src/cli/io.ts): how the CLI's long outputs reach a pipe. */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { drained, write } from '../../src/cli/io.js';

/** A stream that takes each chunk only when `release` is called, as a pipe whose reader is slow. */
function slowStream(options: { autoDestroy?: boolean } = {}) {
  const waiting: ((error?: Error | null) => void)[] = [];
  const stream = new Writable({
    highWaterMark: 4,
    ...options,
    write(_chunk, _encoding, callback) {
      waiting.push(callback);
    },
  });
  return { stream, release: (error?: Error) => waiting.splice(0).forEach((callback) => callback(error)) };
}

/** Whether `promise` has settled, once pending callbacks have run (none to wait for: settled). */
async function settled(promise: Promise<void> | undefined): Promise<boolean> {
  if (promise === undefined) return true;
  let done = false;
  void promise.then(() => (done = true));
  await new Promise((resolve) => setImmediate(resolve));
  return done;
}

describe('drained', () => {
  it('gives nothing to wait for when nothing waits to be written', () => {
    expect(drained(new Writable({ write: (_c, _e, callback) => callback() }))).toBeUndefined();
  });

  it('waits until the reader has taken what was queued', async () => {
    const { stream, release } = slowStream();
    write(stream, 'more than the high-water mark');
    const waiting = drained(stream);
    expect(await settled(waiting)).toBe(false);
    release();
    expect(await settled(waiting)).toBe(true);
  });

  it('settles when the stream fails while it waits', async () => {
    const { stream, release } = slowStream();
    stream.on('error', () => {});
    stream.write('more than the high-water mark');
    const waiting = drained(stream);
    release(new Error('gone'));
    expect(await settled(waiting)).toBe(true);
  });

  it('settles at once after the reader went away (EPIPE), though the stream stays open as stdout does', async () => {
    // process.stdout is not destroyed by an error and still "needs a drain" that never comes.
    const { stream, release } = slowStream({ autoDestroy: false });
    write(stream, 'more than the high-water mark');
    release(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    await new Promise((resolve) => setImmediate(resolve));
    expect(stream.destroyed).toBe(false);
    expect(stream.writableNeedDrain).toBe(true);
    expect(drained(stream)).toBeUndefined();
    write(stream, 'dropped, not an error');
  });
});
