/**
 * The fingerprint thread of big compiles (src/cli/fingerprint-hasher.ts, fingerprint-thread.ts):
 * each deck job's fingerprint — its JSON head, the deck's body escaped as a JSON string, `}` — is
 * the one made in line (`deferredFingerprint`), across many messages and chunks, for bodies in
 * shared memory at any offset, and for a body that is not (made in line).
 */
import { existsSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ThreadedFingerprints } from '../../src/cli/fingerprint-hasher.js';
import { deferredFingerprint } from '../../src/emit/fingerprint.js';
import { ReusedBytes } from '../../src/graph/json-bytes.js';

beforeAll(() => {
  expect(existsSync('dist/cli/fingerprint-thread.js'), 'run `npm run build` first').toBe(true);
});

/** `text`'s UTF-8 in a SharedArrayBuffer of several bodies, at `offset` (as decks lie in `ByteArena` blocks). */
function sharedBody(block: SharedArrayBuffer, offset: number, text: string): Uint8Array {
  const bytes = Buffer.from(text, 'utf8');
  new Uint8Array(block).set(bytes, offset);
  return new Uint8Array(block, offset, bytes.length);
}

describe('ThreadedFingerprints', () => {
  it('gives each job the fingerprint made in line, over many messages and chunks', async () => {
    const jobs = 5000;
    const hasher = new ThreadedFingerprints(jobs);
    const expected = new Map<number, string>();
    const into = new ReusedBytes();
    const blocks = [new SharedArrayBuffer(1 << 21), new SharedArrayBuffer(1 << 21)];
    let offset = 0;
    try {
      // Every third job has a deck, in an order that is not the positions'; heads up to 2 KB.
      for (let k = 0; k < jobs / 3; k++) {
        const position = (k * 7919) % jobs;
        const head = Buffer.from(`{"pipeline":"p","stage":"char","key":"lib${k}.c${k % 17}","literals":[["lcp_x","${'é'.repeat(k % 700)}"]],"deck":`, 'utf8');
        const text = `set corner c${k} ;# "quoted" \\ back\tslash \u0001\u001f é… \ud83d\ude00\n`.repeat(1 + (k % 5));
        const block = blocks[k % 2]!;
        const body = sharedBody(block, offset, text); // never overwritten, as in an arena
        offset += 1213;
        hasher.add(position, head, body);
        expected.set(position, deferredFingerprint(into, head, body));
      }
      // A body outside shared memory is fingerprinted in line.
      const plain = Buffer.from('plain body\n');
      const head = Buffer.from('{"deck":');
      hasher.add(jobs - 1, head, plain);
      expected.set(jobs - 1, deferredFingerprint(into, head, plain));
      const results = hasher.results();
      expect(results.size).toBe(expected.size);
      for (const [position, fingerprint] of expected) expect(results.get(position), String(position)).toBe(fingerprint);
      expect([...results.values()].every((f) => /^[0-9a-f]{16}$/.test(f))).toBe(true);
    } finally {
      await hasher.close();
    }
  });

  it('answers at once when nothing was added', async () => {
    const hasher = new ThreadedFingerprints(10);
    try {
      expect(hasher.results().size).toBe(0);
    } finally {
      await hasher.close();
    }
  });
});
